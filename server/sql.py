"""SQL statements that are written differently on SQLite and PostgreSQL."""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db


def insert_ignoring_duplicates(table, index_elements=None):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the database in use; `index_elements` limits
    the conflicts ignored to those on these columns (the primary key, say)."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=index_elements)
