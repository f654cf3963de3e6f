"""Production refuses weak secrets and the embedded development services, saying what to set."""

import secrets

import orjson
import pytest

import config
from server import create_app
from tests.test_factory import PRODUCTION


def refusal(**changes):
    settings = config.from_environment({**PRODUCTION, **changes})
    with pytest.raises(config.ConfigError) as refused:
        create_app(settings)
    return str(refused.value)


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"SECRET_KEY": "a" * 32}, "SECRET_KEY is too easy to guess"),
        ({"JWT_SECRET_KEY": "a" * 64}, "JWT_SECRET_KEY is too easy to guess"),
        ({"SECRET_KEY": "abcd" * 8}, "SECRET_KEY is too easy to guess"),
        ({"SECRET_KEY": "password" * 4}, "SECRET_KEY is too easy to guess"),
        ({"SECRET_KEY": "0123456789abcdef" * 2}, "SECRET_KEY is too easy to guess"),
        ({"SECRET_KEY": secrets.token_urlsafe(16)}, "SECRET_KEY is only 22 characters long"),
        ({"SECRET_KEY": config.DEV_SECRET_KEY}, "SECRET_KEY is not set"),
        ({"JWT_SECRET_KEY": ""}, "JWT_SECRET_KEY is not set"),
        ({"JWT_SECRET_KEY": PRODUCTION["SECRET_KEY"]}, "SECRET_KEY and JWT_SECRET_KEY are the same"),
        ({"DATABASE_URL": "sqlite:///instance/choque.db"}, "set DATABASE_URL=postgresql://"),
        ({"SMS_BACKEND": "outbox"}, "set SMS_BACKEND=http"),
        ({"SMS_HTTP_URL": ""}, "SMS_BACKEND=http needs SMS_HTTP_URL"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "set RATELIMIT_STORAGE_URI=redis://"),
        ({"PUBLIC_BASE_URL": ""}, "set PUBLIC_BASE_URL=https://"),
        ({"PUBLIC_BASE_URL": "http://choque.example"}, "set PUBLIC_BASE_URL=https://"),
    ],
)
def test_production_refuses_each_unsafe_setting_saying_what_to_set(changes, says):
    assert says in refusal(**changes)


def test_every_problem_is_listed_at_once():
    message = refusal(SECRET_KEY="a" * 32, SMS_BACKEND="outbox", RATELIMIT_STORAGE_URI="memory://")
    assert message.count("\n- ") == 3


def test_the_defaults_are_refused_in_production():
    with pytest.raises(config.ConfigError) as refused:
        create_app(config.from_environment({"APP_ENV": "production"}))
    for name in ("SECRET_KEY", "JWT_SECRET_KEY", "DATABASE_URL", "SMS_BACKEND", "RATELIMIT_STORAGE_URI",
                 "PUBLIC_BASE_URL"):
        assert name in str(refused.value)


@pytest.mark.parametrize("generate", [lambda: secrets.token_hex(16), lambda: secrets.token_urlsafe(32),
                                      lambda: secrets.token_urlsafe(48)])
def test_secrets_made_by_the_secrets_module_are_accepted(generate):
    for _ in range(200):
        first, second = generate(), generate()
        assert config.production_problems(config.from_environment(
            {**PRODUCTION, "SECRET_KEY": first, "JWT_SECRET_KEY": second})) == []


def test_development_and_tests_keep_their_embedded_defaults():
    for app_env in ("development", "test"):
        settings = config.from_environment({"APP_ENV": app_env})
        config.check_production(settings)
        assert settings["SMS_BACKEND"] == "outbox" and settings["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("name", ["TRUSTED_PROXY_COUNT", "DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT"])
def test_numbers_in_the_environment_must_be_numbers(name):
    with pytest.raises(config.ConfigError) as refused:
        config.from_environment({name: "five"})
    assert name in str(refused.value)


def test_postgresql_gets_timeouts_and_both_databases_read_json_with_orjson():
    postgresql = config.engine_options(config.from_environment({"DATABASE_URL": "postgresql://u@db/choque"}))
    assert postgresql["connect_args"]["connect_timeout"] == 3 and postgresql["pool_timeout"] == 5
    assert postgresql["json_deserializer"] is orjson.loads
    assert config.engine_options(config.from_environment({})) == {"json_deserializer": orjson.loads}
