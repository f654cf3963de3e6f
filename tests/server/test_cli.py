"""`flask setup` and `flask translate`."""

from pathlib import Path

from sqlalchemy import func, select

from config import settings_for_tests
from server import create_app
from server.extensions import db
from server.models import Commune, Province, UnionBranch


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Province, Commune, UnionBranch)
    )


def test_setup_twice_on_a_fresh_database(tmp_path):
    app = create_app(settings_for_tests(f"sqlite:///{tmp_path / 'fresh.db'}"))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["setup"])
    second = runner.invoke(args=["setup"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "3425 rows written" in first.output
    assert "(0 rows written)" in second.output
    with app.app_context():
        assert _counts() == (34, 3321, 70)
        db.engine.dispose()


def test_setup_again_on_the_test_database_changes_nothing(app):
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "(0 rows written)" in result.output
    with app.app_context():
        assert _counts() == (34, 3321, 70)


def test_translate_compile_writes_catalogs(app):
    locales = Path(app.config["LOCALES_DIR"])
    result = app.test_cli_runner().invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    for language in ("vi", "en"):
        assert (locales / language / "LC_MESSAGES" / "messages.mo").is_file()
