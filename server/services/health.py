"""Checks behind /healthz."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.extensions import db

log = logging.getLogger(__name__)


def check_database():
    """None when the database answers, else a short description of the failure."""
    try:
        db.session.execute(text("SELECT 1"))
        return None
    except SQLAlchemyError as error:
        log.warning("Health check: database unreachable: %s", error)
        db.session.rollback()
        return "unreachable"
    finally:
        db.session.remove()
