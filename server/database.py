"""Settings of the PostgreSQL sessions web requests use: a statement timeout (the other timeouts are in
config.py), no JIT compilation, and reads without a transaction."""

from flask import has_request_context, request
from sqlalchemy import event

# Requests that only read (HTTP's safe methods): no handler of them writes (the test suite was checked
# for it), and a write sent in one is refused (below).
READING_METHODS = ("GET", "HEAD", "OPTIONS")
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")


def init_app(app, db):
    """Give every pooled connection a request uses a statement timeout, and JIT off, once.

    JIT compilation pays off only for queries running for seconds, while it made the report queries,
    the app's costliest, 20-25% slower (new sellers per commune at 300,000 sellers: 88 ms against 70).

    Only requests: the same app runs migrations and the demo-data load from the command line,
    where a statement may rightly take minutes. Set when a request first checks the connection out
    of the pool (then kept), not per request, which would cost a round trip each time.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    timeout_ms = app.config["DATABASE_STATEMENT_TIMEOUT"] * 1000
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "checkout")
    def _limit_statements(dbapi_connection, connection_record, _proxy):
        if connection_record.info.get("statement_timeout") == timeout_ms or not has_request_context():
            return
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout_ms)}; SET jit = off")
        dbapi_connection.commit()
        connection_record.info["statement_timeout"] = timeout_ms

    read_without_transaction(engine)


def read_without_transaction(engine):
    """A reading request runs its statements in autocommit mode: no BEGIN before the first and no
    ROLLBACK after the last (two of a one-query request's three round trips), and psycopg prepares a
    statement a connection has run five times (it forgets them all at every ROLLBACK), so that the
    sign-in query is not planned anew on every request. Read committed, as every statement already
    was: each sees what was committed when it started. The connection is set back when it returns to
    the pool. The sign-in query on a pooled connection: 0.56 → 0.24 ms (issue 13)."""

    @event.listens_for(engine, "checkout")
    def _autocommit_when_reading(dbapi_connection, connection_record, _proxy):
        if has_request_context() and request.method in READING_METHODS:
            dbapi_connection.autocommit = True
            connection_record.info["reading"] = True

    @event.listens_for(engine, "checkin")
    def _transactions_again(dbapi_connection, connection_record):
        if connection_record.info.pop("reading", False) and dbapi_connection is not None:
            dbapi_connection.autocommit = False

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes_when_reading(connection, cursor, statement, *_args):
        """A write here would be committed statement by statement, not as one transaction."""
        if connection.info.get("reading") and (statement.lstrip()[:6].upper().startswith(WRITES)
                                               or "FOR UPDATE" in statement):
            raise RuntimeError(f"A {request.method} request may not write: {statement[:60]}")
