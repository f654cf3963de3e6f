"""The audit log: who did what to whose account."""

from flask import has_request_context, request

from server.extensions import db
from server.models import AuditEvent


def record(action, actor=None, subject=None, details=None):
    """Add an audit event to the current transaction; on_behalf when actor and subject differ."""
    actor_id = actor.id if actor is not None else None
    subject_id = subject.id if subject is not None else None
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        subject_user_id=subject_id,
        on_behalf=actor_id is not None and subject_id is not None and actor_id != subject_id,
        details=details or {},
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
