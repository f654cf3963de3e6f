"""Union staff and cohorts of the demo: union admins, trainers, a national manager and an admin,
cohorts with their trainers, communes and tracks, and in-person sessions with attendance.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from server.demo.people import DEMO_PHONE_PREFIX, full_name, gender, household_phone, staff_phone
from server.demo.places import region_of
from server.demo.timeline import DAY, daytime_on, vietnam_day
from server.demo.writer import new_uuid
from server.idempotency import fingerprint
from server.models import Cohort, CohortMember, RoleGrant, User

MEMBERS_PER_TRAINER = 100
MIN_TRAINERS_PER_BRANCH = 2
FEMALE_SHARE = {"womens_union": 0.95, "youth_union": 0.5, None: 0.6}


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    phone: str
    role: str
    union_id: int | None


class Staff:
    """Staff users created so far, and the trainers of each branch."""

    def __init__(self, members=(), next_number=1):
        self.members = list(members)
        self.trainers = {}
        for member in self.members:
            if member.role == "trainer":
                self.trainers.setdefault(member.union_id, []).append(member.user_id)
        self.next_number = next_number  # of the next staff phone

    @classmethod
    def load(cls, connection):
        """The demo staff an earlier run wrote (their phones come before the households'), with
        how many members each branch's cohorts have."""
        rows = connection.execute(
            select(User.id, User.phone, RoleGrant.role, RoleGrant.union_id).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.phone.like(f"{DEMO_PHONE_PREFIX}%"), User.phone < household_phone(0))
            .order_by(User.id, RoleGrant.id)
        ).all()
        numbers = [int(phone[len(DEMO_PHONE_PREFIX):]) for _, phone, _, _ in rows]
        staff = cls([StaffMember(*row) for row in rows], next_number=max(numbers, default=0) + 1)
        members = connection.execute(
            select(Cohort.union_id, func.count(CohortMember.id)).join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .group_by(Cohort.union_id)
        ).all()
        return staff, dict(members)


def write_staff(rng, writer, ids, history, reference, cohorts, staff=None, members_before=None):
    """Staff users and role grants; trainers per branch in proportion to its cohort members.

    Given the `staff` of an earlier run (and the members its cohorts have), only the trainers the
    new cohorts need are added.
    """
    fresh = staff is None
    staff = Staff() if fresh else staff
    joined = history.start - 45 * DAY
    members_by_branch = dict(members_before or {})
    for cohort in cohorts:
        members_by_branch[cohort.union_id] = members_by_branch.get(cohort.union_id, 0) + cohort.size

    def add(role, union_id=None, kind=None, province_code=None):
        user_id = ids.take("users")
        phone = staff_phone(staff.next_number)
        staff.next_number += 1
        sex = gender(rng, FEMALE_SHARE[kind])
        moment = joined + timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        writer.add("users", (user_id, phone, full_name(rng, sex, region_of(province_code)), None, sex,
                             moment, moment, moment))
        writer.add("role_grants", (ids.take("role_grants"), user_id, role, union_id, None, moment))
        member = StaffMember(user_id, phone, role, union_id)
        staff.members.append(member)
        return member

    if fresh:
        add("manager")
        add("admin")
        for (kind, province_code), union_id in sorted(reference.branches.items(), key=lambda item: item[1]):
            add("union_admin", union_id, kind, province_code)
    for (kind, province_code), union_id in sorted(reference.branches.items(), key=lambda item: item[1]):
        if province_code is None:
            continue
        count = max(MIN_TRAINERS_PER_BRANCH, math.ceil(members_by_branch.get(union_id, 0) / MEMBERS_PER_TRAINER))
        trainers = staff.trainers.setdefault(union_id, [])
        trainers += [add("trainer", union_id, kind, province_code).user_id for _ in range(count - len(trainers))]
    return staff


def write_cohorts(rng, writer, ids, staff, cohorts):
    """Cohorts with one or two trainers of their branch, their communes and tracks."""
    turn = {}
    for cohort in cohorts:
        trainers = staff.trainers[cohort.union_id]
        position = turn.get(cohort.union_id, 0)
        cohort.trainer_ids = [trainers[position % len(trainers)]]
        if len(trainers) > 1 and rng.random() < 0.3:
            cohort.trainer_ids.append(trainers[(position + 1) % len(trainers)])
        turn[cohort.union_id] = position + 1
        created_at = daytime_on(rng, cohort.starts_on - timedelta(days=rng.randint(3, 14)), 8, 17)
        writer.add("cohorts", (cohort.id, cohort.name, cohort.union_id, cohort.starts_on, cohort.ends_on,
                               cohort.trainer_ids[0], created_at))
        for trainer_id in cohort.trainer_ids:
            writer.add("cohort_trainers", (ids.take("cohort_trainers"), cohort.id, trainer_id))
        for code in cohort.communes:
            writer.add("cohort_communes", (ids.take("cohort_communes"), cohort.id, code))
        for slug in cohort.tracks:
            writer.add("cohort_tracks", (ids.take("cohort_tracks"), cohort.id, slug))


def write_sessions(rng, writer, ids, history, index, cohorts):
    """One to four in-person sessions per cohort, attended by most members who had joined by then."""
    tracks = {track.slug: track for track in index.tracks}
    yesterday = history.today - DAY
    for cohort in cohorts:
        if not cohort.members:
            continue
        last_day = min(cohort.ends_on or yesterday, yesterday)
        for number in range(rng.randint(1, 4)):
            held_on = cohort.starts_on + timedelta(days=7 * number + rng.randint(0, 3))
            if held_on > last_day:
                break
            track = tracks[cohort.tracks[number % len(cohort.tracks)]]
            attendees = [user_id for user_id, accepted_at in cohort.members
                         if accepted_at and vietnam_day(accepted_at) <= held_on and rng.random() < 0.75]
            # As attendance.record_session keeps them: sets, sorted.
            content = {"held_on": held_on, "topic": f"Buổi {number + 1}: {track.title('vi')}",
                       "lesson_slugs": sorted({lesson.slug for lesson in track.lessons}),
                       "attendee_ids": sorted(set(attendees))}
            session_id = new_uuid(rng)
            recorded_at = min(history.end - timedelta(seconds=1), daytime_on(rng, held_on, 17, 22))
            writer.add("training_sessions", (session_id, cohort.id, held_on, content["topic"],
                                             content["lesson_slugs"], rng.choice(cohort.trainer_ids),
                                             fingerprint(content), recorded_at))
            for user_id in content["attendee_ids"]:
                writer.add("session_attendees", (ids.take("session_attendees"), session_id, user_id))
