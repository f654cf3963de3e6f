"""SQL statements that are written differently on SQLite and PostgreSQL."""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db


def insert_ignoring_duplicates(model):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the database in use."""
    if db.engine.dialect.name == "postgresql":
        return postgresql_insert(model).on_conflict_do_nothing()
    return sqlite_insert(model).on_conflict_do_nothing()
