"""Creates that phones may retry: the same id with the same content is the same request."""

import hashlib
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from server.errors import Conflict, DomainError
from server.extensions import db
from server.sql import insert_ignoring_duplicates


def fingerprint(content):
    """A stable hash of a request's content (keys sorted, dates and numbers as text).

    An optional field sent as null is the same request as one that leaves it out.
    """
    present = {key: value for key, value in content.items() if value is not None}
    canonical = json.dumps(present, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_replay(existing_fingerprint, content, same_owner=True):
    """A retry returns quietly; different content under a used id, or an id someone else used, is a conflict."""
    if not same_owner or existing_fingerprint != fingerprint(content):
        raise Conflict(_l("This id was already used for different data."))


def create_once(model, row_id, content, is_owner, build, fingerprint_column="fingerprint"):
    """Store the row a client created under its own id once; returns (row, created).

    `build()` checks the rules and returns the new row, not yet added to the session, carrying
    fingerprint(content) in `fingerprint_column`. A stored row under the id answers a retry when
    `is_owner(row)` and its fingerprint match, else Conflict; a stored row comes before the rules,
    so a retry of a create whose rules no longer hold (or different content under a used id) is
    answered by the stored row, as if it had been read first.

    The insert comes first, without reading the id before it: a new id, the common case, costs one
    statement (issue 13). It is inserted with ON CONFLICT (id) DO NOTHING, which also settles two
    tries of one create running at once (a phone on a slow network retries while its first try is
    still running): it waits for the other transaction and then either inserts or does nothing.
    The loser gets the winner's row, with the same checks as a retry. Nothing else is written
    before that insert, so no other row's IntegrityError is mistaken for the race, and no autoflush
    sends a half-made row first.
    """
    try:
        row = build()
    except DomainError:
        stored = db.session.get(model, row_id)
        if stored is None:
            raise
    else:
        if _insert_unless_taken(row):
            # The row is what was just written: the session takes it as stored, without reading it back.
            make_transient_to_detached(row)
            db.session.add(row)
            return row, True
        stored = db.session.get(model, row_id)
    check_replay(getattr(stored, fingerprint_column), content, same_owner=is_owner(stored))
    return stored, False


def _insert_unless_taken(row):
    """INSERT the row's columns unless its primary key is taken; whether it was inserted."""
    mapper = inspect(type(row))
    values = {attribute.columns[0].name: getattr(row, attribute.key)
              for attribute in mapper.column_attrs if attribute.key in row.__dict__}
    statement = insert_ignoring_duplicates(
        mapper.local_table, index_elements=[column.name for column in mapper.primary_key])
    # Without preserve_rowcount, drivers need not count the rows of an INSERT (psycopg does not).
    return db.session.execute(statement, values, execution_options={"preserve_rowcount": True}).rowcount == 1
