"""Fixtures: a migrated database per test session, an app and a client per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Reference data is loaded once by the real `setup` command; every other table is emptied
after each test, so tests never see each other's rows.
"""

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from config import database_url as normalized_url
from config import settings_for_tests
from server import create_app
from server.extensions import db

REFERENCE_TABLES = {"provinces", "communes", "union_branches"}


def _reset_postgresql(url):
    """Start from an empty schema, so that migrations build everything."""
    engine = create_engine(normalized_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {error}", 1)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated and loaded by `flask setup`, shared by the session."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgresql(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(settings_for_tests(url))
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return url


def _empty_mutable_tables():
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture
def settings(database_url, tmp_path):
    """Settings of the test app; a test may change them before asking for `app`."""
    return settings_for_tests(
        database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        SMS_OUTBOX_PATH=str(tmp_path / "sms-outbox.jsonl"),
    )


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    with app.app_context():
        db.session.remove()
        _empty_mutable_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_context(app):
    """For tests that read or write the database directly."""
    with app.app_context():
        yield
