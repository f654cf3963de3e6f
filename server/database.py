"""Settings of the PostgreSQL sessions web requests use: a statement timeout (the other timeouts are in
config.py), and no JIT compilation."""

from flask import has_request_context
from sqlalchemy import event


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
