"""Requests per second of the API's main endpoints under gunicorn on PostgreSQL, against two ceilings
measured in the same run under the same server settings (SPEC §8, issue 13), with the lists written by
hand beside them.

    .venv/bin/python benchmarks/api.py [--workers 2] [--threads 2] [--connections 16] [--duration 10s]
        [--rounds 3] [--accept-encoding 'br, gzip'] [--sellers 3000] [--reuse] [--keep] [--only catalog,feeds]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/choque_api_bench] [--redis-url redis://127.0.0.1:6379/13]

What it does: drops and creates the PostgreSQL database of --postgres-url (never `test`; dropped
again at the end unless --keep), loads it with `flask --app wsgi setup` and `flask --app wsgi
demo-data --sellers 3000`, then starts four gunicorn servers on 127.0.0.1 with `--workers 2`: the
app (`wsgi:app`, gunicorn.conf.py), a bare Flask app, a bare Flask app running one `SELECT 1` per
request through the app's pool settings, and the catalog's and the feed's first pages written by hand
for speed, and a household's `/me` (plain psycopg and orjson, PyJWT for the token; checked to
answer what the app answers before measuring), all
three in benchmarks/api_ceilings.py, served with gunicorn.conf.py's settings but not its hooks, which
prepare the app: benchmarks/gunicorn_ceilings.conf.py. The hand-written pages are reference rows with
no goal: what a list costs at best in Python on this stack, beside what the app's costs. It signs in
through the API as a demo household that owns a shop (the code is read from the SMS outbox file) and
runs wrk (Debian's package, installed with apt-get when missing) against each endpoint for three
rounds. In each round every endpoint runs between a run of the bare app and a run of the bare+SELECT 1
app, and its ratios are to those two neighbours; the table gives the median of the rounds. Writes
send a fresh client id per request (and per event). Each round starts with fresh tokens (refresh),
so the 15-minute access tokens never expire mid-run. Run it on an otherwise idle machine: anything
else using the CPU moves the figures, the ceilings' more than the app's.

What differs from production (README "Production"): APP_ENV=development, because production refuses
the SMS outbox file (sign-in codes are read from it) and an http PUBLIC_BASE_URL; so no HSTS header,
local media instead of S3 (photo URLs are built, no file is read), no proxy (TRUSTED_PROXY_COUNT=0),
no load balancer or nginx in front, and wrk runs on the same two cores as gunicorn and PostgreSQL.
The same as production: PostgreSQL, Redis rate-limit storage, random secrets, gunicorn.conf.py (sync
workers, max_requests recycling, access log, here written to a file).

Prints one table and exits 0 whether or not the goals are met (the table says which); an endpoint
answering errors is measured anyway and named under the table. Exits 1 only when a server could not
start (or the database could not be loaded, the household could not sign in, wrk failed).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg import conninfo, sql

from served_app import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EVENTS_PER_BATCH = 20
# gunicorn.conf.py's settings without the hooks that prepare the app (they fail on another app).
CEILINGS_CONFIG = "benchmarks/gunicorn_ceilings.conf.py"
START_TIMEOUT = 180
SHUTDOWN_TIMEOUT = 15

# The SPEC §8 goals: the ceiling an endpoint is held to and the share of it it must reach.
BARE, SELECT_ONE = "bare", "bare+SELECT 1"
# Which server answers an endpoint: the app, or the hand-written pages of the reference rows.
APP, HAND_WRITTEN = "app", "hand-written"
GOAL_PROVINCES = (BARE, 0.6)
GOAL_HEALTH = (SELECT_ONE, 0.8)
GOAL_READ = (SELECT_ONE, 0.5)
GOAL_WRITE = (SELECT_ONE, 0.25)

# Prints wrk's figures as one JSON line (latencies in microseconds); wrk counts a status ≥ 400 in
# errors.status, connection problems and requests over --timeout in the others.
DONE_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99))))
end
"""

# A POST whose body carries fresh client ids: `parts` around them, each id unique in the whole run
# (a prefix given per wrk run after `--`, the thread, a counter). Sales and events are idempotent by
# id, so a repeated id would measure the replay instead of the write.
POST_LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local parts = {%(parts)s}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tag", string.format("%%04x", threads))
  threads = threads + 1
end

function init(args)
  prefix = args[1]
end

function request()
  local body = {parts[1]}
  for i = 2, #parts do
    counter = counter + 1
    body[#body + 1] = prefix .. "-" .. tag .. "-" .. string.format("%%012x", counter)
    body[#body + 1] = parts[i]
  end
  return wrk.format(nil, nil, nil, table.concat(body))
end
"""


@dataclass
class Endpoint:
    """One row of the table: what wrk requests, and the goal it is held to."""

    name: str
    path: str
    goal: tuple | None = None
    signed_in: bool = False
    note: str = ""
    # A JSON body as strings around the client ids to insert (POST only).
    body_parts: list | None = None
    expected_status: int = 200
    server: str = APP
    # For a reference row: the app's path whose answer it must equal.
    same_as: str | None = None
    runs: list = field(default_factory=list)
    ratios: dict = field(default_factory=lambda: {BARE: [], SELECT_ONE: []})


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    worker_boots: int


class Server:
    """A gunicorn started with gunicorn.conf.py on a free port of 127.0.0.1, logging to a file."""

    def __init__(self, label, app_spec, ready_path, workers, env, folder, config="gunicorn.conf.py"):
        self.label, self.ready_path = label, ready_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / f"gunicorn-{label.replace(' ', '-').replace('+', '')}.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", config, "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", app_spec],
            cwd=PROJECT_ROOT, env={**env, "PUBLIC_BASE_URL": self.url}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartError(f"{self.label}: gunicorn exited with {self.process.returncode}", self.log_tail())
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise StartError(f"{self.label}: no answer on {self.url}{self.ready_path} within {START_TIMEOUT} s",
                         self.log_tail())

    def log_size(self):
        return self.log_path.stat().st_size

    def worker_rss_mb(self):
        """The resident memory of each worker (the master's children), in MB, from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024)
        return sizes

    def worker_boots_since(self, offset):
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().count(b"Booting worker")

    def log_tail(self, lines=30):
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        """SIGTERM to gunicorn's process group, SIGKILL after SHUTDOWN_TIMEOUT seconds."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=SHUTDOWN_TIMEOUT)
        # Workers left behind by a master that died first are in the same group.
        _signal_group(self.process.pid, signal.SIGKILL)
        self.log.close()


class StartError(RuntimeError):
    """A server did not start, or the run could not be prepared."""

    def __init__(self, message, details=""):
        super().__init__(message)
        self.details = details


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of every server (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c (default 16)")
    parser.add_argument("--duration", default="10s", help="wrk -d of each measured run (default 10s)")
    parser.add_argument("--warmup", default="2s", help="wrk -d of one warm-up run per server and endpoint")
    parser.add_argument("--timeout", default="10s", help="wrk --timeout: slower answers count as errors")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accept-encoding", metavar="CODINGS",
                        help="send Accept-Encoding (e.g. 'br, gzip', as phones do); by default none, as wrk")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/choque_api_bench",
                        help="a database this script drops and creates (never `test`)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13", help="rate-limit storage")
    parser.add_argument("--sellers", type=int, default=3000, help="demo-data --sellers")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database as it is (loaded by an earlier run with --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the database after the run")
    parser.add_argument("--only", metavar="WORDS", help="measure only the endpoints whose name holds one of these "
                        "comma-separated words (e.g. 'catalog,feeds'): a quicker look while working")
    return parser.parse_args()


def main():
    args = parse_arguments()
    started = time.monotonic()
    database = conninfo.conninfo_to_dict(args.postgres_url).get("dbname", "")
    if database in PROTECTED_DATABASES or not database:
        print(f"Refusing to drop and load the database {database!r}: name another one in --postgres-url.",
              file=sys.stderr)
        return 2
    ensure_wrk()
    check_redis(args.redis_url)
    servers = []
    folder = Path(tempfile.mkdtemp(prefix="choque-api-bench-"))
    try:
        env = app_environment(args, folder)
        if not args.reuse:
            create_database(args.postgres_url, database)
            load_database(env, args.sellers)
        phones = demo_household_phones(args.postgres_url)
        servers = start_servers(args.workers, env, folder)
        app, bare, select_one, _ = servers
        session = SignedIn(app.url, phones, Path(env["SMS_OUTBOX_PATH"]))
        endpoints = main_endpoints(app.url, session)
        if args.only:
            endpoints = [e for e in endpoints if any(word in e.name for word in args.only.split(","))]
            if not endpoints:
                raise StartError(f"--only {args.only}: no endpoint's name holds any of these words")
        problems = check_endpoints(servers, endpoints, session)
        ceilings = {BARE: Endpoint("bare Flask", "/"), SELECT_ONE: Endpoint("bare Flask + `SELECT 1`", "/")}
        scripts = write_scripts(folder, endpoints)
        wrk = Wrk(args, scripts)
        log(f"warming up ({args.warmup} per endpoint)")
        answering = _answering(servers)
        for server, endpoint in [(bare, ceilings[BARE]), (select_one, ceilings[SELECT_ONE])] + [
                (answering[endpoint.server], endpoint) for endpoint in endpoints]:
            wrk.run(server, endpoint, session, args.warmup)
        measure(args, wrk, servers, ceilings, endpoints, session)
        print_table(args, ceilings, endpoints, time.monotonic() - started, problems, app.worker_rss_mb())
        return 0
    except StartError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        if error.details:
            print(error.details, file=sys.stderr)
        return 1
    finally:
        for server in servers:
            server.stop()
        if not args.reuse and not args.keep:
            drop_database(args.postgres_url, database)
        shutil.rmtree(folder, ignore_errors=True)


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    """Install Debian's wrk when missing, as bin/test does for Chromium."""
    if shutil.which("wrk"):
        return
    log("Installing wrk from Debian's packages…")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, timeout=600)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=600,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)


def check_redis(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {url} does not answer ({error}): the rate limits need it.") from None


def app_environment(args, folder):
    """The app's settings: development (see the docstring for why), on PostgreSQL and Redis."""
    return {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": args.postgres_url,
        "RATELIMIT_STORAGE_URI": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "MEDIA_ROOT": str(folder / "media"),
        "SMS_BACKEND": "outbox",
        "SMS_OUTBOX_PATH": str(folder / "sms-outbox.jsonl"),
        "TRUSTED_PROXY_COUNT": "0",
    }


def _maintenance_connection(url):
    params = conninfo.conninfo_to_dict(url)
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


def create_database(url, name):
    log(f"creating database {name}")
    with _maintenance_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url, name):
    try:
        with _maintenance_connection(url) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except psycopg.Error as error:
        log(f"could not drop database {name}: {error}")


def load_database(env, sellers):
    for command, timeout in ((["setup"], 600), (["demo-data", "--sellers", str(sellers)], 1800)):
        log(f"flask --app wsgi {' '.join(command)}")
        began = time.monotonic()
        result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *command], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise StartError(f"flask {' '.join(command)} failed", result.stdout[-3000:] + result.stderr[-3000:])
        log(f"  done in {time.monotonic() - began:.0f} s")


def demo_household_phones(url):
    """Phones of demo households whose shop is activated (demo phones are +8498…), the first first:
    the next ones serve when a reused database has sent the first its 3 codes in 15 minutes."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT u.phone FROM sellers s JOIN users u ON u.id = s.owner_id"
            " WHERE s.kind = 'household' AND s.activated_at IS NOT NULL AND u.phone LIKE '+8498%'"
            " ORDER BY s.id LIMIT 5").fetchall()
    if not rows:
        raise StartError("the database has no demo household with an activated shop")
    return [phone for phone, in rows]


def start_servers(workers, env, folder):
    servers = [
        Server("app", "wsgi:app", "/healthz", workers, env, folder),
        Server(BARE, "benchmarks.api_ceilings:create_bare_app()", "/", workers, env, folder, CEILINGS_CONFIG),
        Server(SELECT_ONE, "benchmarks.api_ceilings:create_select_one_app()", "/", workers, env, folder,
               CEILINGS_CONFIG),
        Server(HAND_WRITTEN, "benchmarks.api_ceilings:create_handwritten_app()", "/catalog", workers, env, folder,
               CEILINGS_CONFIG),
    ]
    log(f"starting gunicorn ×4, --workers {workers}")
    deadline = time.monotonic() + START_TIMEOUT
    try:
        for server in servers:
            server.wait_ready(deadline)
    except StartError:
        for server in servers:
            server.stop()
        raise
    return servers


def call(method, url, body=None, token=None):
    """(status, JSON body) of one request."""
    headers = {"Content-Type": "application/json", "Accept-Language": "vi"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode(errors="replace")


class SignedIn:
    """A demo household signed in through the API; `renew()` refreshes its tokens."""

    def __init__(self, base_url, phones, outbox):
        self.base_url = base_url
        for phone in phones:
            status, answer = call("POST", f"{base_url}/api/v1/auth/otp", {"phone": phone})
            if status != 429:
                break
        if status != 202:
            raise StartError(f"POST /auth/otp answered {status}: {answer}")
        self.phone = phone
        status, answer = call("POST", f"{base_url}/api/v1/auth/verify", {"phone": phone, "code": self._code(outbox)})
        if status != 200:
            raise StartError(f"POST /auth/verify answered {status}: {answer}")
        self.access_token, self.refresh_token = answer["access_token"], answer["refresh_token"]
        self.seller_id = next(seller["id"] for seller in answer["user"]["sellers"] if seller["kind"] == "household")

    def _code(self, outbox):
        messages = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
        body = [message for message in messages if message["to"] == self.phone][-1]["body"]
        return re.search(r"\b(\d{6})\b", body).group(1)

    def renew(self):
        status, answer = call("POST", f"{self.base_url}/api/v1/auth/refresh", token=self.refresh_token)
        if status != 200:
            raise StartError(f"POST /auth/refresh answered {status}: {answer}")
        self.access_token, self.refresh_token = answer["access_token"], answer["refresh_token"]


def main_endpoints(base_url, session):
    """The endpoints of issue 13, with the lessons and the shop of the signed-in household."""
    status, tracks = call("GET", f"{base_url}/api/v1/tracks", token=session.access_token)
    if status != 200 or not tracks:
        raise StartError(f"GET /tracks answered {status}: {tracks}")
    lessons = []
    for track in tracks:
        for lesson in track["lessons"]:
            status, detail = call("GET", f"{base_url}/api/v1/lessons/{lesson['slug']}", token=session.access_token)
            if status != 200:
                raise StartError(f"GET /lessons/{lesson['slug']} answered {status}: {detail}")
            lessons.append((lesson["slug"], len(detail["cards"])))
    yesterday = (datetime.now(VIETNAM) - timedelta(days=1)).date().isoformat()
    sale_parts = ['{"id": "', f'", "occurred_on": "{yesterday}", "channel": "in_person", '
                  '"amount_vnd": 150000, "quantity": 2}']
    return [
        Endpoint("GET /healthz", "/healthz", GOAL_HEALTH),
        Endpoint("GET /api/v1/provinces", "/api/v1/provinces", GOAL_PROVINCES),
        Endpoint("GET /api/v1/communes?q=xuan", "/api/v1/communes?q=xuan", GOAL_READ),
        Endpoint("GET /api/v1/catalog", "/api/v1/catalog", GOAL_READ),
        Endpoint("GET /catalog, hand-written", "/catalog", server=HAND_WRITTEN, same_as="/api/v1/catalog",
                 note="reference: the same page by plain psycopg and orjson"),
        Endpoint("GET /api/v1/catalog?q=mat ong", "/api/v1/catalog?q=mat%20ong", GOAL_READ),
        Endpoint("GET /api/v1/feeds/products", "/api/v1/feeds/products", GOAL_READ),
        Endpoint("GET /feeds/products, hand-written", "/feeds/products", server=HAND_WRITTEN,
                 same_as="/api/v1/feeds/products", note="reference: the same page by plain psycopg and orjson"),
        Endpoint("GET /api/v1/tracks", "/api/v1/tracks", GOAL_READ, signed_in=True, note="signed in"),
        Endpoint("GET /api/v1/me", "/api/v1/me", GOAL_READ, signed_in=True),
        Endpoint("GET /me, hand-written", "/me", signed_in=True, server=HAND_WRITTEN, same_as="/api/v1/me",
                 note="reference: the same answer by PyJWT, plain psycopg and orjson"),
        Endpoint("GET /api/v1/lessons/{slug}", f"/api/v1/lessons/{lessons[0][0]}", GOAL_READ, signed_in=True),
        Endpoint("POST /api/v1/sellers/{id}/sales", f"/api/v1/sellers/{session.seller_id}/sales", GOAL_WRITE,
                 signed_in=True, body_parts=sale_parts, expected_status=201, note="a new sale"),
        Endpoint("POST /api/v1/progress/events", "/api/v1/progress/events", GOAL_WRITE, signed_in=True,
                 body_parts=event_batch_parts(lessons), note=f"{EVENTS_PER_BATCH} new events"),
    ]


def event_batch_parts(lessons):
    """A batch as a phone sends it after some reading offline: lessons opened, each card viewed,
    lessons completed; the ids go between the parts."""
    moment = datetime.now(UTC) - timedelta(hours=3)
    events = []
    for slug, cards in lessons:
        events.append({"lesson": slug, "kind": "opened"})
        events += [{"lesson": slug, "kind": "card_viewed", "card": card, "seconds": 20} for card in range(cards)]
        events.append({"lesson": slug, "kind": "completed"})
        if len(events) >= EVENTS_PER_BATCH:
            break
    parts, text = [], '{"events": ['
    for index, event in enumerate(events[:EVENTS_PER_BATCH]):
        moment += timedelta(seconds=25)
        rest = json.dumps({**event, "at": moment.isoformat()})[1:]
        parts.append(text + ('{"id": "' if index == 0 else ', {"id": "'))
        text = '", ' + rest
    parts.append(text + "]}")
    return parts


def sample_body(parts):
    ids = iter(str(uuid.uuid4()) for _ in parts)
    return json.loads(parts[0] + "".join(next(ids) + part for part in parts[1:]))


def check_endpoints(servers, endpoints, session):
    """One request to each endpoint before measuring: what answers wrongly is said loud (and measured
    anyway: its errors show in the table). A hand-written page must answer what the app answers, but
    for each server's own address in the links."""
    problems = []
    answering = _answering(servers)
    app = answering[APP]
    for endpoint in endpoints:
        token = session.access_token if endpoint.signed_in else None
        body = sample_body(endpoint.body_parts) if endpoint.body_parts else None
        server = answering[endpoint.server]
        status, answer = call("POST" if body else "GET", server.url + endpoint.path, body, token)
        if status != endpoint.expected_status:
            problems.append(f"{endpoint.name} answered {status}, not {endpoint.expected_status}: {str(answer)[:300]}")
        elif endpoint.body_parts and "progress" in endpoint.path and answer["accepted"] != EVENTS_PER_BATCH:
            problems.append(f"{endpoint.name} did not accept every event: {str(answer)[:300]}")
        elif endpoint.same_as and (_body(server.url, endpoint.path, token).replace(server.url.encode(), b"")
                                   != _body(app.url, endpoint.same_as, token).replace(app.url.encode(), b"")):
            problems.append(f"{endpoint.name} does not answer the bytes the app's {endpoint.same_as} does "
                            "(but for each server's own address)")
    for problem in problems:
        log(f"ERROR: {problem}")
    return problems


def _body(base_url, path, token=None):
    """The bytes of a GET's answer, as wrk receives them (no Accept-Encoding), or b"" if it fails."""
    headers = {"Accept-Language": "vi", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    except (urllib.error.URLError, OSError):
        return b""


def write_scripts(folder, endpoints):
    """A wrk Lua script per endpoint: the figures as JSON, and the bodies of the writes."""
    scripts = {None: folder / "get.lua"}
    scripts[None].write_text(DONE_LUA)
    for endpoint in endpoints:
        if endpoint.body_parts:
            path = folder / f"post-{len(scripts)}.lua"
            parts = ", ".join(f"[==[{part}]==]" for part in endpoint.body_parts)
            path.write_text(POST_LUA % {"parts": parts} + DONE_LUA)
            scripts[endpoint.name] = path
    return scripts


class Wrk:
    def __init__(self, args, scripts):
        self.args, self.scripts = args, scripts

    def run(self, server, endpoint, session, duration):
        script = self.scripts.get(endpoint.name, self.scripts[None])
        command = ["wrk", "-t", str(self.args.threads), "-c", str(self.args.connections), "-d", duration,
                   "--timeout", self.args.timeout, "-s", str(script), "-H", "Accept-Language: vi"]
        if self.args.accept_encoding:
            command += ["-H", f"Accept-Encoding: {self.args.accept_encoding}"]
        if endpoint.signed_in:
            command += ["-H", f"Authorization: Bearer {session.access_token}"]
        offset = server.log_size()
        # A new prefix of the client ids for every run (8-4-4 hex digits of a UUID).
        command += [server.url + endpoint.path, "--", str(uuid.uuid4())[:18]]
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=_seconds(duration) + 60)
        line = next((line for line in result.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
        if result.returncode != 0 or line is None:
            raise StartError(f"wrk failed on {endpoint.name}", result.stdout + result.stderr)
        figures = json.loads(line.removeprefix("WRK_JSON "))
        return Run(
            rps=figures["requests"] / (figures["duration_us"] / 1e6),
            p50_ms=figures["p50_us"] / 1000, p99_ms=figures["p99_us"] / 1000,
            non_2xx=figures["status"],
            socket_errors=figures["connect"] + figures["read"] + figures["write"] + figures["timeout"],
            worker_boots=server.worker_boots_since(offset),
        )


def _seconds(duration):
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", duration).groups()
    return float(number) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]


def measure(args, wrk, servers, ceilings, endpoints, session):
    """Rounds of bare, endpoint, bare+SELECT 1, endpoint, bare, …: every endpoint between both ceilings."""
    _, bare, select_one, _ = servers
    ceiling_servers = {BARE: bare, SELECT_ONE: select_one}
    answering = _answering(servers)
    for round_number in range(1, args.rounds + 1):
        session.renew()
        log(f"round {round_number} of {args.rounds}")
        order = [BARE, SELECT_ONE] if round_number % 2 else [SELECT_ONE, BARE]
        kind = order[0]
        previous = _ceiling_run(wrk, ceiling_servers[kind], ceilings[kind], session, args.duration)
        for index, endpoint in enumerate(endpoints):
            run = wrk.run(answering[endpoint.server], endpoint, session, args.duration)
            endpoint.runs.append(run)
            next_kind = order[(index + 1) % 2]
            following = _ceiling_run(wrk, ceiling_servers[next_kind], ceilings[next_kind], session, args.duration)
            endpoint.ratios[kind].append(run.rps / previous.rps)
            endpoint.ratios[next_kind].append(run.rps / following.rps)
            log(f"  {endpoint.name:<38} {run.rps:8.1f} rps  p50 {run.p50_ms:6.1f} ms"
                f"  ({kind} {previous.rps:.0f}, {next_kind} {following.rps:.0f})")
            kind, previous = next_kind, following


def _answering(servers):
    """The servers of start_servers() by the names an Endpoint gives in `server`."""
    app, _, _, hand_written = servers
    return {APP: app, HAND_WRITTEN: hand_written}


def _ceiling_run(wrk, server, ceiling, session, duration):
    run = wrk.run(server, ceiling, session, duration)
    ceiling.runs.append(run)
    return run


def print_table(args, ceilings, endpoints, seconds, problems, worker_rss):
    rounds = len(endpoints[0].runs)
    print(f"\nAPI throughput: gunicorn --workers {args.workers} (gunicorn.conf.py), PostgreSQL, "
          f"{args.sellers:,} demo sellers; wrk -t{args.threads} -c{args.connections} -d{args.duration}"
          f"{', Accept-Encoding: ' + args.accept_encoding if args.accept_encoding else ''}, "
          f"median of {rounds} round{'s' if rounds > 1 else ''} (range in brackets); "
          f"load average at the end {os.getloadavg()[0]:.2f}\n")
    print("| endpoint | rps | p50 | p99 | non-2xx / socket errors | × bare | × bare+SELECT 1 | goal (SPEC §8) | |")
    print("|---|---|---|---|---|---|---|---|---|")
    for ceiling in ceilings.values():
        print(f"| {ceiling.name} | {_row(ceiling)} | — | — | ceiling | |")
    for endpoint in endpoints:
        ratio = {kind: statistics.median(values) for kind, values in endpoint.ratios.items()}
        errors = sum(run.non_2xx + run.socket_errors for run in endpoint.runs)
        note = f" ({endpoint.note})" if endpoint.note else ""
        if endpoint.goal:
            against, share = endpoint.goal
            goal, met = f"≥ {share} × {against}", "pass" if ratio[against] >= share and errors == 0 else "**miss**"
        else:
            goal, met = "reference", ""
        print(f"| `{endpoint.name}`{note} | {_row(endpoint)} | {ratio[BARE]:.3f} | {ratio[SELECT_ONE]:.3f} "
              f"| {goal} | {met} |")
    boots = {endpoint.name: sum(run.worker_boots for run in endpoint.runs)
             for endpoint in endpoints if endpoint.server == APP}
    boots_bare = sum(run.worker_boots for ceiling in ceilings.values() for run in ceiling.runs)
    where = ", ".join(f"{name.split()[1]} {count}" for name, count in boots.items() if count)
    boots_bare += sum(run.worker_boots for endpoint in endpoints if endpoint.server != APP for run in endpoint.runs)
    print(f"\nWorkers booted during the measured runs (max_requests recycling): the app {sum(boots.values())}"
          f"{f' ({where})' if where else ''}; the bare and hand-written apps {boots_bare}.")
    print(f"Memory of the app's workers after the runs (VmRSS, goal ≤ 150 MB each): "
          f"{', '.join(f'{size:.0f} MB' for size in worker_rss)}.")
    for problem in problems:
        print(f"ERROR before measuring: {problem}")
    errors = [endpoint.name for endpoint in endpoints if any(run.non_2xx or run.socket_errors for run in endpoint.runs)]
    if errors:
        print(f"ERRORS while measuring (non-2xx answers or socket errors): {', '.join(errors)}")
    print(f"Whole benchmark: {seconds / 60:.1f} min.")


def _row(endpoint):
    runs = endpoint.runs
    rps = statistics.median(run.rps for run in runs)
    low, high = min(run.rps for run in runs), max(run.rps for run in runs)
    p50 = statistics.median(run.p50_ms for run in runs)
    p99 = statistics.median(run.p99_ms for run in runs)
    non_2xx = sum(run.non_2xx for run in runs)
    socket_errors = sum(run.socket_errors for run in runs)
    return f"{rps:,.0f} ({low:,.0f}–{high:,.0f}) | {p50:.1f} ms | {p99:.1f} ms | {non_2xx} / {socket_errors}"


if __name__ == "__main__":
    raise SystemExit(main())
