"""Newly active sellers and commune coverage against the national 30% target (SPEC §6)."""

import math
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, exists, func, or_, select

from server.errors import InvalidInput
from server.extensions import db
from server.models import Cohort, CohortMember, Commune, Province, Seller, SellerActivity, UnionBranch, User
from server.services.places import union_display_name
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
        "province": Commune.province_code,
        "union": Cohort.union_id,
        "cohort": CohortMember.cohort_id,
    }.get(group_by)


def _counts(scope, condition, group_by=None, by=None):
    """{(group key, split key): sellers} for sellers in scope meeting `condition`."""
    group, split = _group_column(group_by), _split_column(by)
    grouping = [column for column in (group, split) if column is not None]
    through_cohorts = group_by in ("union", "cohort")
    # Through cohorts a seller may appear twice (two cohorts of one branch); count it once.
    counted = func.count(distinct(Seller.id)) if through_cohorts else func.count(Seller.id)
    statement = select(*grouping, counted).select_from(Seller)
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
    if grouping:
        statement = statement.group_by(*grouping)
    counts = {}
    for row in db.session.execute(statement):
        keys = list(row[:-1])
        group_key = keys.pop(0) if group is not None else None
        split_key = keys.pop(0) if split is not None else None
        counts[(group_key, split_key)] = row[-1]
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
    """(key, descriptive fields) for every group in scope, zeros included."""
    provinces = scope.provinces()
    if group_by == "commune":
        rows = db.session.execute(
            select(Commune.code, Commune.name, Commune.province_code, Province.name)
            .join(Province, Province.code == Commune.province_code)
            .where(Commune.province_code.in_(provinces))
            .order_by(Commune.province_code, Commune.name_folded, Commune.code)
        )
        return [(code, {"commune_code": code, "commune_name": name, "province_code": province,
                        "province_name": province_name}) for code, name, province, province_name in rows]
    if group_by == "province":
        rows = db.session.execute(select(Province.code, Province.name).where(Province.code.in_(provinces))
                                  .order_by(Province.code))
        return [(code, {"province_code": code, "province_name": name}) for code, name in rows]
    branches = _branches(scope, provinces)
    if group_by == "union":
        return [(b.id, {"union_id": b.id, "union_name": union_display_name(b), "union_kind": b.kind,
                        "province_code": b.province_code}) for b in branches]
    cohorts = db.session.scalars(
        select(Cohort).where(Cohort.union_id.in_([b.id for b in branches])).order_by(Cohort.union_id, Cohort.id)
    ).all()
    return [(c.id, {"cohort_id": c.id, "cohort_name": c.name, "union_id": c.union_id}) for c in cohorts]


def _branches(scope, provinces):
    statement = select(UnionBranch).order_by(UnionBranch.province_code.is_not(None), UnionBranch.province_code,
                                             UnionBranch.kind)
    if scope.union_ids is not None:
        statement = statement.where(UnionBranch.id.in_(scope.union_ids))
    elif scope.province_codes is not None:
        # National branches run cohorts everywhere: their rows count the sellers in scope too.
        statement = statement.where(or_(UnionBranch.province_code.in_(provinces), UnionBranch.province_code.is_(None)))
    return db.session.scalars(statement).all()


def _per_group(counts):
    """{group: total over its splits} from {(group, split): count}."""
    totals = {}
    for (group, _), number in counts.items():
        totals[group] = totals.get(group, 0) + number
    return totals


def _rows(groups, new_active, active, by):
    """One row per group with its counts (and split counts when asked)."""
    new_totals, active_totals = _per_group(new_active), _per_group(active)
    rows = []
    for key, fields in groups:
        row = {**fields, "new_active": new_totals.get(key, 0), "active_total": active_totals.get(key, 0)}
        if by:
            row["new_active_by"] = {split: new_active.get((key, split), 0) for split in SPLITS[by]}
            row["active_total_by"] = {split: active.get((key, split), 0) for split in SPLITS[by]}
        rows.append(row)
    return rows


def _with_counts(fields, key, new_active, active, by):
    return _rows([(key, fields)], new_active, active, by)[0]


def _months(first_day, last_day):
    """(label, first day, last day) of each calendar month touching the period, clipped to it."""
    months, start = [], first_day
    while start <= last_day:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(next_month - timedelta(days=1), last_day)
        months.append((start.strftime("%Y-%m"), start, end))
        start = next_month
    return months


def _summed(counts):
    """Counts of every group added up per split: exact when each seller is in one group."""
    totals = {}
    for (_, split), number in counts.items():
        totals[(None, split)] = totals.get((None, split), 0) + number
    return totals


def new_active_sellers(scope, first_day, last_day, group_by="commune", by=None):
    """Rows of new and active sellers per group, with totals over the whole scope."""
    if first_day > last_day:
        raise InvalidInput(errors={"from": [_l("The start of the period is after its end.")]})
    if group_by == "month":
        return _by_month(scope, first_day, last_day, by)
    new_active = _counts(scope, activated_between(first_day, last_day), group_by, by)
    active = _counts(scope, active_as_of(last_day), group_by, by)
    items = _rows(group_rows(scope, group_by), new_active, active, by)
    if group_by in ("commune", "province"):
        total_new, total_active = _summed(new_active), _summed(active)
    else:
        # A seller may sit in several cohorts or branches: count the scope again, each seller once.
        total_new = _counts(scope, activated_between(first_day, last_day), by=by)
        total_active = _counts(scope, active_as_of(last_day), by=by)
    return {"items": items, "totals": _with_counts({}, None, total_new, total_active, by)}


def _by_month(scope, first_day, last_day, by):
    months = _months(first_day, last_day)
    if len(months) > MAX_MONTHS:
        raise InvalidInput(errors={"to": [_l("Choose a period of at most 36 months.")]})
    items, total_new, active = [], {}, {}
    for label, start, end in months:
        new_active = _counts(scope, activated_between(start, end), by=by)
        active = _counts(scope, active_as_of(end), by=by)
        items.append(_with_counts({"month": label}, None, new_active, active, by))
        for key, number in new_active.items():
            total_new[key] = total_new.get(key, 0) + number
    # The last month ends on `last_day`, so its active count is the period's.
    return {"items": items, "totals": _with_counts({}, None, total_new, active, by)}


# --- coverage ------------------------------------------------------------------------------------

def commune_coverage(scope, as_of, threshold=5):
    """Per province: communes with at least `threshold` sellers active as of the day, against 30%."""
    active_by_commune = _counts(scope, active_as_of(as_of), "commune")
    provinces = scope.provinces()
    province_of = dict(db.session.execute(
        select(Commune.code, Commune.province_code).where(Commune.province_code.in_(provinces))).all())
    covered_by_province = {}
    for (commune, _), sellers in active_by_commune.items():
        if sellers >= threshold:
            province = province_of[commune]
            covered_by_province[province] = covered_by_province.get(province, 0) + 1
    rows = db.session.execute(
        select(Province.code, Province.name, func.count(Commune.code))
        .join(Commune, Commune.province_code == Province.code)
        .where(Province.code.in_(provinces))
        .group_by(Province.code, Province.name)
        .order_by(Province.code)
    ).all()
    items = [
        {"province_code": code, "name": name, "communes": communes,
         "covered_communes": covered_by_province.get(code, 0),
         "percent": _percent(covered_by_province.get(code, 0), communes)}
        for code, name, communes in rows
    ]
    communes = sum(item["communes"] for item in items)
    covered = sum(item["covered_communes"] for item in items)
    needed = math.ceil(communes * TARGET_PERCENT / 100)
    totals = {"communes": communes, "covered_communes": covered, "percent": _percent(covered, communes),
              "target_percent": TARGET_PERCENT, "target_communes": needed, "gap": max(0, needed - covered)}
    return {"items": items, "totals": totals, "as_of": as_of.isoformat(), "threshold": threshold}


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


