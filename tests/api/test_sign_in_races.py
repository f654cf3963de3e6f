"""Sign-in limits under real parallel requests: threads against the app, on SQLite and PostgreSQL."""

import threading

from flask_jwt_extended import decode_token
from sqlalchemy import select

from server.extensions import db
from server.models import AuthSession, OtpChallenge
from tests.api.test_auth import PHONE, bearer, last_code, outbox, sign_in

PARALLEL = 20


def in_parallel(app, request, count=PARALLEL):
    """Run `request(client, index)` in `count` threads released at the same moment; their responses."""
    start = threading.Barrier(count)
    responses = [None] * count

    def run(index):
        client = app.test_client()
        start.wait()
        responses[index] = request(client, index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_parallel_code_requests_send_three_codes(app, settings):
    responses = in_parallel(app, lambda client, _: client.post("/api/v1/auth/otp", json={"phone": PHONE}))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [202] * 3 + [429] * (PARALLEL - 3)
    assert len(outbox(settings)) == 3


def test_parallel_guesses_compare_at_most_five_codes(app, client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    responses = in_parallel(app, lambda client, _: client.post(
        "/api/v1/auth/verify", json={"phone": PHONE, "code": wrong}, headers={"Accept-Language": "en"}))

    assert {response.status_code for response in responses} == {422}
    messages = [response.get_json()["errors"]["code"][0] for response in responses]
    assert sorted(m for m in messages if m.startswith("Wrong code")) == [
        f"Wrong code. {left} tries left." for left in (1, 2, 3, 4)]
    with app.app_context():
        assert db.session.scalars(select(OtpChallenge.attempts)).one() == 5
    # Burned: the right code no longer opens anything.
    assert client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code}).status_code == 422


def test_the_right_code_among_parallel_guesses_counts_as_one_of_five_tries(app, client, settings):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    code = last_code(settings)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    def guess(client, index):
        return client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": code if index == 7 else wrong})

    responses = in_parallel(app, guess)

    signed_in = [response for response in responses if response.status_code == 200]
    assert len(signed_in) <= 1
    with app.app_context():
        challenge = db.session.scalars(select(OtpChallenge)).one()
        assert challenge.attempts <= 5
        # Signed in only if the right code was among the five tries compared.
        assert bool(signed_in) == (challenge.used_at is not None)


def test_parallel_refreshes_with_one_token_rotate_once(app, client, settings):
    tokens = sign_in(client, settings).get_json()

    responses = in_parallel(app, lambda client, _: client.post(
        "/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])))

    assert {response.status_code for response in responses} == {200}
    with app.app_context():
        successors = {decode_token(r.get_json()["refresh_token"])["jti"] for r in responses}
        session = db.session.scalars(select(AuthSession)).one()
        # One rotation: every answer carries the one live refresh token, none forks the session.
        assert successors == {session.refresh_jti}
        assert session.revoked_at is None
    live = responses[0].get_json()
    assert client.post("/api/v1/auth/refresh", headers=bearer(live["refresh_token"])).status_code == 200
