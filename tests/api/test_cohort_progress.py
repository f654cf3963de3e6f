"""Cohort progress: onboarding, lessons completed, last activity and who needs a visit."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.content import load_content
from server.extensions import db
from server.models import UnionBranch
from tests.api.helpers import listed_product
from tests.conftest import Person

CONSENT = {"version": "2025-1", "purposes": ["account", "training"]}
SLUG = "what-is-selling-online"


@pytest.fixture
def quiz(app):
    lesson = next(lesson for lesson in load_content(app.config["TRAINING_CONTENT_DIR"]).lessons
                  if lesson.slug == SLUG)
    return lesson.texts["vi"].quiz


def answers(quiz, right):
    """Answers that get every question right, or every question wrong."""
    chosen = {}
    for question in quiz.questions:
        if right:
            chosen[question.id] = sorted(question.correct)
        else:
            wrong = [c.id for c in question.choices if c.id not in question.correct]
            chosen[question.id] = wrong[:1]
    return chosen


@pytest.fixture
def world(client, auth, app, clock):
    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
    trainer = auth.person("trainer", union=branch)
    cohort = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": "Lớp Nà Hang", "union_id": branch, "commune_codes": ["02221"], "starts_on": "2026-11-01",
        "track_slugs": ["getting-started"]}).get_json()
    members = {}
    for name, phone in (("Mai", "0912000101"), ("Lan", "0912000102")):
        member = client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=trainer.headers, json={
            "phone": phone, "full_name": name, "commune_code": "02221", "consent": CONSENT}).get_json()
        members[name] = Member(member["user_id"], member["phone"], auth.sign_in(member["user_id"]),
                               member["seller_id"])
    return trainer, cohort, members


@dataclass
class Member(Person):
    seller_id: int


def progress(client, trainer, cohort):
    body = client.get(f"/api/v1/cohorts/{cohort['id']}/progress", headers=trainer.headers).get_json()
    return {item["full_name"]: item for item in body["items"]}


def attempt(client, member, quiz, right):
    return client.post(f"/api/v1/lessons/{SLUG}/attempts", headers=member.headers,
                       json={"id": str(uuid.uuid4()), "answers": answers(quiz, right)})


def test_fresh_members(client, world):
    trainer, cohort, _ = world
    rows = progress(client, trainer, cohort)
    assert set(rows) == {"Mai", "Lan"}
    mai = rows["Mai"]
    # Enrolled by the trainer: consent, profile and shop are done; the phone is not verified yet.
    assert mai["onboarding_percent"] == 33
    assert (mai["lessons_completed"], mai["last_active"], mai["activated_at"]) == (0, None, None)
    assert mai["needs_help"] is False and mai["needs_help_reason"] is None


def test_three_failed_attempts_need_help_until_passed(client, world, quiz):
    trainer, cohort, members = world
    for _ in range(2):
        assert attempt(client, members["Mai"], quiz, right=False).get_json()["passed"] is False
    assert progress(client, trainer, cohort)["Mai"]["needs_help"] is False

    attempt(client, members["Mai"], quiz, right=False)
    mai = progress(client, trainer, cohort)["Mai"]
    assert (mai["needs_help"], mai["needs_help_code"]) == (True, "failed_quiz")
    assert "3" in mai["needs_help_reason"]
    assert progress(client, trainer, cohort)["Lan"]["needs_help"] is False

    attempt(client, members["Mai"], quiz, right=True)
    assert progress(client, trainer, cohort)["Mai"]["needs_help"] is False


def test_fourteen_quiet_days_need_help(client, world, clock, quiz):
    trainer, cohort, members = world
    attempt(client, members["Lan"], quiz, right=True)
    clock.advance(timedelta(days=13, hours=23))
    assert not any(row["needs_help"] for row in progress(client, trainer, cohort).values())

    clock.advance(timedelta(hours=1))
    rows = progress(client, trainer, cohort)
    assert rows["Mai"]["needs_help_code"] == "inactive"
    assert rows["Lan"]["needs_help_code"] == "inactive"
    assert rows["Lan"]["last_active"].startswith("2026-11-02T03:00:00")

    attempt(client, members["Lan"], quiz, right=True)
    assert progress(client, trainer, cohort)["Lan"]["needs_help"] is False


def test_selling_counts_as_activity(client, world, clock):
    trainer, cohort, members = world
    clock.advance(timedelta(days=20))
    listed_product(client, members["Mai"], members["Mai"].seller_id)
    rows = progress(client, trainer, cohort)
    assert rows["Mai"]["needs_help"] is False
    assert rows["Mai"]["last_active"].startswith("2026-11-22")
    assert rows["Lan"]["needs_help"] is True


def test_lessons_completed_and_activation(client, world, quiz):
    trainer, cohort, members = world
    mai = members["Mai"]
    lesson = client.get(f"/api/v1/lessons/{SLUG}", headers=mai.headers).get_json()
    events = [{"id": str(uuid.uuid4()), "lesson": SLUG, "kind": "card_viewed", "card": index,
               "at": "2026-11-02T03:00:00Z"} for index in range(len(lesson["cards"]))]
    client.post("/api/v1/progress/events", headers=mai.headers, json={"events": events})
    attempt(client, mai, quiz, right=True)
    listed_product(client, mai, mai.seller_id)
    client.post(f"/api/v1/sellers/{mai.seller_id}/channels", headers=mai.headers,
                json={"channel": "zalo", "url": "https://zalo.me/0912000101"})

    row = progress(client, trainer, cohort)["Mai"]
    assert row["lessons_completed"] == 1
    assert row["activated_at"].startswith("2026-11-02T03:00:00")
    # All but phone_verified (never signed in by SMS here) and payout.
    assert row["onboarding_percent"] == 78


def test_a_household_active_before_joining_is_not_quiet_on_the_day_it_joins(client, auth, world, clock):
    trainer, cohort, _ = world
    household = auth.person(full_name="Hoàng Thị Hoa")
    listed_product(client, household, client.post("/api/v1/sellers", headers=household.headers, json={
        "kind": "household", "name": "Hộ Hoa", "commune_code": "02221"}).get_json()["id"])
    clock.advance(timedelta(days=20))
    client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=trainer.headers, json={
        "phone": household.phone, "full_name": "Hoa", "commune_code": "02221", "consent": CONSENT})
    [invitation] = client.get("/api/v1/me/invitations", headers=household.headers).get_json()
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=household.headers)

    hoa = progress(client, trainer, cohort)["Hoàng Thị Hoa"]

    # Its last activity was 20 days ago, but it joined today: 14 quiet days count from joining.
    assert hoa["last_active"] is not None
    assert hoa["needs_help"] is False
    clock.advance(timedelta(days=14))
    assert progress(client, trainer, cohort)["Hoàng Thị Hoa"]["needs_help_code"] == "inactive"


def test_a_bigger_cohort_costs_no_more_queries(client, world, app):
    """One query per concern for the whole cohort: a hundred households cost what two do."""
    from tests.api.test_round_trips import statements

    trainer, cohort, members = world
    listed_product(client, members["Mai"], members["Mai"].seller_id)
    with statements(app) as two:
        client.get(f"/api/v1/cohorts/{cohort['id']}/progress", headers=trainer.headers)
    for number in range(6):
        client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=trainer.headers, json={
            "phone": f"091200020{number}", "full_name": f"Hộ số {number}", "commune_code": "02221",
            "consent": CONSENT})
    with statements(app) as eight:
        rows = progress(client, trainer, cohort)
    assert len(rows) == 8
    assert rows["Mai"]["onboarding_percent"] > rows["Hộ số 0"]["onboarding_percent"]
    assert len(eight) == len(two), (len(two), len(eight))


def test_a_member_who_erased_their_account_is_not_listed_nor_counted_as_needing_help(client, world, clock):
    trainer, cohort, members = world
    clock.advance(timedelta(days=20))
    assert [row["needs_help_code"] for row in progress(client, trainer, cohort).values()] == ["inactive"] * 2

    assert client.delete("/api/v1/me", headers=members["Lan"].headers).status_code == 204

    body = client.get(f"/api/v1/cohorts/{cohort['id']}/progress", headers=trainer.headers).get_json()
    # No anonymous row "needing a visit" the trainer can do nothing about: Mai alone is left.
    assert [(row["full_name"], row["needs_help"]) for row in body["items"]] == [("Mai", True)]
    assert all(row["phone"] for row in body["items"])
    sheet = client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=csv", headers=trainer.headers)
    assert len(sheet.data.decode("utf-8-sig").strip().splitlines()) == 2  # the header and Mai
