"""Time every report endpoint on a national-size dataset, next to hand-written SQL for the same numbers.

    .venv/bin/python benchmarks/reports.py --postgres-url postgresql://postgres@127.0.0.1:5432/choque_bench
    .venv/bin/python benchmarks/reports.py --skip-postgres --sqlite-sellers 30000

The PostgreSQL database is emptied and loaded with `flask setup` and `flask demo-data` (300,000 sellers
by default) unless --reuse is given; SQLite gets a temporary file with 30,000 sellers. Each endpoint
runs through the app (Flask test client, as a national manager) and each SQL query on a raw
connection; both report the median of --runs runs after one warm-up.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from config import database_url, settings_for_tests  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.services.accounts import create_staff_user  # noqa: E402
from server.services.auth import start_session  # noqa: E402
from server.services.reports.scope import day_end, day_start  # noqa: E402

TODAY = date(2026, 11, 24)
PERIOD = (TODAY - timedelta(days=29), TODAY)

# "Active as of D", written the fastest way the schema allows: the latest activity day decides,
# and the activity days are read only for sellers active again after D.
ACTIVE_CONDITION = """
    s.activated_at < :end_of_to AND s.last_activity_day >= :window_from
    AND (s.last_activity_day <= :to
         OR EXISTS (SELECT 1 FROM seller_activity a WHERE a.seller_id = s.id AND a.day BETWEEN :window_from AND :to))
"""
ACTIVE_COUNTS = f"""
    SELECT s.commune_code AS commune_code, count(*) AS n FROM sellers s WHERE {ACTIVE_CONDITION}
    GROUP BY s.commune_code
"""

HAND_WRITTEN_SQL = {
    "new-active-sellers (commune)": f"""
        WITH new_active AS (
            SELECT commune_code, count(*) AS n FROM sellers
            WHERE activated_at >= :start_of_from AND activated_at < :end_of_to GROUP BY commune_code),
        active AS ({ACTIVE_COUNTS})
        SELECT c.code, c.name, c.province_code, p.name, coalesce(na.n, 0), coalesce(ac.n, 0)
        FROM communes c JOIN provinces p ON p.code = c.province_code
        LEFT JOIN new_active na ON na.commune_code = c.code
        LEFT JOIN active ac ON ac.commune_code = c.code
        ORDER BY c.province_code, c.name_folded""",
    "new-active-sellers (province, by gender)": f"""
        SELECT c.province_code, coalesce(u.gender, 'unknown'),
               sum(CASE WHEN s.activated_at >= :start_of_from AND s.activated_at < :end_of_to THEN 1 ELSE 0 END),
               sum(CASE WHEN {ACTIVE_CONDITION} THEN 1 ELSE 0 END)
        FROM sellers s JOIN communes c ON c.code = s.commune_code JOIN users u ON u.id = s.owner_id
        WHERE s.activated_at IS NOT NULL
        GROUP BY c.province_code, coalesce(u.gender, 'unknown')""",
    "commune-coverage": f"""
        WITH active AS ({ACTIVE_COUNTS})
        SELECT p.code, p.name, count(c.code), sum(CASE WHEN coalesce(ac.n, 0) >= 5 THEN 1 ELSE 0 END)
        FROM provinces p JOIN communes c ON c.province_code = p.code
        LEFT JOIN active ac ON ac.commune_code = c.code
        GROUP BY p.code, p.name ORDER BY p.code""",
    "training (province)": """
        WITH recent AS (SELECT DISTINCT user_id FROM lesson_progress WHERE last_activity_at >= :start_of_from),
        place AS (
            SELECT r.user_id, c.province_code FROM recent r
            JOIN sellers s ON s.id = (SELECT min(s2.id) FROM sellers s2 WHERE s2.owner_id = r.user_id)
            JOIN communes c ON c.code = s.commune_code)
        SELECT place.province_code,
               count(DISTINCT CASE WHEN lp.started_at < :end_of_to THEN lp.user_id END),
               sum(CASE WHEN lp.completed_at >= :start_of_from AND lp.completed_at < :end_of_to THEN 1 ELSE 0 END),
               sum(CASE WHEN lp.started_at < :end_of_to THEN 1 ELSE 0 END),
               sum(CASE WHEN lp.started_at < :end_of_to AND lp.completed_at < :end_of_to THEN 1 ELSE 0 END)
        FROM lesson_progress lp JOIN place ON place.user_id = lp.user_id
        WHERE lp.last_activity_at >= :start_of_from
        GROUP BY place.province_code""",
}

ENDPOINTS = {
    "new-active-sellers (commune)": ("/api/v1/reports/new-active-sellers", {}),
    "new-active-sellers (province, by gender)": ("/api/v1/reports/new-active-sellers",
                                                 {"group_by": "province", "by": "gender"}),
    "commune-coverage": ("/api/v1/reports/commune-coverage", {"as_of": PERIOD[1].isoformat()}),
    "training (province)": ("/api/v1/reports/training", {"group_by": "province"}),
}


def median_ms(work, runs):
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def load(url, sellers, seed, reuse):
    app = create_app(settings_for_tests(url, APP_ENV="test"))
    runner = app.test_cli_runner()
    if not reuse:
        if url.startswith("postgresql"):
            engine = create_engine(database_url(url))
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        started = time.perf_counter()
        for args in (["setup"], ["demo-data", "--sellers", str(sellers), "--seed", str(seed),
                                 "--today", TODAY.isoformat()]):
            result = runner.invoke(args=args)
            if result.exit_code != 0:
                raise SystemExit(f"{' '.join(args)} failed:\n{result.output}\n{result.exception!r}")
        print(f"  loaded {sellers:,} sellers in {time.perf_counter() - started:.0f} s")
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        manager = create_staff_user("0900000001", "manager", national=True)
        token = start_session(manager).access_token
        counts = {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
                  for table in ("sellers", "products", "sales", "progress_events", "seller_activity")}
    print("  rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    return app, token


def measure(name, url, sellers, seed, runs, reuse):
    print(f"\n{name}")
    app, token = load(url, sellers, seed, reuse)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first, last = PERIOD
    bounds = {"start_of_from": day_start(first), "end_of_to": day_end(last), "to": last,
              "window_from": last - timedelta(days=89)}
    engine = create_engine(database_url(url))
    print(f"  period {first} – {last}; median of {runs} runs")
    print(f"  {'report':42} {'app (ms)':>10} {'SQL (ms)':>10} {'ratio':>7}")
    for label, (path, query) in ENDPOINTS.items():
        params = {"from": first.isoformat(), "to": last.isoformat(), **query}

        def through_app():
            response = client.get(path, headers=headers, query_string=params)
            assert response.status_code == 200, response.get_json()

        def hand_written():
            with engine.connect() as connection:
                connection.execute(text(HAND_WRITTEN_SQL[label]), bounds).all()

        app_ms, sql_ms = median_ms(through_app, runs), median_ms(hand_written, runs)
        print(f"  {label:42} {app_ms:10.1f} {sql_ms:10.1f} {app_ms / sql_ms:6.2f}x")
    engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/choque_bench")
    parser.add_argument("--sellers", type=int, default=300_000)
    parser.add_argument("--sqlite-sellers", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL data of an earlier run")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_postgres:
        measure(f"PostgreSQL, {args.sellers:,} sellers", args.postgres_url, args.sellers, args.seed, args.runs,
                args.reuse)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            measure(f"SQLite, {args.sqlite_sellers:,} sellers", url, args.sqlite_sellers, args.seed, args.runs, False)


if __name__ == "__main__":
    main()
