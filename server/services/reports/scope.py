"""Who sees which part of the country in reports, and the Vietnam calendar days reports speak in."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.clock import VIETNAM
from server.errors import InvalidInput
from server.extensions import db
from server.models import Cohort, CohortMember, Province, UnionBranch
from server.permissions import check_report_province, report_area
from server.services.places import normalize_province_code

ACTIVE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Scope:
    """Provinces a report may count in (None: the whole country), and for union admins the
    union branches whose cohorts' sellers are the only ones counted."""

    province_codes: frozenset | None
    union_ids: frozenset | None = None

    def seller_filter(self, seller_id_column):
        """Conditions limiting sellers to union admins' cohorts; none for managers."""
        if self.union_ids is None:
            return []
        in_cohorts = (
            select(CohortMember.seller_id)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.union_id.in_(self.union_ids))
        )
        return [seller_id_column.in_(in_cohorts)]


def resolve(user, province=None):
    """The caller's scope (server.permissions.report_area), narrowed to `province` when asked; 403 outside it."""
    allowed, unions = report_area(user, _branches)
    if province:
        code = normalize_province_code(province)
        if db.session.get(Province, code) is None:
            raise InvalidInput(errors={"province": [_l("Unknown province code.")]})
        check_report_province(allowed, code)
        allowed = {code}
    return Scope(None if allowed is None else frozenset(allowed), unions)


def _branches(ids):
    return db.session.scalars(select(UnionBranch).where(UnionBranch.id.in_(ids))).all()


def day_start(day):
    """The UTC moment a Vietnam calendar day begins."""
    return datetime.combine(day, time.min, tzinfo=VIETNAM)


def day_end(day):
    """The UTC moment after a Vietnam calendar day ends (exclusive bound)."""
    return day_start(day + timedelta(days=1))


def active_window(day):
    """First and last day of the 90 days ending on `day`."""
    return day - timedelta(days=ACTIVE_WINDOW_DAYS - 1), day
