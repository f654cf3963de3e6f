"""Report rows as spreadsheet columns, with localized headers."""

from flask_babel import lazy_gettext as _l

from server.services.reports.selling import SPLITS

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


def flatten(items, by=None):
    """(header, rows) for CSV/XLSX: one column per field, split counts as extra columns."""
    if not items:
        return [], []
    plain = [key for key in items[0] if key not in ("new_active_by", "active_total_by")]
    header = [str(COLUMN_TITLES.get(key, key)) for key in plain]
    split_keys = SPLITS.get(by, ())
    for measure in ("new_active", "active_total"):
        for split in split_keys:
            header.append(f"{COLUMN_TITLES[measure]} – {SPLIT_TITLES[split]}")
    rows = []
    for item in items:
        row = [item[key] for key in plain]
        for measure in ("new_active", "active_total"):
            row.extend(item[f"{measure}_by"][split] for split in split_keys)
        rows.append(row)
    return header, rows
