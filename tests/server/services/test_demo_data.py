"""`flask demo-data`: the same seed gives the same rows, more sellers asked for later are added once,
the sign-in numbers printed, and a programme in progress in the reports. The rules its rows keep are
checked on one world of 500 sellers in test_demo_world.py."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from config import settings_for_tests
from server import create_app
from server.clock import FixedClock
from server.demo.people import DEMO_PHONE_PREFIX
from server.demo.timeline import day_start
from server.demo.writer import COLUMNS
from server.extensions import db
from server.models import CohortMember, Product, ProgressEvent, QuizAttempt, RoleGrant, Sale, Seller, User
from server.phones import normalize_mobile

TODAY = date(2026, 11, 1)
DEMO_TABLES = tuple(table for table in db.metadata.sorted_tables if table.name in COLUMNS)


def load(app, sellers=200, seed=7, today=TODAY):
    args = ["demo-data", "--sellers", str(sellers), "--seed", str(seed)]
    if today:
        args += ["--today", today.isoformat()]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result


def snapshot():
    """Every demo table's rows, in primary-key order."""
    rows = {}
    for table in DEMO_TABLES:
        statement = select(*table.columns).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(statement)]
    db.session.rollback()
    return rows


def empty_demo_tables():
    for table in reversed(DEMO_TABLES):
        db.session.execute(table.delete())
    db.session.commit()


def _all(model):
    return db.session.scalars(select(model)).all()


# --- running the command ---------------------------------------------------------------------

def test_same_seed_gives_identical_data_and_another_seed_does_not(app, app_context):
    load(app, seed=7)
    first = snapshot()
    empty_demo_tables()
    load(app, seed=7)
    second = snapshot()
    empty_demo_tables()
    load(app, seed=8)
    other = snapshot()

    assert {name: len(rows) for name, rows in first.items()} == {name: len(rows) for name, rows in second.items()}
    assert first == second
    assert first["sellers"] != other["sellers"]
    assert len(first["sellers"]) == 200
    assert all(first[name] for name in COLUMNS), "every demo table gets rows"


def printed_logins(result):
    """{phone in E.164: who} of the sign-in numbers a run printed."""
    lines = result.output.split("Sign in with these numbers (codes go to the SMS outbox):\n")[1].splitlines()
    return {normalize_mobile(line.split("  ")[1]): line.split("  ")[2] for line in lines}


def test_a_second_run_with_as_many_or_fewer_sellers_adds_nothing_and_prints_the_numbers_again(app, app_context):
    first = load(app)
    before = snapshot()

    same = load(app)
    fewer = load(app, sellers=50, seed=2)

    assert "already loaded: 200 demo sellers, as many as the 200 asked for" in same.output
    assert "more than the 50 asked for; nothing was added or removed" in fewer.output
    assert snapshot() == before
    assert printed_logins(first) == printed_logins(same) == printed_logins(fewer)


def test_the_sign_in_numbers_are_demo_accounts_with_the_roles_they_are_printed_for(app, app_context):
    logins = printed_logins(load(app))

    users = {user.phone: user for user in _all(User) if user.phone in logins}
    assert set(users) == set(logins) and all(phone.startswith(DEMO_PHONE_PREFIX) for phone in logins)
    roles = {phone: {grant.role for grant in _all(RoleGrant) if grant.user_id == users[phone].id} for phone in logins}
    assert sorted(map(sorted, roles.values())) == [[], ["admin"], ["manager"], ["trainer"], ["union_admin"]]
    household = next(phone for phone, granted in roles.items() if not granted)
    [shop] = [seller for seller in _all(Seller) if seller.owner_id == users[household].id]
    assert shop.activated_at is not None
    trainer = next(phone for phone, granted in roles.items() if granted == {"trainer"})
    assert "“" in logins[trainer]  # names the cohort whose trainer it is
    member = db.session.scalars(select(CohortMember).where(CohortMember.seller_id == shop.id)).one()
    assert users[trainer].id in {trainer.user_id for trainer in member.cohort.trainers}


def _counts():
    return {name: len(rows) for name, rows in snapshot().items()}


def test_more_sellers_asked_for_later_are_added_once_beside_the_others(app, app_context):
    load(app, sellers=150)
    first = snapshot()

    grown = load(app, sellers=220)
    after = snapshot()
    again = load(app, sellers=220)

    assert "70 sellers added to the 150 there" in grown.output
    assert "as many as the 220 asked for" in again.output
    assert snapshot() == after
    assert len(after["sellers"]) == 220
    # What was there stays as it was; the staff are not repeated, trainers are added where needed.
    for name, rows in first.items():
        assert all(row in after[name] for row in rows), name
    roles = [grant.role for grant in _all(RoleGrant)]
    assert (roles.count("manager"), roles.count("admin"), roles.count("union_admin")) == (1, 1, 70)
    phones = [user.phone for user in _all(User)]
    assert len(phones) == len(set(phones))
    # The same runs on an empty database give the same data.
    empty_demo_tables()
    load(app, sellers=150)
    load(app, sellers=220)
    assert snapshot() == after


def test_refuses_to_run_before_setup(tmp_path):
    app = create_app(settings_for_tests(f"sqlite:///{tmp_path / 'empty.db'}"))
    result = app.test_cli_runner().invoke(args=["demo-data", "--sellers", "5"])
    assert result.exit_code == 1
    assert "flask --app wsgi setup" in result.output
    with app.app_context():
        db.engine.dispose()


def test_history_ends_before_today_by_the_app_clock(app, app_context):
    app.extensions["clock"] = FixedClock(day_start(date(2026, 3, 10)) + timedelta(hours=9))
    load(app, sellers=60, today=None)

    midnight = day_start(date(2026, 3, 10))
    latest = [
        max(s.created_at for s in _all(Sale)),
        max(p.updated_at for p in _all(Product)),
        max(e.received_at for e in _all(ProgressEvent)),
        max(a.created_at for a in _all(QuizAttempt)),
        max(u.created_at for u in _all(User)),
    ]
    assert max(latest) < midnight
    assert max(s.occurred_on for s in _all(Sale)) < date(2026, 3, 10)
    assert min(u.created_at for u in _all(User)) < midnight - timedelta(days=700)


# --- a programme in progress --------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 5])
def test_the_reports_show_a_programme_in_progress(app, app_context, client, auth, seed):
    """bin/run's 300 sellers: a province past the 30% target, one near it, the country above 0%."""
    load(app, sellers=300, seed=seed)
    manager = db.session.scalars(select(RoleGrant.user_id).where(RoleGrant.role == "manager")).one()
    headers = auth.sign_in(manager)

    def coverage(as_of):
        response = client.get(f"/api/v1/reports/commune-coverage?as_of={as_of.isoformat()}", headers=headers)
        assert response.status_code == 200
        return response.get_json()

    for as_of in (TODAY - timedelta(days=1), TODAY + timedelta(days=30)):  # also a month after loading
        report = coverage(as_of)
        percents = sorted(item["percent"] for item in report["items"])
        assert percents[-1] > 30, as_of
        assert any(25 <= percent < 30 for percent in percents), as_of
        assert report["totals"]["percent"] > 0 and report["totals"]["covered_communes"] >= 20
    # The rest of the country still has far to go.
    assert sum(percent == 0 for percent in percents) > 25
