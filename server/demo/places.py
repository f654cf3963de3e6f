"""Where demo sellers live: communes with a rural skew and a long tail, regions, addresses."""

import bisect
import math
from dataclasses import dataclass

from sqlalchemy import select

from server.models import Commune, Province, UnionBranch

NORTHERN_MOUNTAINS = "northern_mountains"
RED_RIVER = "red_river"
CENTRAL = "central"
HIGHLANDS = "highlands"
SOUTH_EAST = "south_east"
MEKONG = "mekong"

REGIONS = {
    NORTHERN_MOUNTAINS: ("04", "08", "11", "12", "14", "15", "19", "20", "25"),
    RED_RIVER: ("01", "22", "24", "31", "33", "37"),
    CENTRAL: ("38", "40", "42", "44", "46", "48", "51", "56"),
    HIGHLANDS: ("52", "66", "68"),
    SOUTH_EAST: ("75", "79", "80"),
    MEKONG: ("82", "86", "91", "92", "96"),
}
_REGION_OF = {code: region for region, codes in REGIONS.items() for code in codes}

# Rural communes ("xa") draw three times the sellers of urban wards: the programme is rural.
DIVISION_WEIGHTS = {"xa": 3.0, "phuong": 1.0}
# Spread of commune and province popularity (log-normal sigmas, the commune's capped at 1.7
# standard deviations so that no commune swallows the country). With these, sellers bunch in some
# communes and leave many empty: at national size the country is near the 30% coverage target,
# some provinces well above it and others far below.
COMMUNE_SPREAD = 3.5
COMMUNE_CAP = 1.7
PROVINCE_SPREAD = 1.0

_PREFIXES = ("Thành phố ", "Đặc khu ", "Phường ", "Xã ")
HAMLET_WORDS = {
    NORTHERN_MOUNTAINS: ("Bản", "Thôn", "Xóm"),
    RED_RIVER: ("Thôn", "Xóm", "Tổ dân phố"),
    CENTRAL: ("Thôn", "Xóm", "Tổ dân phố"),
    HIGHLANDS: ("Buôn", "Thôn", "Làng"),
    SOUTH_EAST: ("Ấp", "Khu phố"),
    MEKONG: ("Ấp", "Khóm"),
}


def region_of(province_code):
    """The region of a province; None for the national level."""
    return _REGION_OF.get(province_code, CENTRAL) if province_code else None


def short_name(name):
    """"Xã Nà Hang" -> "Nà Hang", "Thành phố Hà Nội" -> "Hà Nội"."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass(frozen=True, slots=True)
class Place:
    """A commune with what the demo needs to know about it."""

    code: str
    name: str
    short: str
    division_type: str
    province_code: str
    province_name: str
    province_short: str
    region: str


@dataclass(frozen=True)
class Reference:
    """The reference data `flask setup` loaded: communes by province and union branches."""

    places: tuple
    provinces: dict
    branches: dict

    @classmethod
    def load(cls, session):
        provinces = {p.code: p.name for p in session.scalars(select(Province).order_by(Province.code))}
        places = tuple(
            Place(c.code, c.name, short_name(c.name), c.division_type, c.province_code,
                  provinces[c.province_code], short_name(provinces[c.province_code]),
                  region_of(c.province_code))
            for c in session.scalars(select(Commune).order_by(Commune.province_code, Commune.code))
        )
        branches = {
            (b.kind, b.province_code): b.id
            for b in session.scalars(select(UnionBranch).order_by(UnionBranch.id))
        }
        return cls(places=places, provinces=provinces, branches=branches)


def sellers_per_place(rng, places, count):
    """How many of `count` sellers live in each place: rural-skewed, bunched, with a long tail."""
    province_pull = {}
    cumulative, total = [], 0.0
    for place in places:
        if place.province_code not in province_pull:
            province_pull[place.province_code] = math.exp(rng.gauss(0, PROVINCE_SPREAD))
        total += (DIVISION_WEIGHTS.get(place.division_type, 1.0) * province_pull[place.province_code]
                  * math.exp(COMMUNE_SPREAD * min(COMMUNE_CAP, rng.gauss(0, 1))))
        cumulative.append(total)
    counts = [0] * len(places)
    for _ in range(count):
        counts[min(bisect.bisect_right(cumulative, rng.random() * total), len(places) - 1)] += 1
    return counts


def address(rng, place):
    """"Thôn 3, Xã Nà Hang, Tuyên Quang"."""
    hamlet = rng.choice(HAMLET_WORDS[place.region])
    return f"{hamlet} {rng.randint(1, 15)}, {place.name}, {place.province_short}"
