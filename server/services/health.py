"""Checks behind /healthz."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.extensions import db

log = logging.getLogger(__name__)


def check_database():
    """None when the database answers, else a short description of the failure."""
    # A pooled connection of its own, not the request's ORM session: the question is only whether
    # the database answers, and a load balancer asks it several times a second.
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except SQLAlchemyError as error:
        log.warning("Health check: database unreachable: %s", error)
        return "unreachable"
