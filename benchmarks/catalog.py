"""The public catalog and the floors' feed at national scale (SPEC §8: a catalog page, a two-word
accent-free search and a feed page ≤ 50 ms median on 1,000,000 products), each next to one
hand-written SQL query for the same page in the same run.

    .venv/bin/python benchmarks/catalog.py --postgres-url postgresql://postgres@127.0.0.1:5432/choque_bench --reuse

Loads the database like benchmarks/reports.py (`setup` and `demo-data --sellers 300000`, about 1.0 M
products) unless --reuse is given: the two benchmarks can share one national dataset. Requests go
through the app (Flask test client, no sign-in: these are public); the SQL is the page's own query
on a raw connection, without the photos, sellers and places the app adds to each item.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reports import load, medians_ms  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from config import database_url  # noqa: E402

BAR_MS = 50
# What is for sale, as the app reads it: a published product's shop is live (erasing a shop archives its
# products), so no join to sellers is needed to know it (server/services/catalog.py).
PUBLISHED = "FROM products p WHERE p.status = 'published'"
PAGES = {
    "catalog page": ("/api/v1/catalog", f"SELECT p.id {PUBLISHED} ORDER BY p.published_at DESC, p.id DESC LIMIT 20"),
    "catalog of a province (08)": (
        "/api/v1/catalog?province=08",
        f"""SELECT p.id FROM products p JOIN sellers s ON s.id = p.seller_id JOIN communes c ON c.code = s.commune_code
            WHERE p.status = 'published' AND c.province_code = '08'
            ORDER BY p.published_at DESC, p.id DESC LIMIT 20"""),
    # The app counts the matches up to 1,000 first; past that, it looks for the page among the newest
    # 10,000 products (server/services/catalog.py, SEARCH_WINDOW). Both queries are timed here.
    "search 'mat ong'": (
        "/api/v1/catalog?q=mat%20ong",
        f"""SELECT count(*) FROM (SELECT p.id {PUBLISHED} AND (' ' || p.search_text) LIKE '% mat%'
            AND (' ' || p.search_text) LIKE '% ong%' LIMIT 1001) counted;
            SELECT p.id FROM (SELECT * FROM products WHERE status = 'published'
                              ORDER BY published_at DESC, id DESC LIMIT 10000) p
            WHERE (' ' || p.search_text) LIKE '% mat%' AND (' ' || p.search_text) LIKE '% ong%'
            ORDER BY p.published_at DESC, p.id DESC LIMIT 20"""),
    "feed page (100)": (
        "/api/v1/feeds/products",
        "SELECT p.id FROM products p WHERE p.published_at IS NOT NULL ORDER BY p.updated_at, p.id LIMIT 101"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/choque_bench")
    parser.add_argument("--sellers", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL data of an earlier run")
    args = parser.parse_args()

    app, _token = load(args.postgres_url, args.sellers, args.seed, args.reuse)
    client = app.test_client()
    engine = create_engine(database_url(args.postgres_url))
    print(f"  median of {args.runs} runs after one warm-up; bar: {BAR_MS} ms through the app")
    print(f"  {'page':30} {'app (ms)':>10} {'SQL (ms)':>10} {'bar':>6}")
    for label, (path, sql) in PAGES.items():
        def through_app():
            response = client.get(path)
            assert response.status_code == 200, response.get_json()

        def hand_written():
            with engine.connect() as connection:
                for statement in sql.split(";"):
                    connection.execute(text(statement)).all()

        app_ms, sql_ms = medians_ms([through_app, hand_written], args.runs)
        print(f"  {label:30} {app_ms:10.1f} {sql_ms:10.1f} {'ok' if app_ms <= BAR_MS else 'over':>6}")
    engine.dispose()


if __name__ == "__main__":
    main()
