"""Reports for programme managers and union admins (SPEC §6 "Reports"): counts only, never people."""

from server.extensions import db


def rows_of(statement):
    """The rows of a Core SELECT as a list, read on the session's connection (its transaction).

    Not through Session.execute, whose wrapping of each row for the ORM costs about a microsecond
    (3 ms of a report with 3,321 communes), and fetched all at once: iterating the result fetches
    row by row.
    """
    return db.session.connection().execute(statement).all()
