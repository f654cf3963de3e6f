"""How each member of a cohort is doing, and who needs a visit from the trainer."""

from datetime import timedelta

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.clock import now, vietnam_day
from server.extensions import db
from server.models import (Channel, CohortMember, LessonProgress, Product, Sale, Seller, SessionAttendee,
                           TrainingSession, User)
from server.phones import display
from server.services import lessons, onboarding
from server.services.cohorts import get_cohort

FAILED_ATTEMPTS_FOR_HELP = 3
QUIET_DAYS_FOR_HELP = 14

EXPORT_HEADER = [
    _l("Full name"), _l("Phone"), _l("Commune/ward"), _l("Onboarding done (%)"), _l("Lessons completed"),
    _l("Last active"), _l("Activated on"), _l("Needs help"), _l("Reason"), _l("Sessions attended"),
]


def _latest_by_user(column, user_column, user_ids, *conditions):
    rows = db.session.execute(
        select(user_column, func.max(column)).where(user_column.in_(user_ids), *conditions).group_by(user_column)
    )
    return dict(rows.all())


def _latest_selling_by_seller(seller_ids):
    """The latest product change, sale or channel link of each seller."""
    latest = {}
    for model, column in ((Product, Product.updated_at), (Sale, Sale.created_at), (Channel, Channel.created_at)):
        for seller_id, moment in _latest_by_user(column, model.seller_id, seller_ids).items():
            latest[seller_id] = max(moment, latest.get(seller_id, moment))
    return latest


def _struggling_lessons(user_ids):
    """{user_id: lesson slug} of a lesson not yet passed after 3 or more failed quiz attempts."""
    rows = db.session.execute(
        select(LessonProgress.user_id, LessonProgress.lesson_slug)
        .where(LessonProgress.user_id.in_(user_ids), LessonProgress.failed_attempts >= FAILED_ATTEMPTS_FOR_HELP,
               LessonProgress.passed_at.is_(None))
        .order_by(LessonProgress.last_activity_at.desc())
    )
    struggling = {}
    for user_id, slug in rows:
        struggling.setdefault(user_id, slug)
    return struggling


def _needs_help(member, struggling_slug, last_active, moment):
    if struggling_slug:
        lesson = lessons.current_index().lessons.get(struggling_slug)
        title = lesson.text(str(get_locale())).title if lesson else struggling_slug
        return "failed_quiz", gettext("Failed the quiz of “%(lesson)s” 3 times or more.", lesson=title)
    quiet_since = max(last_active or member.enrolled_at, member.enrolled_at)
    if moment - quiet_since >= timedelta(days=QUIET_DAYS_FOR_HELP):
        return "inactive", gettext("No activity for %(days)d days.", days=(moment - quiet_since).days)
    return None, None


def progress(user, cohort_id):
    """One row per member: onboarding percent, lessons completed, last active, activation, needs help."""
    cohort = get_cohort(user, cohort_id)
    # Everything about the members comes in one query per concern, whatever the cohort's size.
    # A member who erased their account is no one to visit any more: their row keeps the cohort's
    # anonymous counts (reports) but is not listed, nor counted as needing help.
    members = db.session.scalars(
        select(CohortMember).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, User.erased_at.is_(None))
        .order_by(CohortMember.id).options(
            selectinload(CohortMember.user),
            selectinload(CohortMember.seller).options(selectinload(Seller.owner), selectinload(Seller.commune)),
        )
    ).all()
    user_ids = [m.user_id for m in members]
    seller_ids = [m.seller_id for m in members if m.seller_id]
    checklists = onboarding.checklists([m.seller for m in members if m.seller])
    completed = dict(db.session.execute(
        select(LessonProgress.user_id, func.count())
        .where(LessonProgress.user_id.in_(user_ids), LessonProgress.status == "completed")
        .group_by(LessonProgress.user_id)
    ).all())
    learning = _latest_by_user(LessonProgress.last_activity_at, LessonProgress.user_id, user_ids)
    selling = _latest_selling_by_seller(seller_ids)
    struggling = _struggling_lessons(user_ids)
    moment = now()
    items = []
    for member in members:
        seller = member.seller
        candidates = [learning.get(member.user_id), selling.get(member.seller_id)]
        last_active = max((c for c in candidates if c is not None), default=None)
        code, reason = _needs_help(member, struggling.get(member.user_id), last_active, moment)
        items.append({
            "user_id": member.user_id,
            "full_name": member.user.full_name,
            "phone": member.user.phone,
            "seller_id": member.seller_id,
            "commune_name": seller.commune.name if seller else None,
            "onboarding_percent": checklists[seller.id]["percent"] if seller else 0,
            "lessons_completed": completed.get(member.user_id, 0),
            "last_active": last_active,
            "activated_at": seller.activated_at if seller else None,
            "needs_help": code is not None,
            "needs_help_code": code,
            "needs_help_reason": reason,
        })
    return items


def export_rows(user, cohort_id):
    """The progress table with attendance, for the trainer's paper report."""
    cohort = get_cohort(user, cohort_id)
    attended = dict(db.session.execute(
        select(SessionAttendee.user_id, func.count())
        .join(TrainingSession, TrainingSession.id == SessionAttendee.session_id)
        .where(TrainingSession.cohort_id == cohort.id)
        .group_by(SessionAttendee.user_id)
    ).all())
    yes, no = gettext("Yes"), gettext("No")
    rows = [
        [
            item["full_name"] or "",
            display(item["phone"]) if item["phone"] else "",
            item["commune_name"] or "",
            item["onboarding_percent"],
            item["lessons_completed"],
            # Real days (Vietnam's): a date cell in XLSX, ISO 8601 in CSV, never "1/3/26".
            vietnam_day(item["last_active"]) if item["last_active"] else None,
            vietnam_day(item["activated_at"]) if item["activated_at"] else None,
            yes if item["needs_help"] else no,
            item["needs_help_reason"] or "",
            attended.get(item["user_id"], 0),
        ]
        for item in progress(user, cohort_id)
    ]
    return cohort, EXPORT_HEADER, rows
