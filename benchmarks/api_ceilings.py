"""The two ceilings benchmarks/api.py measures the API against, and the hand-written pages (two lists, /me) it
measures beside the app's, served by gunicorn like the app.

    gunicorn -c benchmarks/gunicorn_ceilings.conf.py 'benchmarks.api_ceilings:create_bare_app()'
    gunicorn -c benchmarks/gunicorn_ceilings.conf.py 'benchmarks.api_ceilings:create_select_one_app()'   # DATABASE_URL
    gunicorn -c benchmarks/gunicorn_ceilings.conf.py 'benchmarks.api_ceilings:create_handwritten_app()'  # DATABASE_URL

A bare Flask app answering a small JSON, and the same app running one `SELECT 1` per request on the
database of DATABASE_URL through an engine with the app's pool settings (config.engine_options): the
floor cost of any endpoint that touches the database, as issue 13 defined it. It runs in a transaction,
as the pool gives it: `BEGIN`, `SELECT 1`, and the `ROLLBACK` on return, three round trips (strace
counts 300 `sendto` per 100 requests). The app's reading requests run without a transaction
(server/database.py): its /healthz is one round trip (102 per 100). So this ceiling costs more than
the app's own floor, and the reads' ratios to it are that much kinder than to a ceiling of one round trip.
"""

from flask import Flask, Response, request
from sqlalchemy import create_engine, text

import config


def create_bare_app():
    """One route answering `{"status": "ok"}`: what Flask and gunicorn cost on their own."""
    app = Flask(__name__)

    @app.get("/")
    def answer():
        return {"status": "ok"}

    return app


def create_select_one_app(environ=None):
    """One route running `SELECT 1` on a pooled connection configured as the app's, then answering."""
    settings = config.from_environment(environ)
    engine = create_engine(settings["SQLALCHEMY_DATABASE_URI"], **config.engine_options(settings))
    app = Flask(__name__)

    @app.get("/")
    def answer():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}

    return app


# The first page of the catalog and of the feed, as the app's own statements read them
# (server/services/catalog.py, captured from the app and written out): the rows with the seller's
# place (and, for the catalog, the count up to 1,001), then the page's photos.
LISTING_COLUMNS = """p.id, p.title, p.description, p.category, p.price_vnd, p.unit, p.stock, p.weight_g,
    p.length_cm, p.width_cm, p.height_cm, p.ocop_stars, p.status, p.published_at, p.updated_at,
    s.id, s.name, s.kind, s.commune_code, c.name, c.province_code, pr.name"""
LISTING_FROM = """FROM products p JOIN sellers s ON s.id = p.seller_id
    JOIN communes c ON c.code = s.commune_code JOIN provinces pr ON pr.code = c.province_code"""
CATALOG_SQL = f"""SELECT {LISTING_COLUMNS},
    (SELECT count(*) FROM (SELECT id FROM products WHERE status = 'published'
                           ORDER BY published_at DESC, id DESC LIMIT 1001) AS matches)
    {LISTING_FROM} WHERE p.status = 'published' ORDER BY p.published_at DESC, p.id DESC LIMIT 20"""
FEED_SQL = f"""SELECT {LISTING_COLUMNS} {LISTING_FROM}
    WHERE p.published_at IS NOT NULL ORDER BY p.updated_at, p.id LIMIT 101"""
PHOTOS_SQL = """SELECT product_id, id, width, height, keys FROM product_photos
    WHERE product_id = ANY(%s) ORDER BY product_id, position"""
COUNT_LIMIT, FEED_PAGE_SIZE = 1000, 100
# /me: the app's sign-in check (the live session's user, with the user's role grants) and its shops and
# latest consent (server/auth.py, server/services/accounts.py), captured from the app and written out.
SESSION_USER_SQL = """SELECT u.id, u.phone, u.full_name, u.locale, u.gender, u.erased_at, g.role
    FROM users u JOIN auth_sessions s ON s.user_id = u.id LEFT OUTER JOIN role_grants g ON g.user_id = u.id
    WHERE s.id = %s AND s.revoked_at IS NULL"""
SELLERS_AND_CONSENT_SQL = """SELECT seller.id, seller.name, seller.kind, seller.commune_code,
    consent.version, consent.purposes, consent.recorded_at, consent.on_behalf
    FROM users LEFT OUTER JOIN (SELECT version, purposes, recorded_at, on_behalf FROM consents
                                WHERE user_id = %(user_id)s ORDER BY recorded_at DESC, id DESC LIMIT 1) AS consent ON true
    LEFT OUTER JOIN (SELECT sellers.id, sellers.name, sellers.kind, sellers.commune_code
                     FROM sellers JOIN seller_members ON seller_members.seller_id = sellers.id
                     WHERE seller_members.user_id = %(user_id)s AND sellers.erased_at IS NULL) AS seller ON true
    WHERE users.id = %(user_id)s ORDER BY seller.id"""


def create_handwritten_app(environ=None):
    """`/catalog` and `/feeds/products` (first pages, in Vietnamese), and `/me` of a household (a user
    without staff roles: anyone else is answered 501), as one would write them by hand for
    speed: the same two statements as the app on one psycopg connection per worker (autocommit, as the
    app reads), rows as tuples, dicts in the app's order, orjson. The same JSON as the app's, checked by
    benchmarks/api.py before it measures; the app's pure helpers write what must be identical (a price
    in Vietnamese, a photo's sizes, a key as a URL path). What an answer costs in Python at best: how
    close the app comes to it, and how close that comes to bare+`SELECT 1`."""
    import base64

    import jwt
    import orjson
    import psycopg
    from babel import numbers
    from psycopg.types.json import set_json_loads

    from server.services.photo_processing import derivative_sizes
    from server.storage import storage_from_config, url_path
    from server.urls import public_url

    settings = config.from_environment(environ)
    secret = settings["JWT_SECRET_KEY"]
    base = settings["PUBLIC_BASE_URL"]
    # What every photo address starts with, worked out as the app's derivative_urls() does.
    media = public_url(storage_from_config(settings).url_base(), base)
    database_url = settings["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    prices = {}
    held = []  # this worker's connection, opened on its first request (after the fork)

    def rows(statement, parameters=None):
        if not held:
            # Times in UTC, as the app's UTCDateTime columns give them; no JIT, as the app's requests run.
            connection = psycopg.connect(database_url, autocommit=True, options="-c TimeZone=UTC -c jit=off")
            set_json_loads(orjson.loads, connection)
            held.append(connection)
        return held[0].execute(statement, parameters).fetchall()

    def price(amount):
        if not amount:
            return None
        if amount not in prices:
            prices[amount] = numbers.format_currency(amount, "VND", locale="vi")
        return prices[amount]

    def items(listing_rows):
        photos = {}
        if listing_rows:
            for product_id, photo_id, width, height, keys in rows(PHOTOS_SQL, ([row[0] for row in listing_rows],)):
                photos.setdefault(product_id, []).append({
                    "id": photo_id, "width": width, "height": height,
                    "urls": {size: media + url_path(key) for size, key in keys.items()},
                    "sizes": derivative_sizes((width, height), keys)})
        return [{
            "id": row[0], "title": row[1], "description": row[2], "category": row[3], "price_vnd": row[4],
            "price_display": price(row[4]), "unit": row[5], "weight_g": row[7], "length_cm": row[8],
            "width_cm": row[9], "height_cm": row[10], "currency": "VND", "ocop_stars": row[11], "status": row[12],
            "photos": photos.get(row[0], []),
            "seller": {"id": row[15], "name": row[16], "kind": row[17], "commune_code": row[18],
                       "commune_name": row[19], "province_code": row[20], "province_name": row[21]},
            "share_url": f"{base}/p/{row[0]}",
            "published_at": row[13].isoformat() if row[13] else None, "updated_at": row[14].isoformat(),
        } for row in listing_rows]

    def json_response(body):
        # With the newline Flask's jsonify ends a body with: the same bytes as the app's.
        return Response(orjson.dumps(body) + b"\n", mimetype="application/json")

    app = Flask(__name__)

    @app.get("/catalog")
    def catalog():
        found = rows(CATALOG_SQL)
        total = found[0][-1] if found else 0
        return json_response({"items": items(found), "total": min(total, COUNT_LIMIT), "page": 1, "page_size": 20,
                              "total_capped": total > COUNT_LIMIT})

    @app.get("/feeds/products")
    def feed():
        found = rows(FEED_SQL)
        page = found[:FEED_PAGE_SIZE]
        listed = items(page)
        for item, row in zip(listed, page):
            item["stock"] = row[6]
            item["availability"] = "out_of_stock" if row[12] != "published" or row[6] == 0 else "in_stock"
        cursor = None
        if len(found) > FEED_PAGE_SIZE:
            raw = f"{page[-1][14].isoformat()}|{page[-1][0]}"
            cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        return json_response({"items": listed, "next_cursor": cursor})

    @app.get("/me")
    def me():
        # Flask-JWT-Extended's checks of an access token in a header, by PyJWT itself.
        try:
            claims = jwt.decode(request.headers.get("Authorization", "").removeprefix("Bearer "), secret,
                                algorithms=["HS256"])
        except jwt.PyJWTError:
            return {"error": {"code": "unauthorized"}}, 401
        found = rows(SESSION_USER_SQL, (claims.get("sid", ""),)) if claims.get("type") == "access" else []
        if not found or found[0][5] is not None or found[0][0] != int(claims["sub"]):
            return {"error": {"code": "unauthorized"}}, 401
        if found[0][6] is not None:
            return {"error": {"code": "not_implemented"}}, 501
        user_id, phone, full_name, locale, gender = found[0][:5]
        shops = rows(SELLERS_AND_CONSENT_SQL, {"user_id": user_id})
        latest = shops[0] if shops and shops[0][6] is not None else None
        return json_response({
            "id": user_id, "phone": phone, "full_name": full_name, "locale": locale, "gender": gender,
            "roles": ["seller"],
            "sellers": [{"id": row[0], "name": row[1], "kind": row[2], "commune_code": row[3]}
                        for row in shops if row[0] is not None],
            "scopes": [],
            "consent": latest and {"version": latest[4], "purposes": latest[5],
                                   "recorded_at": latest[6].isoformat(), "on_behalf": latest[7]},
        })

    return app
