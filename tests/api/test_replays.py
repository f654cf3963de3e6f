"""What mutation testing showed the suite did not pin down: replays, archiving, the sale's day."""

import uuid
from datetime import UTC, datetime

from tests.api.helpers import listed_product, open_shop


def test_a_field_sent_as_null_and_a_field_left_out_are_the_same_replay(client, auth):
    owner = auth.person()
    shop = open_shop(client, owner)
    sale = {"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "zalo", "amount_vnd": 90_000}
    url = f"/api/v1/sellers/{shop}/sales"

    first = client.post(url, headers=owner.headers, json={**sale, "quantity": None, "product_id": None})
    replay = client.post(url, headers=owner.headers, json=sale)

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.get_json() == first.get_json()
    assert client.post(url, headers=owner.headers, json={**sale, "quantity": 2}).status_code == 409


def test_a_product_once_published_is_archived_when_deleted_even_from_draft(client, auth):
    owner = auth.person()
    product = listed_product(client, owner, open_shop(client, owner))
    url = f"/api/v1/products/{product['id']}"
    assert client.patch(url, headers=owner.headers, json={"status": "draft"}).get_json()["status"] == "draft"

    assert client.delete(url, headers=owner.headers).status_code == 204

    assert client.get(url, headers=owner.headers).get_json()["status"] == "archived"
    feed = client.get("/api/v1/feeds/products").get_json()["items"]
    assert [(item["id"], item["status"]) for item in feed] == [(product["id"], "archived")]


def test_a_sale_is_dated_by_the_vietnam_calendar_and_not_after_today(client, auth, clock):
    owner = auth.person()
    shop = open_shop(client, owner)
    clock.at = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)  # 01:00 on 2 November in Vietnam
    url = f"/api/v1/sellers/{shop}/sales"

    def sale(day):
        return client.post(url, headers=owner.headers, json={
            "id": str(uuid.uuid4()), "occurred_on": day, "channel": "in_person", "amount_vnd": 50_000})

    assert sale("2026-11-02").status_code == 201
    tomorrow = sale("2026-11-03")
    assert tomorrow.status_code == 422
    assert "occurred_on" in tomorrow.get_json()["errors"]
