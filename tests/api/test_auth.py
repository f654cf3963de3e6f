"""Phone sign-in life cycle: codes, limits, sessions, refresh, sign-out, erased accounts."""

import json
import re
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from flask_jwt_extended import create_access_token, decode_token
from sqlalchemy import func, select

from server import create_app
from server.extensions import db
from server.models import AuthSession, OtpChallenge, User

PHONE = "+84912345678"


def outbox(settings):
    path = Path(settings["SMS_OUTBOX_PATH"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_code(settings, phone=PHONE):
    message = [m for m in outbox(settings) if m["to"] == phone][-1]
    return re.search(r"\b(\d{6})\b", message["body"]).group(1)


def sign_in(client, settings, phone="0912 345 678", **headers):
    assert client.post("/api/v1/auth/otp", json={"phone": phone}, headers=headers).status_code == 202
    code = last_code(settings)
    return client.post("/api/v1/auth/verify", json={"phone": phone, "code": code}, headers=headers)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_first_sign_in_creates_the_account(client, settings):
    response = client.post("/api/v1/auth/otp", json={"phone": "0912 345 678"})
    assert response.status_code == 202
    [message] = outbox(settings)
    assert message["to"] == PHONE
    assert message["at"]
    code = last_code(settings)

    response = client.post("/api/v1/auth/verify", json={"phone": "0912345678", "code": code})

    assert response.status_code == 200
    body = response.get_json()
    assert body["is_new"] is True
    assert body["user"]["phone"] == PHONE
    assert body["user"]["roles"] == ["seller"]
    assert body["user"]["sellers"] == []
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["id"] == body["user"]["id"]


def test_returning_user_gets_the_same_account(client, settings):
    first = sign_in(client, settings).get_json()
    second = sign_in(client, settings).get_json()
    assert second["is_new"] is False
    assert second["user"]["id"] == first["user"]["id"]


def test_codes_are_stored_hashed(client, settings, app):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    with app.app_context():
        challenge = db.session.scalars(select(OtpChallenge)).one()
        assert code not in challenge.code_hash
        assert len(challenge.code_hash) == 64


@pytest.mark.parametrize("typed", ["0912 345 678", "0912.345.678", "84912345678", "+84 912 345 678"])
def test_local_forms_become_e164(client, settings, typed):
    assert client.post("/api/v1/auth/otp", json={"phone": typed}).status_code == 202
    assert outbox(settings)[-1]["to"] == PHONE


@pytest.mark.parametrize(
    "phone", ["02438253555", "+14155552671", "not a phone", "0912345", "", "0" * 40]
)
def test_numbers_that_are_not_vietnamese_mobiles_are_422(client, settings, phone):
    response = client.post("/api/v1/auth/otp", json={"phone": phone})
    assert response.status_code == 422
    assert "phone" in response.get_json()["errors"]
    assert outbox(settings) == []


def test_phone_errors_are_localized(client):
    vi = client.post("/api/v1/auth/otp", json={"phone": "02438253555"}).get_json()
    en = client.post("/api/v1/auth/otp", json={"phone": "02438253555"},
                     headers={"Accept-Language": "en"}).get_json()
    assert vi["errors"]["phone"] == ["Vui lòng nhập số điện thoại di động Việt Nam, ví dụ 0912 345 678."]
    assert en["errors"]["phone"] == ["Please enter a Vietnamese mobile number, for example 0912 345 678."]


def test_sms_follows_the_language(client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers={"Accept-Language": "en"})
    assert outbox(settings)[-1]["body"].startswith("Your Cho Que Online code is")
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert outbox(settings)[-1]["body"].startswith("Ma dang nhap Cho Que Online")


def test_wrong_code_counts_down_then_burns_and_stays_dead(client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        response = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": wrong},
                               headers={"Accept-Language": "en"})
        assert response.status_code == 422
        assert response.get_json()["errors"]["code"] == [f"Wrong code. {left} tries left."]
    fifth = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": wrong},
                        headers={"Accept-Language": "en"})
    assert fifth.get_json()["errors"]["code"] == ["Too many wrong tries. Please ask for a new code."]

    right = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code})
    assert right.status_code == 422


def test_expired_code_is_refused(client, settings, clock):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    clock.advance(timedelta(minutes=5, seconds=1))
    response = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": last_code(settings)})
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]


def test_code_within_five_minutes_works(client, settings, clock):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    clock.advance(timedelta(minutes=4, seconds=59))
    response = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": last_code(settings)})
    assert response.status_code == 200


def test_used_code_cannot_be_reused(client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code}).status_code == 200
    assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code}).status_code == 422


def test_a_new_code_replaces_the_old_one(client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    old = last_code(settings)
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    new = last_code(settings)
    if old != new:
        assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": old}).status_code == 422
    assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": new}).status_code == 200


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_malformed_codes_are_422(client, code):
    response = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code})
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]


def test_fourth_send_in_fifteen_minutes_is_429(client, settings, clock):
    for _ in range(3):
        assert client.post("/api/v1/auth/otp", json={"phone": PHONE}).status_code == 202
        clock.advance(timedelta(minutes=1))
    response = client.post("/api/v1/auth/otp", json={"phone": "0912 345 678"})
    assert response.status_code == 429
    assert response.get_json()["code"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert len(outbox(settings)) == 3

    other = client.post("/api/v1/auth/otp", json={"phone": "0987654321"})
    assert other.status_code == 202

    clock.advance(timedelta(minutes=13))
    assert client.post("/api/v1/auth/otp", json={"phone": PHONE}).status_code == 202


def test_per_ip_limit_with_the_in_memory_store(settings):
    settings["OTP_IP_LIMIT"] = "2 per minute"
    client = create_app(settings).test_client()
    assert client.post("/api/v1/auth/otp", json={"phone": "0912000001"}).status_code == 202
    assert client.post("/api/v1/auth/otp", json={"phone": "0912000002"}).status_code == 202
    response = client.post("/api/v1/auth/otp", json={"phone": "0912000003"})
    assert response.status_code == 429
    assert set(response.get_json()) >= {"code", "status", "message"}
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert len(outbox(settings)) == 2


def refresh_jti(token):
    return decode_token(token, allow_expired=True)["jti"]


def test_refresh_rotates_and_the_old_refresh_token_dies(app, client, settings, clock):
    tokens = sign_in(client, settings).get_json()
    response = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert response.status_code == 200
    rotated = response.get_json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(rotated["access_token"])).status_code == 200

    # The phone lost the answer and sends the old token again: the same successor, no new chain.
    clock.advance(timedelta(seconds=59))
    retried = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert retried.status_code == 200
    with app.app_context():
        assert refresh_jti(retried.get_json()["refresh_token"]) == refresh_jti(rotated["refresh_token"])

    again = client.post("/api/v1/auth/refresh", headers=bearer(rotated["refresh_token"])).get_json()
    assert client.get("/api/v1/me", headers=bearer(again["access_token"])).status_code == 200


def test_a_rotated_refresh_token_used_later_signs_the_session_out(client, settings, clock):
    tokens = sign_in(client, settings).get_json()
    rotated = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])).get_json()
    clock.advance(timedelta(seconds=61))

    stolen = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))

    assert stolen.status_code == 401
    assert stolen.get_json()["code"] == 401
    # The session is over for whoever holds it: the thief, and the phone, which signs in again.
    assert client.post("/api/v1/auth/refresh", headers=bearer(rotated["refresh_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(rotated["access_token"])).status_code == 401


def test_an_older_refresh_token_signs_the_session_out_at_once(client, settings):
    first = sign_in(client, settings).get_json()
    second = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
    third = client.post("/api/v1/auth/refresh", headers=bearer(second["refresh_token"])).get_json()

    assert client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(third["refresh_token"])).status_code == 401


def test_asking_for_a_code_says_how_long_it_lasts_and_when_to_resend(client):
    answers = [client.post("/api/v1/auth/otp", json={"phone": PHONE}).get_json() for _ in range(3)]
    assert [a["expires_in"] for a in answers] == [300, 300, 300]
    assert [a["resend_after"] for a in answers[:2]] == [60, 60]
    # The third code is the last of the window: the next one can only come after 15 minutes.
    assert 14 * 60 < answers[2]["resend_after"] <= 15 * 60


def test_a_code_expires_at_exactly_five_minutes(client, settings, clock):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    clock.advance(timedelta(minutes=5))
    response = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": last_code(settings)})
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]


# Signing in needs no token; refreshing takes a refresh token and nothing else.
AUTH_ROUTES = [("POST", "/api/v1/auth/otp"), ("POST", "/api/v1/auth/verify"), ("POST", "/api/v1/auth/refresh")]


def test_sign_in_routes_are_open_and_refresh_takes_only_a_refresh_token(client, settings):
    assert client.post("/api/v1/auth/otp", json={"phone": PHONE}).status_code == 202
    verified = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": last_code(settings)})
    assert verified.status_code == 200
    tokens = verified.get_json()
    assert client.post("/api/v1/auth/refresh").status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])).status_code == 200


def test_access_token_is_not_a_refresh_token(client, settings):
    tokens = sign_in(client, settings).get_json()
    assert client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_logout_kills_this_session_only(client, settings):
    phone_a = sign_in(client, settings).get_json()
    phone_b = sign_in(client, settings).get_json()

    assert client.post("/api/v1/auth/logout", headers=bearer(phone_a["access_token"])).status_code == 204

    assert client.get("/api/v1/me", headers=bearer(phone_a["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(phone_a["refresh_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(phone_b["access_token"])).status_code == 200


def test_expired_access_token_is_401(app, client, auth):
    person = auth.person()
    with app.app_context():
        session_id = db.session.scalars(select(AuthSession.id)).first()
        token = create_access_token(identity=db.session.get(User, person.id),
                                    additional_claims={"sid": session_id},
                                    expires_delta=timedelta(seconds=-30))
    response = client.get("/api/v1/me", headers={**bearer(token), "Accept-Language": "en"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "Your sign-in has expired. Please sign in again."


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic abc"}])
def test_missing_or_garbage_tokens_are_401_in_the_error_shape(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert set(response.get_json()) == {"code", "status", "message"}


def test_deleted_account_tokens_stop_and_the_phone_starts_afresh(client, settings, app):
    first = sign_in(client, settings).get_json()
    assert client.delete("/api/v1/me", headers=bearer(first["access_token"])).status_code == 204

    assert client.get("/api/v1/me", headers=bearer(first["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).status_code == 401

    again = sign_in(client, settings).get_json()
    assert again["is_new"] is True
    assert again["user"]["id"] != first["user"]["id"]
    with app.app_context():
        old = db.session.get(User, first["user"]["id"])
        assert old.phone is None and old.full_name is None and old.erased_at is not None


class _Provider(BaseHTTPRequestHandler):
    status = 200
    received = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider():
    handler = type("Provider", (_Provider,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_http_sms_backend_posts_to_the_provider(settings, sms_provider):
    handler, url = sms_provider
    settings.update(SMS_BACKEND="http", SMS_HTTP_URL=url, SMS_HTTP_API_KEY="k-123")
    client = create_app(settings).test_client()
    assert client.post("/api/v1/auth/otp", json={"phone": PHONE}).status_code == 202
    [(authorization, payload)] = handler.received
    assert authorization == "Bearer k-123"
    assert payload["to"] == PHONE and re.search(r"\d{6}", payload["body"])


def test_provider_failure_is_503_and_stores_no_code(settings, sms_provider):
    handler, url = sms_provider
    handler.status = 500
    settings.update(SMS_BACKEND="http", SMS_HTTP_URL=url, SMS_HTTP_API_KEY="k")
    app = create_app(settings)
    response = app.test_client().post("/api/v1/auth/otp", json={"phone": PHONE})
    assert response.status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OtpChallenge)) == 0


def test_unreachable_provider_is_503(settings):
    settings.update(SMS_BACKEND="http", SMS_HTTP_URL="http://127.0.0.1:9/sms", SMS_HTTP_API_KEY="k")
    response = create_app(settings).test_client().post("/api/v1/auth/otp", json={"phone": PHONE})
    assert response.status_code == 503


def test_unique_ids_per_session(client, settings):
    a = sign_in(client, settings).get_json()
    b = sign_in(client, settings).get_json()
    assert a["access_token"] != b["access_token"]
    assert uuid.UUID  # sessions are uuids; the refresh tokens differ too
    assert a["refresh_token"] != b["refresh_token"]


@pytest.fixture
def redis_url():
    """The real Redis of this machine; CI fails, rather than skips, when it is missing."""
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} cannot be reached in CI: {error}")
        pytest.skip(f"Redis at {url} is not running here")
    return url


def test_per_ip_limit_is_shared_through_redis(settings, redis_url):
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings.update(OTP_IP_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=redis_url,
                    RATELIMIT_KEY_PREFIX=prefix)
    # Two app instances, as two gunicorn workers: the limit is counted once, in Redis.
    worker_a = create_app(settings).test_client()
    worker_b = create_app(settings).test_client()
    store = redis.Redis.from_url(redis_url)
    try:
        assert worker_a.post("/api/v1/auth/otp", json={"phone": "0912000001"}).status_code == 202
        assert worker_b.post("/api/v1/auth/otp", json={"phone": "0912000002"}).status_code == 202
        assert store.keys(f"*{prefix}*"), "the limiter did not count in Redis"
        assert worker_a.post("/api/v1/auth/otp", json={"phone": "0912000003"}).status_code == 429
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


def test_a_code_typed_with_spaces_or_dots_is_read(client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    spaced = f"{code[:3]} {code[3:]}"
    assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": spaced}).status_code == 200


def test_every_mistake_of_a_form_is_reported_at_once_in_the_request_language(client):
    response = client.post("/api/v1/auth/verify", json={"phone": "02438253555", "code": "12a456"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"phone", "code"}
    assert errors["code"] == ["Hãy nhập 6 chữ số."]
    english = client.post("/api/v1/auth/verify", json={"phone": "0912", "code": "1"},
                          headers={"Accept-Language": "en"}).get_json()["errors"]
    assert english["code"] == ["Enter 6 digits."] and set(english) == {"phone", "code"}
