"""The lessons the API serves: `content validate` on the app, `setup` refusing broken lessons, and
the in-memory index."""

import shutil

import pytest

from config import PROJECT_ROOT
from server import create_app
from server.extensions import db
from server.services.lessons import current_index, load_index

CONTENT_DIR = PROJECT_ROOT / "training_content"
BROKEN_FILE = "05-safe-payments/03-never-share-otp.en.md"


@pytest.fixture
def broken_content(tmp_path):
    """A copy of the lessons where one quiz answer names a choice that does not exist."""
    copy = tmp_path / "training_content"
    shutil.copytree(CONTENT_DIR, copy)
    lesson = copy / BROKEN_FILE
    text = lesson.read_text(encoding="utf-8")
    assert text.count("      answer: c\n") == 1
    lesson.write_text(text.replace("      answer: c\n", "      answer: z\n"), encoding="utf-8")
    return copy


@pytest.fixture
def broken_app(settings, broken_content):
    app = create_app({**settings, "TRAINING_CONTENT_DIR": str(broken_content)})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_content_validate_is_a_command_of_the_app(app):
    result = app.test_cli_runner().invoke(args=["content", "validate"])

    assert result.exit_code == 0, result.output
    assert "8 tracks, 24 lessons, 0 problems" in result.output


def test_content_validate_fails_on_broken_lessons(broken_app):
    result = broken_app.test_cli_runner().invoke(args=["content", "validate"])

    assert result.exit_code == 1
    assert f"training_content/{BROKEN_FILE}:" in result.output


def test_setup_reports_the_lessons_it_loaded(app):
    result = app.test_cli_runner().invoke(args=["setup"])

    assert result.exit_code == 0, result.output
    assert "Training content: 8 tracks, 24 lessons." in result.output


def test_setup_fails_loudly_on_broken_lessons(broken_app):
    result = broken_app.test_cli_runner().invoke(args=["setup"])

    assert result.exit_code == 1
    assert f"training_content/{BROKEN_FILE}:" in result.output
    assert "answer 'z' is not one of its choices" in result.output
    assert "Setup complete." not in result.output


def test_the_index_is_read_once_per_process(app_context):
    assert current_index() is load_index(CONTENT_DIR)
    assert current_index().lesson("never-share-otp").track == "safe-payments"
    assert current_index().next_slug(list(current_index().lessons)[-1]) is None
