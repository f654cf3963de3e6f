"""Newly active sellers and commune coverage against the national 30% target (SPEC §6)."""

import math
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, distinct, exists, func, literal, or_, select, union_all

from server.errors import InvalidInput
from server.extensions import db
from server.models import Cohort, CohortMember, Commune, Province, Seller, SellerActivity, UnionBranch, User
from server.services.places import union_display_name
from server.services.reports import rows_of
from server.services.reports.scope import active_window, day_end, day_start

GROUPS = ("commune", "province", "union", "cohort", "month")
SPLITS = {"kind": ("household", "cooperative"), "gender": ("female", "male", "other", "unknown")}
TARGET_PERCENT = 30
MAX_MONTHS = 36


# --- counting ---------------------------------------------------------------------------------

def _split_column(by):
    if by == "kind":
        return Seller.kind
    if by == "gender":
        return func.coalesce(User.gender, "unknown")
    return None


def _group_column(group_by):
    return {
        "commune": Seller.commune_code,
        "union": Cohort.union_id,
        "cohort": CohortMember.cohort_id,
    }.get(group_by)


def _count_statement(scope, condition, group_by=None, by=None):
    """SELECT [key,] sellers[, sellers of each split] of the sellers in scope meeting `condition`, per group."""
    group, split = _group_column(group_by), _split_column(by)
    through_cohorts = group_by in ("union", "cohort")

    def counted(column):
        # Through cohorts a seller may appear twice (two cohorts of one branch); count it once.
        return func.count(distinct(column)) if through_cohorts else func.count(column)

    columns = [counted(Seller.id).label("sellers")]
    if split is not None:
        columns += [counted(case((split == value, Seller.id))).label(value) for value in SPLITS[by]]
    statement = select(*([] if group is None else [group.label("key")]), *columns).select_from(Seller)
    if scope.province_codes is not None:
        statement = statement.join(Commune, Commune.code == Seller.commune_code)
    if by == "gender":
        statement = statement.join(User, User.id == Seller.owner_id)
    if through_cohorts:
        statement = statement.join(CohortMember, CohortMember.seller_id == Seller.id).join(
            Cohort, Cohort.id == CohortMember.cohort_id)
        if scope.union_ids is not None:
            statement = statement.where(Cohort.union_id.in_(scope.union_ids))
    if scope.province_codes is not None:
        statement = statement.where(Commune.province_code.in_(scope.province_codes))
    statement = statement.where(condition, *scope.seller_filter(Seller.id))
    return statement if group is None else statement.group_by(group)


def _counts(scope, conditions, group_by=None, by=None):
    """{name: {group key: (sellers, sellers of each split…)}} for each named condition, in one statement.

    Each condition is its own SELECT (reading its own index), glued with UNION ALL and told apart
    by its position. Without a grouping the key is None.
    """
    names = list(conditions)
    statements = [_count_statement(scope, conditions[name], group_by, by).add_columns(literal(position))
                  for position, name in enumerate(names)]
    counts = {name: {} for name in names}
    grouped = group_by is not None
    for row in rows_of(union_all(*statements) if len(statements) > 1 else statements[0]):
        *numbers, position = row
        key = numbers.pop(0) if grouped else None
        counts[names[position]][key] = tuple(numbers)
    return counts


def activated_between(first_day, last_day):
    """Activated on a Vietnam calendar day from `first_day` to `last_day`, both included."""
    return (Seller.activated_at >= day_start(first_day)) & (Seller.activated_at < day_end(last_day))


def active_as_of(day):
    """Activated on or before `day`, with selling activity in the 90 days ending on `day`.

    A seller whose latest activity falls in the window is active; one whose latest activity is
    before it is not; only sellers active again after `day` need their activity days read.
    """
    first, last = active_window(day)
    in_window = exists().where(SellerActivity.seller_id == Seller.id, SellerActivity.day.between(first, last))
    return (
        (Seller.activated_at < day_end(day))
        & (Seller.last_activity_day >= first)
        & ((Seller.last_activity_day <= last) | in_window)
    )


# --- rows of each grouping ---------------------------------------------------------------------

def group_rows(scope, group_by):
    """(key, descriptive fields) for every province, union branch or cohort in scope, zeros included."""
    if group_by == "province":
        statement = select(Province.code, Province.name).order_by(Province.code)
        if scope.province_codes is not None:
            statement = statement.where(Province.code.in_(scope.province_codes))
        return [(code, {"province_code": code, "province_name": name}) for code, name in rows_of(statement)]
    branches = _branches(scope)
    if group_by == "union":
        return [(b.id, {"union_id": b.id, "union_name": union_display_name(b), "union_kind": b.kind,
                        "province_code": b.province_code}) for b in branches]
    names = {b.id: union_display_name(b) for b in branches}
    cohorts = rows_of(select(Cohort.id, Cohort.name, Cohort.union_id)
                      .where(Cohort.union_id.in_(list(names))).order_by(Cohort.union_id, Cohort.id))
    return [(cohort_id, {"cohort_id": cohort_id, "cohort_name": name, "union_id": union_id,
                         "union_name": names[union_id]})
            for cohort_id, name, union_id in cohorts]


def _branches(scope):
    statement = select(UnionBranch).order_by(UnionBranch.province_code.is_not(None), UnionBranch.province_code,
                                             UnionBranch.kind)
    if scope.union_ids is not None:
        statement = statement.where(UnionBranch.id.in_(scope.union_ids))
    elif scope.province_codes is not None:
        # National branches run cohorts everywhere: their rows count the sellers in scope too.
        statement = statement.where(or_(UnionBranch.province_code.in_(scope.province_codes),
                                        UnionBranch.province_code.is_(None)))
    return db.session.scalars(statement).all()


def _no_sellers(by):
    return (0,) * (1 + len(SPLITS.get(by, ())))


def _with_counts(row, new_active, active, by):
    """The report row `row` (its fields) with its counts added (and split counts when asked)."""
    row["new_active"], row["active_total"] = new_active[0], active[0]
    if by:
        row["new_active_by"] = dict(zip(SPLITS[by], new_active[1:], strict=True))
        row["active_total_by"] = dict(zip(SPLITS[by], active[1:], strict=True))
    return row


def _added(counts, by):
    """(sellers, sellers of each split…) tuples added up column by column."""
    return tuple(map(sum, zip(*counts, strict=True))) if counts else _no_sellers(by)


def _months(first_day, last_day):
    """(label, first day, last day) of each calendar month touching the period, clipped to it."""
    months, start = [], first_day
    while start <= last_day:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(next_month - timedelta(days=1), last_day)
        months.append((start.strftime("%Y-%m"), start, end))
        start = next_month
    return months


def _places_with_counts(scope, group_by, measures, by):
    """The report rows of every commune or province in scope, with their `measures`, in one statement.

    The places joined to their counts, as one would write it by hand: one round trip, and no
    matching of counts to places in Python.
    """
    if group_by == "commune":
        fields = (Commune.code.label("commune_code"), Commune.name.label("commune_name"),
                  Commune.province_code.label("province_code"), Province.name.label("province_name"))
        statement = (select(*fields).join(Province, Province.code == Commune.province_code)
                     .order_by(Commune.province_code, Commune.name_folded, Commune.code))

        def counted(column):
            return func.coalesce(column, 0)
    else:
        # Counted per commune, then added up per province: cheaper than joining every seller counted
        # to its commune first.
        fields = (Province.code.label("province_code"), Province.name.label("province_name"))
        statement = (select(*fields).join(Commune, Commune.province_code == Province.code)
                     .group_by(Province.code, Province.name).order_by(Province.code))

        def counted(column):
            return cast(func.coalesce(func.sum(column), 0), Integer)  # sum() of counts is numeric
    if scope.province_codes is not None:
        statement = statement.where(Commune.province_code.in_(scope.province_codes))
    for name, condition in measures.items():
        counts = _count_statement(scope, condition, "commune", by).subquery(f"{name}_sellers")
        statement = statement.outerjoin(counts, counts.c.key == Commune.code).add_columns(
            *(counted(column) for column in list(counts.c)[1:]))
    rows = rows_of(statement)
    if group_by == "commune" and not by:
        # Written out: over 3,321 communes a dict display costs half of dict(zip(names, row)).
        return [{"commune_code": code, "commune_name": name, "province_code": province,
                 "province_name": province_name, "new_active": new_active, "active_total": active_total}
                for code, name, province, province_name, new_active, active_total in rows]
    names = [column.name for column in fields]
    if not by:
        keys = (*names, *measures)
        return [dict(zip(keys, row, strict=True)) for row in rows]
    counts_from, active_from = len(names), len(names) + len(_no_sellers(by))
    items = []
    for row in rows:
        values = tuple(row)  # slices of a plain tuple cost far less than slices of a Row
        items.append(_with_counts(dict(zip(names, values[:counts_from], strict=True)),
                                  values[counts_from:active_from], values[active_from:], by))
    return items


def _totals(items, by):
    """The counts of rows where each seller is in one row, added up."""
    totals = {name: sum(item[name] for item in items) for name in ("new_active", "active_total")}
    if by:
        for name in ("new_active_by", "active_total_by"):
            totals[name] = {split: sum(item[name][split] for item in items) for split in SPLITS[by]}
    return totals


def new_active_sellers(scope, first_day, last_day, group_by="commune", by=None):
    """Rows of new and active sellers per group, with totals over the whole scope."""
    if first_day > last_day:
        raise InvalidInput(errors={"from": [_l("The start of the period is after its end.")]})
    if group_by == "month":
        return _by_month(scope, first_day, last_day, by)
    measures = {"new_active": activated_between(first_day, last_day), "active_total": active_as_of(last_day)}
    if group_by in ("commune", "province"):
        items = _places_with_counts(scope, group_by, measures, by)
        return {"items": items, "totals": _totals(items, by)}
    counts = _counts(scope, measures, group_by, by)
    none = _no_sellers(by)
    items = [_with_counts(fields, counts["new_active"].get(key, none), counts["active_total"].get(key, none), by)
             for key, fields in group_rows(scope, group_by)]
    # A seller may sit in several cohorts or branches: count the scope again, each seller once.
    totals = _counts(scope, measures, by=by)
    return {"items": items, "totals": _with_counts({}, totals["new_active"].get(None, none),
                                                   totals["active_total"].get(None, none), by)}


def _by_month(scope, first_day, last_day, by):
    months = _months(first_day, last_day)
    if len(months) > MAX_MONTHS:
        raise InvalidInput(errors={"to": [_l("Choose a period of at most 36 months.")]})
    measures = {}
    for label, start, end in months:
        measures[("new", label)] = activated_between(start, end)
        measures[("active", label)] = active_as_of(end)
    counts = _counts(scope, measures, by=by)
    none = _no_sellers(by)
    new_active = [counts[("new", label)].get(None, none) for label, _, _ in months]
    active = [counts[("active", label)].get(None, none) for label, _, _ in months]
    items = [_with_counts({"month": label}, new, active_then, by)
             for (label, _, _), new, active_then in zip(months, new_active, active, strict=True)]
    # The last month ends on `last_day`, so its active count is the period's.
    return {"items": items, "totals": _with_counts({}, _added(new_active, by), active[-1], by)}


# --- coverage ------------------------------------------------------------------------------------

def commune_coverage(scope, as_of, threshold=5):
    """Per province: communes with at least `threshold` sellers active as of the day, against 30%."""
    active = _count_statement(scope, active_as_of(as_of), "commune").subquery()
    covered = func.sum(case((active.c.sellers >= threshold, 1), else_=0))
    statement = (
        select(Province.code, Province.name, func.count(Commune.code), covered)
        .join(Commune, Commune.province_code == Province.code)
        .outerjoin(active, active.c.key == Commune.code)
        .group_by(Province.code, Province.name)
        .order_by(Province.code)
    )
    if scope.province_codes is not None:
        statement = statement.where(Province.code.in_(scope.province_codes))
    items = [
        {"province_code": code, "name": name, "communes": communes, "covered_communes": int(covered or 0),
         "percent": _percent(int(covered or 0), communes)}
        for code, name, communes, covered in rows_of(statement)
    ]
    communes = sum(item["communes"] for item in items)
    covered = sum(item["covered_communes"] for item in items)
    needed, gap = against_target(communes, covered)
    totals = {"communes": communes, "covered_communes": covered, "percent": _percent(covered, communes),
              "target_percent": TARGET_PERCENT, "target_communes": needed, "gap": gap}
    return {"items": items, "totals": totals, "as_of": as_of.isoformat(), "threshold": threshold}


def against_target(communes, covered):
    """(communes needed for 30% of `communes`, how many of them are still missing)."""
    needed = math.ceil(communes * TARGET_PERCENT / 100)
    return needed, max(0, needed - covered)


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


