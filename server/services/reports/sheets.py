"""Report rows as spreadsheet files: a title and the filters chosen, localized columns, a totals row."""

from dataclasses import dataclass, field

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.extensions import db
from server.models import Province, UnionBranch
from server.services.places import union_display_name
from server.services.reports.selling import SPLITS, TARGET_PERCENT, against_target

REPORTS = {
    # name: (title line, sheet name: at most 31 characters)
    "new-active-sellers": (_l("Newly active and active sellers"), _l("New active sellers")),
    "commune-coverage": (_l("Communes with enough active sellers, against the national 30% target"),
                         _l("Commune coverage")),
    "training": (_l("Training: learners and lessons completed"), _l("Training")),
}

COLUMN_TITLES = {
    "month": _l("Month"),
    "province_code": _l("Province code"),
    "province_name": _l("Province"),
    "name": _l("Province"),
    "commune_code": _l("Commune code"),
    "commune_name": _l("Commune/ward"),
    "union_id": _l("Union branch id"),
    "union_name": _l("Union branch"),
    "union_kind": _l("Union"),
    "cohort_id": _l("Cohort id"),
    "cohort_name": _l("Cohort"),
    "new_active": _l("Newly active sellers"),
    "active_total": _l("Active sellers"),
    "communes": _l("Communes"),
    "covered_communes": _l("Communes with enough active sellers"),
    "percent": _l("Percent"),
    "target_percent": _l("Target (%)"),
    "target_communes": _l("Communes needed for the target"),
    "gap": _l("Communes still missing"),
    "learners": _l("Learners"),
    "lessons_completed": _l("Lessons completed"),
    "completion_rate": _l("Completion rate (%)"),
    "median_days_to_first_listing": _l("Median days to first listing"),
}

SPLIT_TITLES = {
    "household": _l("household"),
    "cooperative": _l("cooperative"),
    "female": _l("women"),
    "male": _l("men"),
    "other": _l("other"),
    "unknown": _l("not stated"),
}

UNION_KINDS = {"womens_union": _l("Women's Union"), "youth_union": _l("Youth Union")}

GROUP_TITLES = {
    "commune": _l("commune/ward"),
    "province": _l("province"),
    "union": _l("union branch"),
    "cohort": _l("cohort"),
    "month": _l("month"),
}
SPLIT_BY_TITLES = {"kind": _l("kind of seller"), "gender": _l("gender")}

# Fields that describe a row (names, codes): every other field is a count added up in the totals row.
DESCRIPTIVE = {"month", "province_code", "province_name", "name", "commune_code", "commune_name", "union_id",
               "union_name", "union_kind", "cohort_id", "cohort_name"}
SPLIT_FIELDS = ("new_active_by", "active_total_by")
TARGET_FIELDS = ("target_percent", "target_communes", "gap")


@dataclass
class ReportSheet:
    """What download() writes: lines above the header, the header, the rows, the totals row."""

    sheet_title: str
    preamble: list
    header: list
    rows: list = field(default_factory=list)
    totals: list | None = None


def _value(key, value):
    if key == "union_kind":
        return str(UNION_KINDS.get(value, value))
    return value


def _table(items, totals, by=None, columns=None):
    """(header, rows, totals row): one column per field, split counts as extra columns, localized names
    for codes such as `womens_union`."""
    if columns is None:
        columns = [key for key in (items[0] if items else totals) if key not in SPLIT_FIELDS]
    if columns and columns[0] not in DESCRIPTIVE:
        columns = ["", *columns]  # no rows to describe (no cohort yet): a first column for "Total"
    split_keys = SPLITS.get(by, ())
    header = [str(COLUMN_TITLES.get(key, key)) for key in columns]
    for measure in ("new_active", "active_total"):
        for split in split_keys:
            header.append(f"{COLUMN_TITLES[measure]} – {SPLIT_TITLES[split]}")

    def row_of(item):
        row = [_value(key, item.get(key)) for key in columns]
        for measure in ("new_active", "active_total"):
            row.extend(item[f"{measure}_by"][split] for split in split_keys)
        return row

    rows = [row_of(item) for item in items]
    total_row = None
    if totals:
        total_row = row_of({key: value for key, value in totals.items() if key not in DESCRIPTIVE})
        total_row[0] = gettext("Total")
    return header, rows, total_row


def _with_target(items):
    """Coverage rows with the 30% target, the communes it needs and the gap, counted as the totals are."""
    rows = []
    for item in items:
        needed, gap = against_target(item["communes"], item["covered_communes"])
        rows.append({**item, "target_percent": TARGET_PERCENT, "target_communes": needed, "gap": gap})
    return rows


def _places(scope):
    """The area counted, in words: the whole country, or the provinces' names."""
    if scope.province_codes is None:
        return gettext("whole country")
    names = db.session.scalars(select(Province.name).where(Province.code.in_(scope.province_codes))
                               .order_by(Province.code))
    return ", ".join(names)


def _branches(scope):
    branches = db.session.scalars(select(UnionBranch).where(UnionBranch.id.in_(scope.union_ids))
                                  .order_by(UnionBranch.id))
    return ", ".join(union_display_name(branch) for branch in branches)


def filters_line(scope, *, first_day=None, last_day=None, as_of=None, threshold=None, group_by=None, by=None):
    """The choices behind a report, in words: period or day, area, union branches, grouping, split."""
    parts = []
    if first_day is not None:
        parts.append(gettext("Period: %(start)s to %(end)s", start=format_date(first_day, "long"),
                             end=format_date(last_day, "long")))
    if as_of is not None:
        parts.append(gettext("As of: %(day)s", day=format_date(as_of, "long")))
    if threshold is not None:
        parts.append(gettext("A commune counts with at least %(count)d active sellers", count=threshold))
    parts.append(gettext("Area: %(places)s", places=_places(scope)))
    if scope.union_ids is not None:
        parts.append(gettext("Union branches: %(names)s", names=_branches(scope)))
    if group_by is not None:
        parts.append(gettext("By: %(group)s", group=GROUP_TITLES[group_by]))
    if by is not None:
        parts.append(gettext("Split by: %(split)s", split=SPLIT_BY_TITLES[by]))
    return " · ".join(parts)


def report_sheet(name, report, filters, by=None):
    """A report (its JSON) as a sheet: title and filters lines, then the table and its totals row."""
    title, sheet_title = REPORTS[name]
    items, totals = report["items"], report["totals"]
    columns = None
    if name == "commune-coverage":
        items = _with_target(items)
        columns = ["province_code", "name", "communes", "covered_communes", "percent", *TARGET_FIELDS]
    header, rows, total_row = _table(items, totals, by, columns)
    return ReportSheet(str(sheet_title), [str(title), filters], header, rows, total_row)
