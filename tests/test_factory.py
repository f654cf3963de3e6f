"""The application factory and the configuration it accepts."""

import pytest

import config
from server import create_app


def test_test_settings_make_a_testing_app(app):
    assert app.testing
    assert app.config["APP_ENV"] == "test"


def test_defaults_are_the_embedded_services():
    settings = config.from_environment({})
    assert settings["APP_ENV"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["STORAGE_BACKEND"] == "local"
    assert settings["SMS_BACKEND"] == "outbox"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_postgresql_urls_use_psycopg_3():
    settings = config.from_environment({"DATABASE_URL": "postgresql://u@db:5432/choque"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/choque"


def test_unknown_app_env_is_refused():
    with pytest.raises(config.ConfigError):
        config.from_environment({"APP_ENV": "staging"})


@pytest.mark.parametrize(
    "secrets",
    [
        {},
        {"SECRET_KEY": "x" * 40},
        {"JWT_SECRET_KEY": "y" * 40},
        {"SECRET_KEY": "short", "JWT_SECRET_KEY": "y" * 40},
    ],
)
def test_production_refuses_to_start_without_real_secrets(secrets):
    settings = config.from_environment({**PRODUCTION, "SECRET_KEY": "", "JWT_SECRET_KEY": "", **secrets})
    with pytest.raises(config.ConfigError):
        create_app(settings)


def test_production_starts_with_real_settings():
    settings = config.from_environment(PRODUCTION)
    app = create_app(settings)
    assert not app.testing
    assert app.config["PUBLIC_BASE_URL"] == "https://choque.example"


# A complete production environment; tests/test_production_settings.py takes it apart.
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "Zq3v8Jr1xN6pLk2TsW9cYb4Hm7Fd0GeAu5Ri",
    "JWT_SECRET_KEY": "kP2nV7tX4bQ9zL1mS6wR3yH8cJ5fD0gAeU4o",
    "DATABASE_URL": "postgresql://choque:secret@db.internal:5432/choque",
    "SMS_BACKEND": "http",
    "SMS_HTTP_URL": "https://sms.example/send",
    "SMS_HTTP_API_KEY": "key",
    "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
    "PUBLIC_BASE_URL": "https://choque.example",
}


def test_an_app_without_rate_limits_still_starts_and_answers(settings):
    """Rate limits switched off (RATELIMIT_ENABLED=False: the byte budget and Lighthouse serve the app so)."""
    settings.update(RATELIMIT_ENABLED=False, OTP_IP_LIMIT="2 per minute")
    client = create_app(settings).test_client()
    assert client.get("/api/v1/provinces").status_code == 200
    for number in range(4):  # past OTP_IP_LIMIT: nothing is counted
        assert client.post("/api/v1/auth/otp", json={"phone": f"091200000{number}"}).status_code == 202
