"""Identical creates sent at the same moment (a phone retrying while its first try still runs).

Real parallel requests: each thread has its own test client, so its own app context, database
session and connection, against the test database (SQLite or PostgreSQL).
"""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Product, Sale, TrainingSession
from tests.api.helpers import HONEY, open_shop

THREADS = 6
ROUNDS = 8


def at_once(app, requests):
    """Send every (method, path, headers, body) at the same moment; the responses, in order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def send(position, method, path, headers, body):
        client = app.test_client()
        barrier.wait()
        responses[position] = client.open(path, method=method, headers=headers, json=body)

    threads = [threading.Thread(target=send, args=(position, *request)) for position, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def rows(app, model, row_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(model.id == row_id))


def assert_created_once(responses):
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (len(responses) - 1) + [201], [r.get_json() for r in responses]
    bodies = [response.get_json() for response in responses]
    assert all(body == bodies[0] for body in bodies)


@pytest.fixture
def shop(client, auth):
    owner = auth.person()
    return owner, open_shop(client, owner)


def test_the_same_sale_at_once_is_stored_once(app, shop, clock):
    owner, seller_id = shop
    for _ in range(ROUNDS):
        sale = {"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "in_person", "amount_vnd": 90_000}
        responses = at_once(app, [("POST", f"/api/v1/sellers/{seller_id}/sales", owner.headers, sale)] * THREADS)
        assert_created_once(responses)
        assert rows(app, Sale, sale["id"]) == 1


def test_a_sale_id_raced_by_another_shop_is_a_conflict_never_its_sale(app, client, shop, auth, clock):
    owner, seller_id = shop
    other = auth.person()
    other_shop = open_shop(client, other)
    for _ in range(ROUNDS):
        sale = {"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "in_person", "amount_vnd": 90_000}
        requests = [("POST", f"/api/v1/sellers/{seller_id}/sales", owner.headers, sale),
                    ("POST", f"/api/v1/sellers/{other_shop}/sales", other.headers, sale)] * (THREADS // 2)
        responses = at_once(app, requests)
        by_shop = {}
        for (_method, path, _headers, _body), response in zip(requests, responses):
            by_shop.setdefault(path, []).append(response.status_code)
        winners = [path for path, statuses in by_shop.items() if 201 in statuses]
        assert len(winners) == 1, by_shop
        for path, statuses in by_shop.items():
            expected = {200, 201} if path in winners else {409}
            assert set(statuses) <= expected, by_shop
        assert rows(app, Sale, sale["id"]) == 1


def test_the_same_product_at_once_is_stored_once(app, shop):
    owner, seller_id = shop
    for _ in range(ROUNDS):
        product = {**HONEY, "id": str(uuid.uuid4())}
        responses = at_once(app, [("POST", f"/api/v1/sellers/{seller_id}/products", owner.headers, product)] * THREADS)
        statuses = {response.status_code for response in responses}
        # A product's create answers 201 for the original and for a retry alike.
        assert statuses == {201}, [r.get_json() for r in responses]
        assert len({response.get_json()["id"] for response in responses}) == 1
        assert rows(app, Product, product["id"]) == 1


def test_the_same_training_session_at_once_is_stored_once(app, client, auth):
    branch = auth.person("trainer")
    response = client.post("/api/v1/cohorts", headers=branch.headers, json={
        "name": "Lớp bán hàng online Nà Hang", "union_id": _union_of(app, branch.id), "commune_codes": ["02221"],
        "starts_on": "2026-11-01", "track_slugs": ["getting-started"]})
    assert response.status_code == 201, response.get_json()
    cohort_id = response.get_json()["id"]
    for _ in range(ROUNDS):
        session = {"id": str(uuid.uuid4()), "held_on": "2026-11-05", "topic": "Chụp ảnh sản phẩm",
                   "lesson_slugs": [], "attendee_ids": []}
        responses = at_once(app, [("POST", f"/api/v1/cohorts/{cohort_id}/sessions", branch.headers, session)] * THREADS)
        assert_created_once(responses)
        assert rows(app, TrainingSession, session["id"]) == 1


def _union_of(app, user_id):
    from server.models import RoleGrant

    with app.app_context():
        return db.session.scalar(select(RoleGrant.union_id).where(RoleGrant.user_id == user_id))
