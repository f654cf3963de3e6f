"""Loading the demo world: check that `setup` ran, then write the sellers still missing in one
transaction (a failed run leaves nothing behind). A first run writes the whole world; a later run
with more sellers adds the difference, beside what is there; a run with as many or fewer adds nothing.
"""

import random
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, inspect, select

from server.demo.households import Households
from server.demo.logins import demo_logins
from server.demo.people import DEMO_PHONE_PREFIX, household_phone
from server.demo.places import Reference
from server.demo.programme import pilot_communes, programme_places, programme_size
from server.demo.timeline import History
from server.demo.unions import Staff, write_cohorts, write_sessions, write_staff
from server.demo.world import plan_world
from server.demo.writer import COLUMNS, BulkWriter, IdCounter
from server.extensions import db
from server.models import Commune, Seller, UnionBranch, User
from server.services.lessons import load_index


class DemoDataError(Exception):
    """The database is not ready for demo data."""


@dataclass
class DemoSummary:
    """What a run did: rows per table, time taken, and accounts to sign in with."""

    loaded: bool
    existing_sellers: int = 0  # demo sellers there before the run
    added_sellers: int = 0
    rows: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    seconds: float = 0.0
    logins: list = field(default_factory=list)


def _demo_phone():
    return User.phone.like(f"{DEMO_PHONE_PREFIX}%")


def demo_users():
    """How many users have a phone in the demo range: more than 0 means demo data is loaded."""
    return db.session.scalar(select(func.count()).select_from(User).where(_demo_phone()))


def demo_sellers():
    """How many sellers people with a demo phone own."""
    return db.session.scalar(
        select(func.count()).select_from(Seller).join(User, User.id == Seller.owner_id).where(_demo_phone()))


def check_ready():
    """DemoDataError unless `flask setup` created the tables and loaded the reference data."""
    missing = sorted((set(COLUMNS) | {"communes", "union_branches"}) - set(inspect(db.engine).get_table_names()))
    if missing:
        raise DemoDataError(f"The database has no tables {', '.join(missing)}: run `flask --app wsgi setup` first.")
    communes = db.session.scalar(select(func.count()).select_from(Commune))
    branches = db.session.scalar(select(func.count()).select_from(UnionBranch))
    if not communes or not branches:
        raise DemoDataError("Communes and union branches are not loaded: run `flask --app wsgi setup` first.")


def load_demo_data(seller_count, seed, today, echo=print):
    """Make the demo have `seller_count` sellers: all of them on an empty database, the same for the
    same arguments; the missing ones when an earlier run wrote fewer. The summary lists demo
    accounts to sign in with, read from the database, whether anything was added or not."""
    check_ready()
    fresh = demo_users() == 0
    existing = 0 if fresh else demo_sellers()
    if existing >= seller_count:
        return DemoSummary(loaded=False, existing_sellers=existing, logins=demo_logins())
    index = load_index(current_app.config["TRAINING_CONTENT_DIR"])
    reference = Reference.load(db.session)
    phones_taken = frozenset() if fresh else frozenset(db.session.scalars(
        select(User.phone).where(_demo_phone(), User.phone >= household_phone(0))))
    # Let go of the read transaction: SQLite allows one writer, and the load is one transaction.
    db.session.remove()
    # A grown demo draws from its own stream: the sellers added depend on the seed and on how many were there.
    rng = random.Random(f"cho-que-demo:{seed}" if fresh else f"cho-que-demo:{seed}:after:{existing}")
    history = History.ending(today)
    communes = pilot_communes(reference, seed)
    pilots = programme_places(communes, programme_size(existing, communes), programme_size(seller_count, communes))
    added = seller_count - existing
    began = time.perf_counter()
    if fresh:
        echo(f"Demo data: {seller_count:,} sellers, seed {seed}, two years of history ending {today.isoformat()}.")
    else:
        echo(f"Demo data: adding {added:,} sellers to the {existing:,} there, seed {seed}, "
             f"history ending {today.isoformat()}.")
    with db.engine.begin() as connection, BulkWriter(connection, echo) as writer:
        ids = IdCounter(connection)
        world = plan_world(rng, ids, history, reference, index, added, pilots)
        branches = len({cohort.union_id for cohort in world.cohorts})
        echo(f"Planned {len(world.cohorts):,} cohorts across {branches} union branches, "
             f"{len(pilots):,} households in the programme's pilot communes.")
        staff, members_before = (None, None) if fresh else Staff.load(connection)
        staff = write_staff(rng, writer, ids, history, reference, world.cohorts, staff, members_before)
        write_cohorts(rng, writer, ids, staff, world.cohorts)
        households = Households(rng, writer, ids, history, index, phones_used=len(phones_taken),
                                phones_taken=phones_taken)
        step = max(1, len(world.sellers) // 10)
        for number, plan in enumerate(world.sellers, 1):
            households.write(plan)
            if number % step == 0 or number == len(world.sellers):
                echo(f"  sellers {number:>9,}/{len(world.sellers):,}  {writer.total:>12,} rows  "
                     f"{writer.rate():>9,.0f} rows/s  {time.perf_counter() - began:7.1f} s")
        write_sessions(rng, writer, ids, history, index, world.cohorts)
        echo("Writing the last rows…")
        writer.finish()
    return DemoSummary(loaded=True, existing_sellers=existing, added_sellers=added, rows=dict(writer.written),
                       lines=writer.report(), seconds=time.perf_counter() - began, logins=demo_logins())
