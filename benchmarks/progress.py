"""Time accepting a batch of 500 progress events: median and p95 per request, and the SQL statements
one batch sends.

Run from the project root:  .venv/bin/python benchmarks/progress.py [--runs 15]
                            .venv/bin/python benchmarks/progress.py --postgres-url postgresql://postgres@127.0.0.1:5432/choque_progress_bench
Targets: a 500-event batch accepted in at most 300 ms median (issue 5), as one INSERT of the events
(issue 13; it was 168 on PostgreSQL, taking 280-300 ms there). With --postgres-url, that database's
public schema is dropped and rebuilt (never point it at data you keep).

A real SQLite file in a temporary folder is set up by `flask --app wsgi setup` (migrations,
reference data, training content); the requests go through the Flask test client with a signed-in
learner, so parsing, validation, the inserts and the progress rows are all in the figure.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

TARGET_MEDIAN_MS = 300
BATCH = 500


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup_database(folder, postgres_url=None):
    """Environment of a fresh app whose database (a SQLite file, or the PostgreSQL of `postgres_url`
    emptied first) `flask setup` has migrated and loaded."""
    if postgres_url:
        import psycopg

        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": postgres_url or f"sqlite:///{folder / 'benchmark.db'}",
        "MEDIA_ROOT": str(folder / "media"),
        "SMS_OUTBOX_PATH": str(folder / "sms-outbox.jsonl"),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "setup"],
        cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    return env


def batch_of_events(lessons, rnd, start):
    """What a phone sends after a day offline: lessons opened, cards viewed, a few finished."""
    events = []
    moment = start
    while len(events) < BATCH:
        slug, cards = rnd.choice(lessons)
        moment += timedelta(seconds=rnd.randrange(5, 90))
        events.append({"id": str(uuid.uuid4()), "lesson": slug, "kind": "opened", "at": moment.isoformat()})
        for card in range(cards):
            moment += timedelta(seconds=rnd.randrange(10, 60))
            events.append({"id": str(uuid.uuid4()), "lesson": slug, "kind": "card_viewed", "card": card,
                           "at": moment.isoformat(), "seconds": rnd.randrange(10, 60)})
        events.append({"id": str(uuid.uuid4()), "lesson": slug, "kind": "completed", "at": moment.isoformat()})
    return events[:BATCH]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres-url", help="measure on this PostgreSQL database (emptied first)")
    args = parser.parse_args()
    database = "PostgreSQL" if args.postgres_url else "SQLite"

    with tempfile.TemporaryDirectory() as temporary:
        env = setup_database(Path(temporary), args.postgres_url)
        os.environ.update({key: env[key] for key in ("APP_ENV", "DATABASE_URL", "MEDIA_ROOT", "SMS_OUTBOX_PATH")})

        from sqlalchemy import event

        from server import create_app
        from server.extensions import db
        from server.models import User
        from server.services.auth import start_session
        from server.services.lessons import card_count, current_index

        app = create_app()
        client = app.test_client()
        with app.app_context():
            created = datetime.now(UTC) - timedelta(days=30)
            learners = []
            for number in range(args.runs + 1):
                user = User(phone=f"+8491{number:07d}", created_at=created, phone_verified_at=created)
                db.session.add(user)
                db.session.commit()
                learners.append({"Authorization": f"Bearer {start_session(user).access_token}"})
            lessons = [(slug, card_count(lesson)) for slug, lesson in current_index().lessons.items()]

        rnd = random.Random(5)
        start = datetime.now(UTC) - timedelta(days=2)
        # Each run is a different learner's first sync (no rows of theirs yet); the first warms up.
        timings, replays = [], []
        with app.app_context():
            engine = db.engine
        statements = []
        event.listen(engine, "before_cursor_execute", lambda *sent: statements.append(sent[2]))
        for headers in learners:
            events = batch_of_events(lessons, rnd, start)
            statements.clear()
            began = time.perf_counter()
            response = client.post("/api/v1/progress/events", json={"events": events}, headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            sent = list(statements)
            body = response.get_json()
            assert response.status_code == 200 and body["accepted"] == BATCH, body
            timings.append(elapsed)
            began = time.perf_counter()
            again = client.post("/api/v1/progress/events", json={"events": events}, headers=headers)
            replays.append((time.perf_counter() - began) * 1000)
            assert again.get_json()["duplicates"] == BATCH, again.get_json()
        timings, replays = timings[1:], replays[1:]
        with app.app_context():
            db.engine.dispose()

    median = statistics.median(timings)
    inserts = sum(statement.lstrip().upper().startswith("INSERT INTO PROGRESS_EVENTS") for statement in sent)
    print(f"one batch sends {len(sent)} SQL statements, {inserts} of them INSERT INTO progress_events "
          f"(an executemany counts once)")
    print(f"500-event batch on {database}, {len(timings)} runs: median {median:.1f} ms, "
          f"p95 {percentile(timings, 0.95):.1f} ms (target ≤ {TARGET_MEDIAN_MS} ms)")
    print(f"the same batch replayed (all duplicates): median {statistics.median(replays):.1f} ms")
    return 0 if median <= TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
