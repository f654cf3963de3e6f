"""Settings read from environment variables, with embedded defaults for a first run."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# Placeholders that make development easy and that production must replace.
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_JWT_SECRET_KEY = "dev-only-jwt-secret-key-change-me"
MIN_SECRET_LENGTH = 32

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
        "OTP_IP_LIMIT": env.get("OTP_IP_LIMIT", "30 per hour"),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=30),
        # The request body limit of every route but the few that set their own (server/body_limits.py):
        # the largest JSON a person sends is a product with a 5,000-character description, about
        # 31 KB even with every Vietnamese letter written as a \u escape.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "LOCALES_DIR": env.get("LOCALES_DIR", str(PROJECT_ROOT / "locales")),
        "TRAINING_CONTENT_DIR": env.get(
            "TRAINING_CONTENT_DIR", str(PROJECT_ROOT / "training_content")
        ),
    }
    return settings


def check_production(settings):
    """Refuse production settings that still carry development secrets."""
    if settings["APP_ENV"] != "production":
        return
    for name, placeholder in (
        ("SECRET_KEY", DEV_SECRET_KEY),
        ("JWT_SECRET_KEY", DEV_JWT_SECRET_KEY),
    ):
        value = settings.get(name) or ""
        if value == placeholder or len(value) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"{name} must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters when APP_ENV=production"
            )


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
