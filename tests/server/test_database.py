"""PostgreSQL sessions of web requests (server/database.py): reading requests run without a transaction."""

import pytest
from sqlalchemy import text

from server.extensions import db


@pytest.fixture
def postgresql_app(app, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: SQLite connections keep the driver's defaults")
    return app


def test_a_reading_request_runs_without_a_transaction_and_a_writing_one_with(postgresql_app):
    def autocommit(method):
        with postgresql_app.test_request_context("/", method=method):
            try:
                return db.session.connection().connection.dbapi_connection.autocommit
            finally:
                db.session.remove()

    assert autocommit("GET") is True
    assert autocommit("POST") is False
    assert autocommit("HEAD") is True
    assert autocommit("PATCH") is False


def test_a_connection_a_reading_request_used_is_transactional_again_after_it(postgresql_app):
    with postgresql_app.test_request_context("/", method="GET"):
        record = db.session.connection().connection._connection_record
        db.session.remove()
    assert record.dbapi_connection.autocommit is False


def test_a_write_in_a_reading_request_is_refused(postgresql_app):
    with postgresql_app.test_request_context("/", method="GET"):
        try:
            with pytest.raises(RuntimeError, match="A GET request may not write"):
                db.session.execute(text("UPDATE users SET locale = locale WHERE id = -1"))
            with pytest.raises(RuntimeError, match="may not write"):
                db.session.execute(text("SELECT id FROM users WHERE id = -1 FOR UPDATE"))
            assert db.session.execute(text("SELECT 1")).scalar() == 1
        finally:
            db.session.remove()
