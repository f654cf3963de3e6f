"""Training report: learners, lessons completed, completion rate, days from enrolment to first listing.

Every query starts from the few rows of the period (lessons worked on in it, members enrolled in
it) and reaches sellers and cohorts through indexes, so the national tables are never scanned.
"""

import statistics

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import aliased

from server.errors import InvalidInput
from server.extensions import db
from server.models import Cohort, CohortMember, Commune, LessonProgress, Product, Seller
from server.services.reports.scope import day_end, day_start
from server.services.reports.selling import group_rows

GROUPS = ("province", "union", "cohort")


def _first_shop(user_id_column):
    """The first shop a person owns: a person with two shops counts in one province only."""
    shop = aliased(Seller)
    return select(func.min(shop.id)).where(shop.owner_id == user_id_column).scalar_subquery()


def _learners_in_groups(scope, group_by, start):
    """(user_id, group key) of people who worked on a lesson since `start`, each pair once."""
    recent = select(LessonProgress.user_id).where(LessonProgress.last_activity_at >= start).distinct().subquery()
    if group_by == "province":
        statement = (
            select(recent.c.user_id.label("user_id"), Commune.province_code.label("key"))
            .select_from(recent)
            .join(Seller, Seller.id == _first_shop(recent.c.user_id))
            .join(Commune, Commune.code == Seller.commune_code)
        )
        if scope.province_codes is not None:
            statement = statement.where(Commune.province_code.in_(scope.province_codes))
        return statement.where(*scope.seller_filter(Seller.id))
    key = Cohort.union_id if group_by == "union" else Cohort.id
    statement = (
        select(CohortMember.user_id.label("user_id"), key.label("key"))
        .select_from(CohortMember)
        .join(recent, recent.c.user_id == CohortMember.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Seller, Seller.id == CohortMember.seller_id)
        .join(Commune, Commune.code == Seller.commune_code)
    )
    if scope.province_codes is not None:
        statement = statement.where(Commune.province_code.in_(scope.province_codes))
    if scope.union_ids is not None:
        statement = statement.where(Cohort.union_id.in_(scope.union_ids))
    return statement.distinct()


def _measures(start, end):
    """Learners active in the period, lessons completed in it, lessons worked on, and of those finished."""
    active = and_(LessonProgress.last_activity_at >= start, LessonProgress.started_at < end)
    completed_in_period = and_(LessonProgress.completed_at >= start, LessonProgress.completed_at < end)
    finished = and_(active, LessonProgress.completed_at.is_not(None), LessonProgress.completed_at < end)
    return (
        func.count(distinct(case((active, LessonProgress.user_id)))),
        func.sum(case((completed_in_period, 1), else_=0)),
        func.sum(case((active, 1), else_=0)),
        func.sum(case((finished, 1), else_=0)),
    )


def _as_numbers(row):
    return tuple(int(value or 0) for value in row)


def _learning(scope, group_by, start, end):
    """{group key: (learners, lessons completed, lessons worked on, of them finished)}."""
    members = _learners_in_groups(scope, group_by, start).subquery()
    statement = (
        select(members.c.key, *_measures(start, end))
        .select_from(LessonProgress)
        .join(members, members.c.user_id == LessonProgress.user_id)
        .where(LessonProgress.last_activity_at >= start)
        .group_by(members.c.key)
    )
    return {row[0]: _as_numbers(row[1:]) for row in db.session.execute(statement)}


def _learning_overall(scope, group_by, start, end):
    """The same measures over everyone in scope; a person in two groups counts once."""
    members = _learners_in_groups(scope, group_by, start).subquery()
    statement = select(*_measures(start, end)).where(
        LessonProgress.user_id.in_(select(members.c.user_id)), LessonProgress.last_activity_at >= start)
    return _as_numbers(db.session.execute(statement).one())


def _days_to_first_listing(scope, group_by, start, end):
    """{group key: {seller id: days from enrolment to first listing}} of members enrolled in the period."""
    first_listed_at = (
        select(func.min(Product.published_at)).where(Product.seller_id == CohortMember.seller_id).scalar_subquery()
    )
    key = {"province": Commune.province_code, "union": Cohort.union_id, "cohort": Cohort.id}[group_by]
    statement = (
        select(key, CohortMember.seller_id, CohortMember.enrolled_at, first_listed_at)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Seller, Seller.id == CohortMember.seller_id)
        .join(Commune, Commune.code == Seller.commune_code)
        .where(CohortMember.enrolled_at >= start, CohortMember.enrolled_at < end)
    )
    if scope.province_codes is not None:
        statement = statement.where(Commune.province_code.in_(scope.province_codes))
    if scope.union_ids is not None:
        statement = statement.where(Cohort.union_id.in_(scope.union_ids))
    days = {}
    for group, seller_id, enrolled_at, listed_at in db.session.execute(statement):
        if listed_at is None:
            continue
        # Already listing when enrolled counts as zero days; the first enrolment in a group counts.
        waited = max(0.0, (listed_at - enrolled_at).total_seconds() / 86400)
        by_seller = days.setdefault(group, {})
        by_seller[seller_id] = max(by_seller.get(seller_id, waited), waited)
    return days


def _row(fields, learning, days):
    learners, completed, worked_on, finished = learning
    return {
        **fields,
        "learners": learners,
        "lessons_completed": completed,
        "completion_rate": round(100 * finished / worked_on, 1) if worked_on else 0.0,
        "median_days_to_first_listing": round(statistics.median(days), 1) if days else None,
    }


def training(scope, first_day, last_day, group_by="province"):
    if first_day > last_day:
        raise InvalidInput(errors={"from": [_l("The start of the period is after its end.")]})
    start, end = day_start(first_day), day_end(last_day)
    learning = _learning(scope, group_by, start, end)
    days = _days_to_first_listing(scope, group_by, start, end)
    items = [_row(fields, learning.get(key, (0, 0, 0, 0)), list(days.get(key, {}).values()))
             for key, fields in group_rows(scope, group_by)]
    if group_by == "province":
        # Each person counts in one province (their first shop's): the rows add up to the totals.
        overall = tuple(sum(values) for values in zip(*learning.values())) or (0, 0, 0, 0)
    else:
        overall = _learning_overall(scope, group_by, start, end)
    every_seller = {}
    for by_seller in days.values():
        every_seller.update(by_seller)
    return {"items": items, "totals": _row({}, overall, list(every_seller.values()))}
