"""Settings read from environment variables, with embedded defaults for a first run."""

import math
import os
from collections import Counter
from datetime import timedelta
from pathlib import Path

import orjson

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# Placeholders that make development easy and that production must replace.
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_JWT_SECRET_KEY = "dev-only-jwt-secret-key-change-me"
MIN_SECRET_LENGTH = 32
# Randomness a secret must show, estimated from how often each character occurs. A 32-character
# secrets.token_hex(16) scores 92 to 128 bits; 32 times "a" scores 0, "abcd" eight times 64.
MIN_SECRET_BITS = 80
GENERATE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"

ENVIRONMENTS = ("development", "production", "test")
# Where the app answers by default: `bin/run` in development, the test client's host in tests.
# Production has no default: it must say where people reach it.
DEFAULT_PUBLIC_BASE_URL = {"development": "http://127.0.0.1:5000", "test": "http://localhost", "production": ""}


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app may start with."""


def database_url(url):
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(environ=None):
    """Build the settings dictionary from environment variables."""
    env = os.environ if environ is None else environ
    app_env = env.get("APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")

    settings = {
        "APP_ENV": app_env,
        "TESTING": app_env == "test",
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "JWT_SECRET_KEY": env.get("JWT_SECRET_KEY", DEV_JWT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url(
            env.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'choque.db'}")
        ),
        "STORAGE_BACKEND": env.get("STORAGE_BACKEND", "local"),
        "MEDIA_ROOT": env.get("MEDIA_ROOT", str(INSTANCE_DIR / "media")),
        "S3_BUCKET": env.get("S3_BUCKET", ""),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or None,
        "S3_REGION": env.get("S3_REGION", "ap-southeast-1"),
        # Where browsers fetch photos from when not the bucket itself (a CDN in front of it).
        "S3_PUBLIC_URL": env.get("S3_PUBLIC_URL") or None,
        "MEDIA_URL_PREFIX": env.get("MEDIA_URL_PREFIX", "/media/"),
        # The address people reach the app at. Links in SMS, share links, photo URLs and OpenGraph
        # tags are built from it, never from the request's Host header (which a client chooses).
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL[app_env]).rstrip("/"),
        "SMS_BACKEND": env.get("SMS_BACKEND", "outbox"),
        "SMS_OUTBOX_PATH": env.get("SMS_OUTBOX_PATH", str(INSTANCE_DIR / "sms-outbox.jsonl")),
        "SMS_HTTP_URL": env.get("SMS_HTTP_URL", ""),
        "SMS_HTTP_API_KEY": env.get("SMS_HTTP_API_KEY", ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # How many proxies in front of the app add X-Forwarded-For/-Proto (a load balancer: 1).
        # 0 trusts none: a client could otherwise pick its own IP address for the per-IP limits.
        "TRUSTED_PROXY_COUNT": _integer(env, "TRUSTED_PROXY_COUNT", 0),
        # PostgreSQL only, in seconds. A database that hangs must not hang requests until gunicorn
        # kills the worker (30 s): connecting, waiting for a pooled connection and each statement
        # of a web request give up sooner, and the request answers 503 (server/errors.py).
        "DATABASE_CONNECT_TIMEOUT": _integer(env, "DATABASE_CONNECT_TIMEOUT", 3, minimum=2),
        "DATABASE_POOL_TIMEOUT": _integer(env, "DATABASE_POOL_TIMEOUT", 5, minimum=1),
        "DATABASE_STATEMENT_TIMEOUT": _integer(env, "DATABASE_STATEMENT_TIMEOUT", 10, minimum=1),
        "OTP_IP_LIMIT": env.get("OTP_IP_LIMIT", "30 per hour"),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=30),
        # The request body limit of every route but the few that set their own (server/body_limits.py):
        # the largest JSON a person sends is a product with a 5,000-character description, about
        # 31 KB even with every Vietnamese letter written as a \u escape.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "LOCALES_DIR": env.get("LOCALES_DIR", str(PROJECT_ROOT / "locales")),
        # Answers go out compressed for phones on 3G: brotli (fast level) or gzip, above 500 bytes.
        # The app's own files are compressed once at the highest level (server/web/assets.py).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 4,
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIMETYPES": ["application/json", "text/html", "text/javascript", "text/csv", "application/xml",
                               "application/manifest+json", "image/svg+xml"],
        "TRAINING_CONTENT_DIR": env.get(
            "TRAINING_CONTENT_DIR", str(PROJECT_ROOT / "training_content")
        ),
    }
    return settings


def _integer(env, name, default, minimum=0):
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def engine_options(settings):
    """SQLAlchemy engine options for the database in use: timeouts on PostgreSQL (see above).

    The statement timeout is set per connection by server/database.py, for web requests only:
    migrations and the demo-data load may rightly run a statement for minutes.
    """
    # JSON columns (a photo's keys above all: a feed page reads some 250) read by orjson, which writes
    # the app's answers too; with the standard library's json a catalog page took 2.7–3.0 ms in process,
    # with orjson 2.6–2.7 (issue 13).
    reading_json = {"json_deserializer": orjson.loads}
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return reading_json
    return {
        **reading_json,
        "pool_timeout": settings["DATABASE_POOL_TIMEOUT"],
        "connect_args": {
            # libpq: give up connecting after this many seconds (per address tried).
            "connect_timeout": settings["DATABASE_CONNECT_TIMEOUT"],
            # A database host that vanishes mid-request: sent data unacknowledged for this long
            # closes the connection, instead of waiting for TCP's minutes of retries.
            "tcp_user_timeout": (settings["DATABASE_STATEMENT_TIMEOUT"] + 5) * 1000,
            # And one that vanishes while a query runs (nothing unacknowledged, only silence): the
            # connection is probed after 5 s of silence, and dropped after 3 probes 2 s apart go
            # unanswered. A live server's kernel answers probes even while a query takes long.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
        },
    }


def secret_bits(value):
    """Estimated randomness of a secret: its length times the entropy of its characters."""
    counts = Counter(value)
    return -sum(count * math.log2(count / len(value)) for count in counts.values())


def _repeats(value):
    """Whether the value is a shorter piece repeated ("password" four times)."""
    return any(value == (value[:period] * (len(value) // period + 1))[:len(value)]
               for period in range(1, len(value) // 2 + 1))


def _secret_problem(name, value, placeholder):
    advice = f"set {name} to a random value of at least {MIN_SECRET_LENGTH} characters, e.g. from {GENERATE_SECRET}"
    if not value or value == placeholder:
        return f"{name} is not set: {advice}"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} is only {len(value)} characters long: {advice}"
    if secret_bits(value) < MIN_SECRET_BITS or _repeats(value):
        return f"{name} is too easy to guess (repeated or too few different characters): {advice}"
    return None


def production_problems(settings):
    """What makes these settings unfit for production, each saying what to set instead."""
    problems = [
        _secret_problem(name, settings.get(name) or "", placeholder)
        for name, placeholder in (("SECRET_KEY", DEV_SECRET_KEY), ("JWT_SECRET_KEY", DEV_JWT_SECRET_KEY))
    ]
    if settings.get("SECRET_KEY") and settings.get("SECRET_KEY") == settings.get("JWT_SECRET_KEY"):
        problems.append("SECRET_KEY and JWT_SECRET_KEY are the same: give each its own random value")
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL is a SQLite file, which one host and one writer at a time can use: "
                        "set DATABASE_URL=postgresql://user:password@host:5432/name")
    if settings["SMS_BACKEND"] == "outbox":
        problems.append("SMS_BACKEND=outbox writes sign-in codes to a file instead of texting them: "
                        "set SMS_BACKEND=http with SMS_HTTP_URL and SMS_HTTP_API_KEY")
    elif settings["SMS_BACKEND"] == "http" and not settings["SMS_HTTP_URL"]:
        problems.append("SMS_BACKEND=http needs SMS_HTTP_URL (and SMS_HTTP_API_KEY) of the SMS provider")
    if settings["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append("RATELIMIT_STORAGE_URI=memory:// counts in each worker separately (4 workers allow 4 times "
                        "the limit) and forgets on restart: set RATELIMIT_STORAGE_URI=redis://host:6379/0")
    if not settings["PUBLIC_BASE_URL"].startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be the https:// address people reach the app at "
                        "(links in SMS, share links, photo addresses): set PUBLIC_BASE_URL=https://your.domain")
    return [problem for problem in problems if problem]


def check_production(settings):
    """Refuse to start production with development secrets or embedded services."""
    if settings["APP_ENV"] != "production":
        return
    problems = production_problems(settings)
    if problems:
        raise ConfigError("APP_ENV=production refuses to start:\n" + "\n".join(f"- {p}" for p in problems))


def settings_for_tests(database_uri, **overrides):
    """Settings for the test suite: isolated files, a given database."""
    settings = from_environment({"APP_ENV": "test"})
    settings.update(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(database_uri),
            "RATELIMIT_ENABLED": True,
        }
    )
    settings.update(overrides)
    return settings
