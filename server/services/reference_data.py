"""Loading the official provinces, communes and union branches into the database."""

from dataclasses import dataclass

from sqlalchemy import select
from vietnam_provinces import Province as OfficialProvince
from vietnam_provinces import Ward as OfficialWard

from server.extensions import db
from server.models import Commune, Province, UnionBranch
from server.text import fold

UNION_KINDS = ("womens_union", "youth_union")

_NATIONAL_UNION_NAMES = {
    "womens_union": ("Trung ương Hội Liên hiệp Phụ nữ Việt Nam", "Viet Nam Women's Union (national)"),
    "youth_union": (
        "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Ho Chi Minh Communist Youth Union (national)",
    ),
}
_PROVINCIAL_UNION_PREFIX = {
    "womens_union": ("Hội Liên hiệp Phụ nữ", "Women's Union of"),
    "youth_union": ("Đoàn Thanh niên", "Youth Union of"),
}
_CITY_PREFIX = "Thành phố "


@dataclass
class LoadSummary:
    provinces: int
    communes: int
    unions: int
    changed: int


def _code(number, width):
    return f"{int(number):0{width}d}"


def _division_type(official):
    """A stable machine key for a division type, e.g. "xa", "phuong", "thanh_pho_trung_uong"."""
    return official.name.lower()


def _provincial_names(kind, province):
    """("Hội Liên hiệp Phụ nữ tỉnh Cao Bằng", "Women's Union of Cao Bằng province")."""
    prefix_vi, prefix_en = _PROVINCIAL_UNION_PREFIX[kind]
    is_city = province["division_type"] == "thanh_pho_trung_uong"
    short_name = province["name"].removeprefix(_CITY_PREFIX)
    level_vi, level_en = ("thành phố", "city") if is_city else ("tỉnh", "province")
    return f"{prefix_vi} {level_vi} {short_name}", f"{prefix_en} {short_name} {level_en}"


def _upsert(model, key_name, rows):
    """Insert missing rows and update changed ones; returns how many were written."""
    existing = {getattr(row, key_name): row for row in db.session.scalars(select(model))}
    changed = 0
    for values in rows:
        row = existing.get(values[key_name])
        if row is None:
            db.session.add(model(**values))
            changed += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            changed += 1
    return changed


def official_provinces():
    return [
        {
            "code": _code(p.code.value, 2),
            "name": p.name,
            "division_type": _division_type(p.division_type),
            "name_folded": fold(p.name),
        }
        for p in OfficialProvince.iter_all()
    ]


def official_communes():
    return [
        {
            "code": _code(w.code.value, 5),
            "name": w.name,
            "division_type": _division_type(w.division_type),
            "province_code": _code(w.province_code.value, 2),
            "name_folded": fold(w.name),
        }
        for w in OfficialWard.iter_all()
    ]


def union_branches(provinces):
    """One national branch per union, plus one per province."""
    rows = []
    for kind in UNION_KINDS:
        name_vi, name_en = _NATIONAL_UNION_NAMES[kind]
        rows.append(
            {"key": f"{kind}:national", "kind": kind, "province_code": None,
             "name_vi": name_vi, "name_en": name_en}
        )
        for province in provinces:
            name_vi, name_en = _provincial_names(kind, province)
            rows.append(
                {
                    "key": f"{kind}:{province['code']}",
                    "kind": kind,
                    "province_code": province["code"],
                    "name_vi": name_vi,
                    "name_en": name_en,
                }
            )
    return rows


def load_reference_data():
    """Bring provinces, communes and union branches up to date; safe to run again."""
    provinces = official_provinces()
    communes = official_communes()
    unions = union_branches(provinces)
    changed = _upsert(Province, "code", provinces)
    db.session.flush()
    changed += _upsert(Commune, "code", communes)
    changed += _upsert(UnionBranch, "key", unions)
    db.session.commit()
    return LoadSummary(len(provinces), len(communes), len(unions), changed)
