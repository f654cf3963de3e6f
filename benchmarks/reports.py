"""Time every report endpoint at three national scales, next to the best hand-written SQL for the same numbers.

    .venv/bin/python benchmarks/reports.py            # loads 30,000, 100,000 and 300,000 sellers (≈ 9 min)
    .venv/bin/python benchmarks/reports.py --reuse    # the databases of an earlier run: ≈ 1 min

Each scale has its own PostgreSQL database, named by --url-template ("{k}" becomes 30, 100, 300:
choque_reports_30k, …), emptied and loaded with `flask setup` and `flask demo-data --sellers N` unless
--reuse is given (--sqlite-sellers N adds a temporary SQLite file as one more column). Each report runs
through the app (Flask test client, as a national manager) and as one hand-written query on a raw
connection, alternately, --runs times after one warm-up; the table shows the medians and their ratio.
Both sides run with PostgreSQL's JIT off (the app's connections set it, see config.engine_options), and
each hand-written query is checked to give the report's numbers before it is timed.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, create_engine, text  # noqa: E402

from config import database_url, settings_for_tests  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models.types import UTCDateTime  # noqa: E402
from server.services.accounts import create_staff_user  # noqa: E402
from server.services.auth import start_session  # noqa: E402
from server.services.reports.scope import day_end, day_start  # noqa: E402

TODAY = date(2026, 11, 24)
PERIOD = (TODAY - timedelta(days=29), TODAY)
SCALES = (30_000, 100_000, 300_000)

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
        ORDER BY c.province_code, c.name_folded, c.code""",
    # Counted per commune, then added up per province (faster than joining each seller to its commune).
    "new-active-sellers (province, by gender)": f"""
        SELECT c.province_code, counts.gender, sum(counts.new_active), sum(counts.active)
        FROM (SELECT s.commune_code, coalesce(u.gender, 'unknown') AS gender, count(*) AS new_active, 0 AS active
              FROM sellers s JOIN users u ON u.id = s.owner_id
              WHERE s.activated_at >= :start_of_from AND s.activated_at < :end_of_to
              GROUP BY s.commune_code, coalesce(u.gender, 'unknown')
              UNION ALL
              SELECT s.commune_code, coalesce(u.gender, 'unknown'), 0, count(*)
              FROM sellers s JOIN users u ON u.id = s.owner_id
              WHERE {ACTIVE_CONDITION}
              GROUP BY s.commune_code, coalesce(u.gender, 'unknown')) counts
        JOIN communes c ON c.code = counts.commune_code
        GROUP BY c.province_code, counts.gender""",
    "commune-coverage": f"""
        WITH active AS ({ACTIVE_COUNTS})
        SELECT p.code, p.name, count(c.code), sum(CASE WHEN coalesce(ac.n, 0) >= 5 THEN 1 ELSE 0 END)
        FROM provinces p JOIN communes c ON c.province_code = p.code
        LEFT JOIN active ac ON ac.commune_code = c.code
        GROUP BY p.code, p.name ORDER BY p.code""",
    # Lesson rows added up per person first, then each person's first shop found once through the
    # owner index (LATERAL … LIMIT 1); days to first listing are of members enrolled in the period,
    # per seller the longest wait of their enrolments in the province.
    "training (province)": """
        WITH per_person AS (
            SELECT user_id,
                   max(CASE WHEN started_at < :end_of_to THEN 1 ELSE 0 END) AS learner,
                   sum(CASE WHEN completed_at >= :start_of_from AND completed_at < :end_of_to
                            THEN 1 ELSE 0 END) AS completed,
                   sum(CASE WHEN started_at < :end_of_to THEN 1 ELSE 0 END) AS worked_on,
                   sum(CASE WHEN started_at < :end_of_to AND completed_at < :end_of_to THEN 1 ELSE 0 END) AS finished
            FROM lesson_progress WHERE last_activity_at >= :start_of_from
            GROUP BY user_id),
        learning AS (
            SELECT c.province_code, sum(learner) AS learners, sum(completed) AS completed,
                   sum(worked_on) AS worked_on, sum(finished) AS finished
            FROM per_person
            CROSS JOIN LATERAL (SELECT s.commune_code FROM sellers s WHERE s.owner_id = per_person.user_id
                                ORDER BY s.id LIMIT 1) first_shop
            JOIN communes c ON c.code = first_shop.commune_code
            GROUP BY c.province_code),
        waits AS (
            SELECT c.province_code,
                   max(greatest(0, extract(epoch FROM first_listing.at - cm.enrolled_at) / 86400)) AS days
            FROM cohort_members cm
            JOIN communes c ON c.code = (SELECT s.commune_code FROM sellers s WHERE s.id = cm.seller_id)
            CROSS JOIN LATERAL (SELECT min(p.published_at) AS at FROM products p
                                WHERE p.seller_id = cm.seller_id) first_listing
            WHERE cm.enrolled_at >= :start_of_from AND cm.enrolled_at < :end_of_to AND first_listing.at IS NOT NULL
            GROUP BY c.province_code, cm.seller_id),
        medians AS (
            SELECT province_code, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS days
            FROM waits GROUP BY province_code)
        SELECT p.code, coalesce(l.learners, 0), coalesce(l.completed, 0), coalesce(l.worked_on, 0),
               coalesce(l.finished, 0), m.days
        FROM provinces p LEFT JOIN learning l ON l.province_code = p.code
        LEFT JOIN medians m ON m.province_code = p.code
        ORDER BY p.code""",
}

ENDPOINTS = {
    "new-active-sellers (commune)": ("/api/v1/reports/new-active-sellers", {}),
    "new-active-sellers (province, by gender)": ("/api/v1/reports/new-active-sellers",
                                                 {"group_by": "province", "by": "gender"}),
    "commune-coverage": ("/api/v1/reports/commune-coverage", {"as_of": PERIOD[1].isoformat()}),
    "training (province)": ("/api/v1/reports/training", {"group_by": "province"}),
}


# --- the same numbers on both sides --------------------------------------------------------------

def _rounded(value):
    return None if value is None else round(float(value), 1)


def _commune_numbers(items):
    return [(i["commune_code"], i["commune_name"], i["province_code"], i["province_name"], i["new_active"],
             i["active_total"]) for i in items]


def _gender_numbers(items):
    return {(i["province_code"], gender, i["new_active_by"][gender], i["active_total_by"][gender])
            for i in items for gender in i["new_active_by"]
            if i["new_active_by"][gender] or i["active_total_by"][gender]}


def _training_numbers(rows):
    numbers = [(code, *map(int, counts), days) for code, *counts, days in rows]  # sums come as numeric
    return [(code, learners, completed, round(100 * finished / worked_on, 1) if worked_on else 0.0, _rounded(days))
            for code, learners, completed, worked_on, finished, days in numbers]


# (from the app's JSON, from the hand-written query's rows): the numbers each side gives.
SAME_NUMBERS = {
    "new-active-sellers (commune)": (_commune_numbers, lambda rows: [tuple(row) for row in rows]),
    "new-active-sellers (province, by gender)": (_gender_numbers,
                                                 lambda rows: {tuple(row) for row in rows if row[2] or row[3]}),
    "commune-coverage": (lambda items: [(i["province_code"], i["name"], i["communes"], i["covered_communes"])
                                        for i in items],
                         lambda rows: [tuple(row) for row in rows]),
    "training (province)": (lambda items: [(i["province_code"], i["learners"], i["lessons_completed"],
                                            i["completion_rate"], _rounded(i["median_days_to_first_listing"]))
                                           for i in items],
                            _training_numbers),
}


# --- loading and timing --------------------------------------------------------------------------

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


def medians_ms(works, runs):
    """Median time of each callable, run alternately so that a busy moment costs both sides alike."""
    for work in works:
        work()
    times = [[] for _ in works]
    for _ in range(runs):
        for work, spent in zip(works, times, strict=True):
            started = time.perf_counter()
            work()
            spent.append((time.perf_counter() - started) * 1000)
    return [statistics.median(spent) for spent in times]


def measure(name, url, sellers, seed, runs, reuse):
    """{report: (app ms, SQL ms)} on one database."""
    print(f"\n{name}")
    app, token = load(url, sellers, seed, reuse)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first, last = PERIOD
    bounds = {"start_of_from": day_start(first), "end_of_to": day_end(last), "to": last,
              "window_from": last - timedelta(days=89)}
    options = {"connect_args": {"options": "-c jit=off"}} if url.startswith("postgresql") else {}
    engine = create_engine(database_url(url), **options)
    results = {}
    for label, (path, query) in ENDPOINTS.items():
        params = {"from": first.isoformat(), "to": last.isoformat(), **query}
        if url.startswith("sqlite") and label == "training (province)":
            continue  # LATERAL and percentile_cont are PostgreSQL's
        # The moments bound as the models bind them (UTC; SQLite keeps them as text in one format).
        sql = text(HAND_WRITTEN_SQL[label]).bindparams(*(
            bindparam(name, type_=UTCDateTime) for name in ("start_of_from", "end_of_to")
            if f":{name}" in HAND_WRITTEN_SQL[label]))

        def through_app(path=path, params=params):
            response = client.get(path, headers=headers, query_string=params)
            assert response.status_code == 200, response.get_json()
            return response

        def hand_written(sql=sql):
            with engine.connect() as connection:
                return connection.execute(sql, bounds).all()

        from_app, from_sql = SAME_NUMBERS[label]
        if from_app(through_app().get_json()["items"]) != from_sql(hand_written()):
            raise SystemExit(f"{label}: the hand-written SQL does not give the app's numbers")
        results[label] = medians_ms([through_app, hand_written], runs)
        app_ms, sql_ms = results[label]
        print(f"  {label:42} app {app_ms:7.1f} ms   SQL {sql_ms:7.1f} ms   {app_ms / sql_ms:5.2f}x")
    engine.dispose()
    return results


def print_table(columns, runs):
    """Reports down, scales across: app ms, SQL ms and their ratio per scale."""
    print(f"\nMedian of {runs} runs, period {PERIOD[0]} – {PERIOD[1]}; ratio = app / SQL")
    print(f"{'report':42}" + "".join(f" | {title:>26}" for title, _ in columns))
    print(f"{'':42}" + " | {:>8} {:>8} {:>8}".format("app ms", "SQL ms", "ratio") * len(columns))
    for label in ENDPOINTS:
        cells = []
        for _, results in columns:
            if label in results:
                app_ms, sql_ms = results[label]
                cells.append(f" | {app_ms:8.1f} {sql_ms:8.1f} {app_ms / sql_ms:7.2f}x")
            else:
                cells.append(f" | {'–':>26}")
        print(f"{label:42}" + "".join(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url-template", default="postgresql://postgres@127.0.0.1:5432/choque_reports_{k}k",
                        help="PostgreSQL URL of each scale's database; {k} is the scale in thousands of sellers")
    parser.add_argument("--scales", type=int, nargs="+", default=SCALES, metavar="SELLERS")
    parser.add_argument("--sqlite-sellers", type=int, default=0, help="also a temporary SQLite file this size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL data of an earlier run")
    args = parser.parse_args()
    columns = []
    for sellers in args.scales:
        url = args.url_template.format(k=sellers // 1000)
        results = measure(f"PostgreSQL, {sellers:,} sellers ({url})", url, sellers, args.seed, args.runs, args.reuse)
        columns.append((f"PostgreSQL {sellers:,}", results))
    if args.sqlite_sellers:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            results = measure(f"SQLite, {args.sqlite_sellers:,} sellers", url, args.sqlite_sellers, args.seed,
                              args.runs, False)
            columns.append((f"SQLite {args.sqlite_sellers:,}", results))
    print_table(columns, args.runs)


if __name__ == "__main__":
    main()
