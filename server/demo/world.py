"""The shape of the demo world before rows are written: who joined where and when, and which
cohort of which union branch enrolled them. Small enough to keep in memory at national scale.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from server.demo.places import sellers_per_place
from server.demo.timeline import DAY, between, daytime_on, growing, vietnam_day

COHORT_SHARE = 0.7  # households enrolled by a union cohort
ASSISTED_SHARE = 0.55  # of those, accounts a trainer created at enrolment
COHORT_SIZE = (20, 40)
WOMENS_UNION_SHARE = 0.65
ENROLMENT_DAYS = 10
# Pilot cohorts began 40 to 85 days ago: their households sell within the 90 days "active" looks at.
PILOT_COHORT_DAYS_AGO = (40, 85)
UNION_SHORT_NAMES = {"womens_union": "Hội Phụ nữ", "youth_union": "Đoàn Thanh niên"}
FIRST_TRACK = "getting-started"


@dataclass(eq=False)
class CohortPlan:
    """A cohort as planned; `members` fills up as its households are written."""

    id: int
    union_id: int
    kind: str
    province_code: str
    name: str
    starts_on: object
    ends_on: object
    target: int
    tracks: list
    communes: dict = field(default_factory=dict)
    size: int = 0
    trainer_ids: list = field(default_factory=list)
    members: list = field(default_factory=list)  # (user_id, accepted_at) of those who joined


@dataclass(slots=True)
class SellerPlan:
    """Where a seller lives, when its owner joined, and whether a cohort enrolled them."""

    place: object
    joined_at: object
    cohort: CohortPlan | None = None
    enrolled_at: object = None
    assisted: bool = False
    pilot: bool = False  # a household of the programme's pilot communes (server.demo.programme)


@dataclass
class World:
    cohorts: list
    sellers: list


def _track_choice(rng, index):
    others = [track.slug for track in index.tracks if track.slug != FIRST_TRACK]
    chosen = set(rng.sample(others, rng.randint(1, min(3, len(others)))))
    return [track.slug for track in index.tracks if track.slug == FIRST_TRACK or track.slug in chosen]


def _open_cohort(rng, ids, history, reference, index, place, pilot=False):
    kind = "womens_union" if rng.random() < WOMENS_UNION_SHARE else "youth_union"
    if pilot:
        starts_on = history.today - timedelta(days=rng.randint(*PILOT_COHORT_DAYS_AGO))
    else:
        starts_on = vietnam_day(growing(rng, history, 0.0, 0.97))
    ends_on = None if rng.random() < 0.25 else starts_on + timedelta(days=rng.randint(28, 84))
    return CohortPlan(
        id=ids.take("cohorts"), union_id=reference.branches[(kind, place.province_code)], kind=kind,
        province_code=place.province_code,
        name=f"{UNION_SHORT_NAMES[kind]} {place.short} – lớp {starts_on:%m/%Y}",
        starts_on=starts_on, ends_on=ends_on, target=rng.randint(*COHORT_SIZE), tracks=_track_choice(rng, index),
    )


def plan_world(rng, ids, history, reference, index, seller_count, pilot_places=()):
    """Sellers across the communes, most of them in cohorts of their province's union branches;
    `pilot_places` (one per household, counted in `seller_count`) are the programme's pilot households,
    set up in person by recent cohorts.

    Sellers come back sorted by the time they joined, so their ids grow with time as in the app.
    """
    counts = sellers_per_place(rng, reference.places, seller_count - len(pilot_places))
    cohorts, open_cohorts, sellers = [], {}, []
    last_moment = history.end - timedelta(seconds=1)

    def enrol(place, pilot):
        key = (pilot, place.province_code)
        cohort = open_cohorts.get(key)
        if cohort is None:
            cohort = open_cohorts[key] = _open_cohort(rng, ids, history, reference, index, place, pilot)
            cohorts.append(cohort)
        cohort.communes.setdefault(place.code, place)
        cohort.size += 1
        if cohort.size >= cohort.target:
            del open_cohorts[key]
        day = cohort.starts_on + timedelta(days=rng.randint(0, ENROLMENT_DAYS))
        enrolled_at = min(last_moment, daytime_on(rng, day, 8, 17))
        assisted = pilot or rng.random() < ASSISTED_SHARE
        joined_at = enrolled_at if assisted else between(rng, history.start, enrolled_at - 2 * DAY)
        sellers.append(SellerPlan(place, joined_at, cohort, enrolled_at, assisted, pilot))

    for place, count in zip(reference.places, counts):
        for _ in range(count):
            if rng.random() >= COHORT_SHARE:
                sellers.append(SellerPlan(place, growing(rng, history, 0.0, 0.998)))
            else:
                enrol(place, pilot=False)
    for place in pilot_places:
        enrol(place, pilot=True)
    sellers.sort(key=lambda plan: plan.joined_at)
    return World(cohorts=cohorts, sellers=sellers)
