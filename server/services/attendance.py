"""In-person training sessions of a cohort and who attended; ids come from the trainer's phone."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.clock import now
from server.errors import InvalidInput
from server.extensions import db
from server.idempotency import create_once, fingerprint
from server.models import SessionAttendee, TrainingSession
from server.services import lessons
from server.services.cohorts import get_cohort


def record_session(user, cohort_id, fields):
    """Record attendance; the same id and content returns the first result. Returns (session, created)."""
    cohort = get_cohort(user, cohort_id)
    session_id = str(fields["id"])
    content = {key: value for key, value in fields.items() if key != "id"}
    # Who attended and what was covered are sets: the order and repeats of a retry do not matter.
    content["attendee_ids"] = sorted(set(content["attendee_ids"]))
    content["lesson_slugs"] = sorted(set(content["lesson_slugs"]))

    def build():
        strangers = set(content["attendee_ids"]) - {member.user_id for member in cohort.members}
        if strangers:
            raise InvalidInput(errors={"attendee_ids": [_l("Only members of the cohort can attend its sessions.")]})
        if set(content["lesson_slugs"]) - set(lessons.current_index().lessons):
            raise InvalidInput(errors={"lesson_slugs": [_l("Unknown lesson.")]})
        return TrainingSession(id=session_id, cohort_id=cohort.id, held_on=content["held_on"],
                               topic=content["topic"], lesson_slugs=list(content["lesson_slugs"]),
                               recorded_by_id=user.id, fingerprint=fingerprint(content), created_at=now())

    session, created = create_once(TrainingSession, session_id, content,
                                   lambda stored: stored.cohort_id == cohort.id, build)
    if created:
        session.attendees = [SessionAttendee(user_id=user_id) for user_id in content["attendee_ids"]]
        db.session.commit()
    return session, created


def list_sessions(user, cohort_id):
    cohort = get_cohort(user, cohort_id)
    return (
        select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
        .options(selectinload(TrainingSession.attendees))
        .order_by(TrainingSession.held_on.desc(), TrainingSession.created_at.desc(), TrainingSession.id)
    )
