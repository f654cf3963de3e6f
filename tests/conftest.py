"""Fixtures: a migrated database per test session, an app per distinct settings handed to each test as
new, a client per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Reference data is loaded once by the real `setup` command; every other table is emptied
after each test, so tests never see each other's rows.
"""

import os
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from limits.storage import storage_from_string
from limits.strategies import STRATEGIES
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from config import database_url as normalized_url
from config import settings_for_tests
from server import create_app
from server.clock import FixedClock, SystemClock
from server.extensions import db, limiter
from server.models import UnionBranch, User
from server.services.auth import start_session
from server.sms import sms_from_config
from server.storage import storage_from_config
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
            # A test database need not survive a crash: its commits do not wait for the disk.
            connection.execute(text(f'ALTER DATABASE "{database}" SET synchronous_commit = off'))
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
    return settings_in(database_url, tmp_path)


def settings_in(database_url, folder):
    """Settings of a test app whose files (photos, the SMS outbox) are kept in `folder`."""
    return settings_for_tests(database_url, MEDIA_ROOT=str(folder / "media"),
                              SMS_OUTBOX_PATH=str(folder / "sms-outbox.jsonl"))


def let_go(app):
    """The app's sessions end and its pooled connections close."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# The https address people reach the app at, in tests of what the app writes with it.
PUBLIC = "https://choque.example"


# Settings that hold the test's own folder: each test gets its own, on whichever app it is given.
PER_TEST_SETTINGS = ("MEDIA_ROOT", "SMS_OUTBOX_PATH")
# Apps of different settings kept at once by a test process; the oldest is let go beyond that.
KEPT_APPS = 6


@dataclass
class BuiltApp:
    app: object
    config: dict
    extensions: dict


class Apps:
    """The apps of a test process, one per distinct settings, built once and handed to each test as if new.

    Building an app costs ~40 ms (werkzeug compiles every URL rule; SQLAlchemy compiles every statement
    again for a new engine): ~40% of the suite's CPU when each test built one. What a test can change is put back
    before the next test gets it: the configuration and the extensions as built, with the test's own
    media folder, SMS outbox, file storage, SMS sender, clock and rate-limit counters."""

    def __init__(self):
        self.built = OrderedDict()

    def for_test(self, settings):
        key = repr(sorted((name, value) for name, value in settings.items() if name not in PER_TEST_SETTINGS))
        built = self.built.pop(key, None) or self._build(settings)
        self.built[key] = built
        while len(self.built) > KEPT_APPS:
            let_go(self.built.popitem(last=False)[1].app)
        return self._as_new(built, settings)

    @staticmethod
    def _build(settings):
        app = create_app(settings)
        return BuiltApp(app, dict(app.config), dict(app.extensions))

    @staticmethod
    def _as_new(built, settings):
        app = built.app
        app.config.clear()
        app.config.update(built.config)
        app.config.update({name: settings[name] for name in PER_TEST_SETTINGS if name in settings})
        app.extensions.clear()
        app.extensions.update(built.extensions)
        app.extensions.update(storage=storage_from_config(app.config), sms=sms_from_config(app.config),
                              clock=SystemClock())
        _count_rate_limits_from_zero(app.config)
        return app

    def close(self):
        while self.built:
            let_go(self.built.popitem()[1].app)


def _count_rate_limits_from_zero(config):
    """Flask-Limiter keeps its counters in the one Limiter every app shares, and only init_app, which also
    adds the app's hooks, makes new ones: give it the storage init_app would, with nothing counted."""
    limiter.enabled = config["RATELIMIT_ENABLED"]
    limiter._storage = storage_from_string(config["RATELIMIT_STORAGE_URI"])
    limiter._limiter = STRATEGIES[limiter._strategy](limiter._storage)


@pytest.fixture(scope="session")
def _apps():
    apps = Apps()
    yield apps
    apps.close()


@pytest.fixture
def public_app(settings, _apps):
    """An app at PUBLIC, for tests of absolute addresses: pages, feeds, links."""
    settings.update(PUBLIC_BASE_URL=PUBLIC)
    yield _apps.for_test(settings)
    _end_of_test(_apps)


@pytest.fixture
def app(settings, _apps):
    yield _apps.for_test(settings)
    _end_of_test(_apps)


def _end_of_test(apps):
    """The test's sessions end; its connections go back to the pool."""
    for built in apps.built.values():
        with built.app.app_context():
            db.session.remove()


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


# The longest files are handed out first, one to each test process: collected last, they kept one process
# busy for minutes after the other had finished. pytest-xdist hands out files in collection order only with
# --no-loadscope-reorder (pytest.ini); by default it hands out the files with the most tests first.
LONGEST_FILES = ("tests/test_schemathesis_household.py", "tests/test_schemathesis_manager.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in LONGEST_FILES)
