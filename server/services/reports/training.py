"""Training report: learners, lessons completed, completion rate, days from enrolment to first listing.

Every query starts from the few rows of the period (lessons worked on in it, members enrolled in
it) and reaches sellers and cohorts through indexes, so the national tables are never scanned.
"""

import statistics

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from server.errors import InvalidInput
from server.models import Cohort, CohortMember, Commune, LessonProgress, Product, Seller
from server.services.reports import rows_of
from server.services.reports.scope import day_end, day_start
from server.services.reports.selling import group_rows

GROUPS = ("province", "union", "cohort")


def _first_shop(user_id_column, column):
    """`column` of the first shop a person owns: a person with two shops counts in one province only.

    ORDER BY id LIMIT 1 in the select list reads one owner's shops through the owner index; joining
    sellers on a min(id) subquery instead made PostgreSQL hash all the sellers of the country.
    """
    shop = aliased(Seller)
    return (select(getattr(shop, column)).where(shop.owner_id == user_id_column).order_by(shop.id).limit(1)
            .scalar_subquery())


def _per_learner(start, end, *about_the_person):
    """One row per person who worked on a lesson since `start`: learner in the period (0 or 1), lessons
    completed in it, lessons worked on, and of those finished (and the `about_the_person` columns).

    Added up per person first, so that each person's first shop is looked up once, not once per lesson.
    """
    worked_on = LessonProgress.started_at < end
    completed_in_period = and_(LessonProgress.completed_at >= start, LessonProgress.completed_at < end)
    finished = and_(worked_on, LessonProgress.completed_at.is_not(None), LessonProgress.completed_at < end)
    return (
        select(
            LessonProgress.user_id.label("user_id"),
            *about_the_person,
            func.max(case((worked_on, 1), else_=0)).label("learner"),
            func.sum(case((completed_in_period, 1), else_=0)).label("completed"),
            func.sum(case((worked_on, 1), else_=0)).label("worked_on"),
            func.sum(case((finished, 1), else_=0)).label("finished"),
        )
        .where(LessonProgress.last_activity_at >= start)
        .group_by(LessonProgress.user_id)
        .subquery("learners")
    )


def _sums(learners):
    """Learners, lessons completed, lessons worked on, of them finished: added up over `learners`."""
    return [func.sum(column) for column in (learners.c.learner, learners.c.completed, learners.c.worked_on,
                                            learners.c.finished)]


def _learners_in_cohorts(scope, group_by, start, end):
    """(user_id, key, the person's measures) of each learner in a cohort in scope, once per union or cohort.

    Starts from the period's learners (thousands), not from every member of every cohort.
    """
    learners = _per_learner(start, end)
    key = Cohort.union_id if group_by == "union" else Cohort.id
    statement = (
        select(learners.c.user_id, key.label("key"), learners.c.learner, learners.c.completed,
               learners.c.worked_on, learners.c.finished)
        .select_from(learners)
        .join(CohortMember, CohortMember.user_id == learners.c.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        # A member enrolled before having a shop is in no commune: counted in no scope, so that one
        # cohort has the same figures whoever reads them.
        .where(CohortMember.seller_id.is_not(None))
    )
    if scope.province_codes is not None:
        statement = statement.join(Seller, Seller.id == CohortMember.seller_id).join(
            Commune, Commune.code == Seller.commune_code).where(Commune.province_code.in_(scope.province_codes))
    if scope.union_ids is not None:
        statement = statement.where(Cohort.union_id.in_(scope.union_ids))
    return statement.distinct().subquery("members")


def _as_numbers(row):
    return tuple(int(value or 0) for value in row)


def _learning(scope, group_by, start, end):
    """{group key: (learners, lessons completed, lessons worked on, of them finished)}."""
    if group_by == "province":
        first_shop = [_first_shop(LessonProgress.user_id, "commune_code").label("commune_code")]
        if scope.union_ids is not None:
            first_shop.append(_first_shop(LessonProgress.user_id, "id").label("seller_id"))
        learners = _per_learner(start, end, *first_shop)
        statement = (
            select(Commune.province_code, *_sums(learners))
            .select_from(learners)
            .join(Commune, Commune.code == learners.c.commune_code)
            .group_by(Commune.province_code)
        )
        if scope.province_codes is not None:
            statement = statement.where(Commune.province_code.in_(scope.province_codes))
        if scope.union_ids is not None:
            statement = statement.where(*scope.seller_filter(learners.c.seller_id))
    else:
        members = _learners_in_cohorts(scope, group_by, start, end)
        statement = select(members.c.key, *_sums(members)).group_by(members.c.key)
    return {row[0]: _as_numbers(row[1:]) for row in rows_of(statement)}


def _learning_overall(scope, group_by, start, end):
    """The same measures over everyone in scope; a person in two groups counts once."""
    members = _learners_in_cohorts(scope, group_by, start, end)
    people = select(*(column for column in members.c if column.name != "key")).distinct().subquery("people")
    statement = select(*_sums(people))
    return _as_numbers(rows_of(statement)[0])


def _days_to_first_listing(scope, group_by, start, end):
    """{group key: {seller id: days from enrolment to first listing}} of members enrolled in the period."""
    first_listed_at = (
        select(func.min(Product.published_at)).where(Product.seller_id == CohortMember.seller_id).scalar_subquery()
    )
    key = {"province": Commune.province_code, "union": Cohort.union_id, "cohort": Cohort.id}[group_by]
    statement = (
        select(key, CohortMember.seller_id, CohortMember.enrolled_at, first_listed_at)
        .select_from(CohortMember)
        .where(CohortMember.enrolled_at >= start, CohortMember.enrolled_at < end)
    )
    # Only the joins the grouping and the scope need.
    if group_by == "province" or scope.province_codes is not None:
        # The member's commune looked up by seller id: joining sellers instead, PostgreSQL hashed all
        # the sellers of the country for the few thousand members enrolled in a month.
        commune = select(Seller.commune_code).where(Seller.id == CohortMember.seller_id).scalar_subquery()
        statement = statement.join(Commune, Commune.code == commune)
        if scope.province_codes is not None:
            statement = statement.where(Commune.province_code.in_(scope.province_codes))
    if group_by != "province" or scope.union_ids is not None:
        statement = statement.join(Cohort, Cohort.id == CohortMember.cohort_id)
        if scope.union_ids is not None:
            statement = statement.where(Cohort.union_id.in_(scope.union_ids))
    days = {}
    for group, seller_id, enrolled_at, listed_at in rows_of(statement):
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
