"""PostgreSQL fast path for bulk loads: set foreign keys and secondary indexes aside while rows are
copied in, then put them back exactly as they were (their definitions are read from the catalog).

Checking a foreign key row by row and updating a b-tree per row cost more than the COPY itself;
re-adding a foreign key checks every row in one join, and building an index sorts once. All of it
runs in the load's transaction, so a failed load leaves the schema as it found it.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, text

_FOREIGN_KEYS = text("""
    SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.conrelid::regclass::text IN :tables
    ORDER BY 1, 2
""").bindparams(bindparam("tables", expanding=True))

# Indexes that no constraint owns (primary keys and unique constraints stay: they keep ids honest).
_INDEXES = text("""
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid::regclass::text IN :tables
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY 1
""").bindparams(bindparam("tables", expanding=True))


@dataclass
class SetAside:
    """The constraints and indexes taken off, with the statements that restore them."""

    foreign_keys: list
    indexes: list

    def restore(self, connection):
        # Indexes first: the foreign-key checks that follow can use them.
        for _, definition in self.indexes:
            connection.execute(text(definition))
        for table, name, definition in self.foreign_keys:
            connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def set_aside(connection, tables):
    """Drop the foreign keys and secondary indexes of `tables`; returns what `restore` puts back."""
    tables = sorted(tables)
    foreign_keys = [tuple(row) for row in connection.execute(_FOREIGN_KEYS, {"tables": tables})]
    indexes = [tuple(row) for row in connection.execute(_INDEXES, {"tables": tables})]
    for table, name, _ in foreign_keys:
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    return SetAside(foreign_keys, indexes)
