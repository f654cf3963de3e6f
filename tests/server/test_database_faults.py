"""A database that hangs or is stuck answers JSON 503 with Retry-After, soon, never a 500 or a hang."""

import socket
import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from config import database_url as normalized_url
from server import create_app
from server.extensions import db
from tests.api.helpers import open_shop

# Far above the timeouts set below, far below gunicorn's 30 s; only reached when nothing gives up.
PATIENCE = 20


@pytest.fixture
def silent_database():
    """A TCP port that takes connections and never says a word: a database server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"postgresql://postgres@127.0.0.1:{listener.getsockname()[1]}/choque"
    listener.close()


def answered_within(seconds, request):
    """The response to `request()`, failing the test when it is still waiting after `seconds`."""
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(response=request()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"no answer after {seconds} s"
    return outcome["response"]


def assert_outage(response):
    assert response.status_code == 503 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable" and body["message"]
    assert int(response.headers["Retry-After"]) > 0
    return body


@pytest.fixture
def app_on(settings):
    """An app of the test settings with some changed, disposed of afterwards."""
    made = []

    def make(**changes):
        made.append(create_app({**settings, **changes}))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/communes?q=xuan", "/api/v1/catalog"])
def test_a_database_that_hangs_answers_503_soon(app_on, silent_database, path):
    app = app_on(SQLALCHEMY_DATABASE_URI=normalized_url(silent_database), DATABASE_CONNECT_TIMEOUT=2)
    client = app.test_client()
    response = answered_within(PATIENCE, lambda: client.get(path, headers={"Accept-Language": "en"}))
    body = assert_outage(response)
    assert body["message"] == "The service is temporarily unavailable. Please try again later."


def test_signing_in_while_the_database_hangs_answers_503(app_on, silent_database):
    app = app_on(SQLALCHEMY_DATABASE_URI=normalized_url(silent_database), DATABASE_CONNECT_TIMEOUT=2)
    client = app.test_client()
    response = answered_within(PATIENCE, lambda: client.post("/api/v1/auth/otp", json={"phone": "0912345678"}))
    assert_outage(response)


def test_a_database_that_refuses_connections_answers_503(app_on):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    app = app_on(SQLALCHEMY_DATABASE_URI=normalized_url(f"postgresql://postgres@127.0.0.1:{port}/choque"))
    assert_outage(app.test_client().get("/api/v1/catalog"))
    health = app.test_client().get("/healthz")
    assert_outage(health)
    assert health.get_json()["errors"] == {"database": "unreachable"}


@pytest.fixture
def locked_sellers(database_url):
    """Another connection holding a write lock on the sellers (PostgreSQL) or the whole file (SQLite)."""
    held = []

    def lock():
        if database_url.startswith("sqlite"):
            connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            held.append(connection)
        else:
            engine = create_engine(normalized_url(database_url))
            connection = engine.connect()
            connection.begin()
            connection.execute(text("SELECT id FROM sellers FOR UPDATE"))
            held.append(connection)
            held.append(engine)

    yield lock
    for thing in held:
        (thing.dispose if hasattr(thing, "dispose") else thing.close)()


def test_a_write_stuck_behind_a_lock_gives_up_with_503(app_on, auth, locked_sellers):
    # PostgreSQL cancels the statement after DATABASE_STATEMENT_TIMEOUT; SQLite waits 5 s for its lock.
    app = app_on(DATABASE_STATEMENT_TIMEOUT=1)
    client = app.test_client()
    owner = auth.person()
    seller_id = open_shop(client, owner)
    locked_sellers()
    sale = {"id": str(uuid.uuid4()), "occurred_on": "2026-01-05", "channel": "in_person", "amount_vnd": 50_000}
    response = answered_within(PATIENCE, lambda: client.post(f"/api/v1/sellers/{seller_id}/sales",
                                                             headers=owner.headers, json=sale))
    assert_outage(response)
