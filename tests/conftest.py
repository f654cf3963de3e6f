"""Fixtures: a migrated database per test session, an app and a client per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Reference data is loaded once by the real `setup` command; every other table is emptied
after each test, so tests never see each other's rows.
"""

import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from config import database_url as normalized_url
from config import settings_for_tests
from server import create_app
from server.clock import FixedClock
from server.extensions import db
from server.models import UnionBranch, User
from server.services.auth import start_session
from tests.factories import RoleGrantFactory, UserFactory
from tests.openapi_contract import checking_test_clients

REFERENCE_TABLES = {"provinces", "communes", "union_branches"}


def _worker_database(url, worker_id):
    """Each pytest-xdist worker gets a PostgreSQL database of its own, beside the one named in the URL,
    so that workers never empty each other's tables: `test` becomes `test_gw0`, `test_gw1`, …"""
    if worker_id == "master":
        return url
    main = make_url(url)
    database = f"{main.database}_{worker_id}"
    engine = create_engine(normalized_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
    except OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {error}", 1)
    except ProgrammingError as error:
        pytest.exit(f"Each test worker needs a database of its own, and {database} cannot be made: {error}", 1)
    finally:
        engine.dispose()
    return main.set(database=database).render_as_string(hide_password=False)


def _reset_postgresql(url):
    """Start from an empty schema, so that migrations build everything."""
    engine = create_engine(normalized_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {error}", 1)
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _responses_follow_the_document():
    """Every response a test client gets from the API must be what /api/v1/openapi.json says
    (tests/openapi_contract.py): the document cannot drift from the API."""
    with checking_test_clients():
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """A database migrated and loaded by `flask setup`, shared by the session (by the worker under xdist)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = _worker_database(url, worker_id)
        _reset_postgresql(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(settings_for_tests(url))
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def cleaning_engine(database_url):
    engine = create_engine(normalized_url(database_url))
    yield engine
    engine.dispose()


def empty_tables(engine):
    """Delete every row but the reference data."""
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _empty_tables_after_test(request, cleaning_engine):
    """Whatever app a test made, it leaves no rows behind but the reference data. Tests marked
    `shared_world` share their module's rows, which the module's fixture deletes at its end."""
    yield
    if not request.node.get_closest_marker("shared_world"):
        empty_tables(cleaning_engine)


@pytest.fixture
def settings(database_url, tmp_path):
    """Settings of the test app; a test may change them before asking for `app`."""
    return settings_for_tests(
        database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        SMS_OUTBOX_PATH=str(tmp_path / "sms-outbox.jsonl"),
    )


# The https address people reach the app at, in tests of what the app writes with it.
PUBLIC = "https://choque.example"


@pytest.fixture
def public_app(settings):
    """An app at PUBLIC, for tests of absolute addresses: pages, feeds, links."""
    settings.update(PUBLIC_BASE_URL=PUBLIC)
    return create_app(settings)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_context(app):
    """For tests that read or write the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def clock(app):
    """The app's clock, frozen at a known time; tests move it with `clock.advance(...)`."""
    frozen = FixedClock(datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    app.extensions["clock"] = frozen
    return frozen


@dataclass
class Person:
    """A user of the test, with the headers of a signed-in session."""

    id: int
    phone: str
    headers: dict


class Auth:
    """Creates users with roles and signs them in: `auth.person("manager", province="01")`."""

    def __init__(self, app):
        self.app = app

    def person(self, role="seller", union=None, province=None, national=False, **fields):
        with self.app.app_context():
            user = UserFactory(**fields)
            if role != "seller":
                grant_union = union
                if role in ("trainer", "union_admin") and union is None:
                    grant_union = db.session.scalar(
                        select(UnionBranch.id).where(UnionBranch.key == "womens_union:08")
                    )
                RoleGrantFactory(user=user, role=role, union_id=grant_union,
                                 province_code=None if national else province)
            return Person(user.id, user.phone, self.headers_for(user))

    def headers_for(self, user):
        sign_in = start_session(user)
        return {"Authorization": f"Bearer {sign_in.access_token}"}

    def sign_in(self, person_id):
        """Another device of the same person: a new session."""
        with self.app.app_context():
            return self.headers_for(db.session.get(User, person_id))


@pytest.fixture
def auth(app):
    return Auth(app)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP server (moto's standalone server) on 127.0.0.1, for the session."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        _wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


# The longest files are handed out first (pytest-xdist hands out files in collection order): collected
# last, they kept one worker busy for minutes after the other had finished.
LONGEST_FILES = ("tests/test_schemathesis.py",)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in LONGEST_FILES)
