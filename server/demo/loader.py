"""Loading the demo world: check that `setup` ran and that no demo data is there yet, then write
everything in one transaction (a failed run leaves nothing behind).
"""

import random
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, inspect, select

from server.demo.households import Households
from server.demo.people import DEMO_PHONE_PREFIX
from server.demo.places import Reference
from server.demo.timeline import History
from server.demo.unions import write_cohorts, write_sessions, write_staff
from server.demo.world import plan_world
from server.demo.writer import COLUMNS, BulkWriter, IdCounter
from server.extensions import db
from server.models import Commune, UnionBranch, User
from server.phones import display
from server.services.lessons import load_index


class DemoDataError(Exception):
    """The database is not ready for demo data."""


@dataclass
class DemoSummary:
    """What a run did: rows per table, time taken, and accounts to sign in with."""

    loaded: bool
    existing_users: int = 0
    rows: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    seconds: float = 0.0
    logins: list = field(default_factory=list)


def demo_users():
    """How many users have a phone in the demo range: more than 0 means demo data is loaded."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.phone.like(f"{DEMO_PHONE_PREFIX}%")))


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
    """Create `seller_count` sellers and everything around them, the same for the same arguments."""
    check_ready()
    existing = demo_users()
    if existing:
        return DemoSummary(loaded=False, existing_users=existing)
    index = load_index(current_app.config["TRAINING_CONTENT_DIR"])
    reference = Reference.load(db.session)
    # Let go of the read transaction: SQLite allows one writer, and the load is one transaction.
    db.session.remove()
    rng = random.Random(f"cho-que-demo:{seed}")
    history = History.ending(today)
    began = time.perf_counter()
    echo(f"Demo data: {seller_count:,} sellers, seed {seed}, two years of history ending {today.isoformat()}.")
    with db.engine.begin() as connection, BulkWriter(connection, echo) as writer:
        ids = IdCounter(connection)
        world = plan_world(rng, ids, history, reference, index, seller_count)
        branches = len({cohort.union_id for cohort in world.cohorts})
        echo(f"Planned {len(world.cohorts):,} cohorts across {branches} union branches.")
        staff = write_staff(rng, writer, ids, history, reference, world.cohorts)
        write_cohorts(rng, writer, ids, staff, world.cohorts)
        households = Households(rng, writer, ids, history, index)
        step = max(1, len(world.sellers) // 10)
        for number, plan in enumerate(world.sellers, 1):
            households.write(plan)
            if number % step == 0 or number == len(world.sellers):
                echo(f"  sellers {number:>9,}/{len(world.sellers):,}  {writer.total:>12,} rows  "
                     f"{writer.rate():>9,.0f} rows/s  {time.perf_counter() - began:7.1f} s")
        write_sessions(rng, writer, ids, history, index, world.cohorts)
        echo("Writing the last rows…")
        writer.finish()
    summary = DemoSummary(loaded=True, rows=dict(writer.written), lines=writer.report(),
                          seconds=time.perf_counter() - began)
    summary.logins = _logins(staff, world, households)
    return summary


def _logins(staff, world, households):
    """A few accounts an operator can sign in as (the SMS outbox shows their codes)."""
    logins = [("national manager", staff.first("manager").phone), ("admin", staff.first("admin").phone)]
    cohort = next((c for c in world.cohorts if c.members), None)
    if cohort is not None:
        admin = next(m for m in staff.members if m.role == "union_admin" and m.union_id == cohort.union_id)
        logins.append((f"union admin of the branch running “{cohort.name}”", admin.phone))
        logins.append((f"trainer of “{cohort.name}”", _phone_of(staff, cohort.trainer_ids[0])))
    if households.sample_phone:
        logins.append(("household with an activated shop", households.sample_phone))
    return [(who, display(phone)) for who, phone in logins]


def _phone_of(staff, user_id):
    return next(member.phone for member in staff.members if member.user_id == user_id)
