"""Payout and VietQR, channel links, idempotent sales, activation and the onboarding steps."""

import base64
import io
import uuid
from datetime import timedelta

import pytest
from PIL import Image

from server.vietqr import crc16_ccitt
from tests.api.helpers import listed_product, open_shop

PAYOUT = {"bank_bin": "970405", "account_number": "3100205123456", "account_name": "Lò Thị Mai"}


@pytest.fixture
def shop(client, auth):
    owner = auth.person()
    return owner, open_shop(client, owner)


def tlv(payload):
    """Split an EMVCo payload into {tag: value}."""
    fields, position = {}, 0
    while position < len(payload):
        tag, length = payload[position:position + 2], int(payload[position + 2:position + 4])
        fields[tag] = payload[position + 4:position + 4 + length]
        position += 4 + length
    return fields


def test_payout_account_saved_and_shown(client, shop):
    owner, seller_id = shop
    response = client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json=PAYOUT)
    assert response.status_code == 200
    body = response.get_json()
    assert body["account_name"] == "LO THI MAI"
    assert body["bank_name"] == "Agribank"
    assert client.get(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers).get_json() == body


@pytest.mark.parametrize(
    "change, field",
    [({"bank_bin": "123456"}, "bank_bin"), ({"bank_bin": "97040"}, "bank_bin"),
     ({"account_number": "12ab"}, "account_number"), ({"account_name": ""}, "account_name")],
)
def test_bad_payout_is_422(client, shop, change, field):
    owner, seller_id = shop
    response = client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json={**PAYOUT, **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_vietqr_payload_verifies(client, shop):
    owner, seller_id = shop
    client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json=PAYOUT)
    response = client.get(f"/api/v1/sellers/{seller_id}/vietqr?amount=180000&memo=Mật ong đơn 12",
                          headers=owner.headers)
    assert response.status_code == 200
    payload = response.get_json()["payload"]

    assert payload[-4:] == crc16_ccitt(payload[:-4])
    fields = tlv(payload)
    assert fields["00"] == "01" and fields["01"] == "12"
    merchant = tlv(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert tlv(merchant["01"]) == {"00": "970405", "01": "3100205123456"}
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "180000", "VN")
    assert tlv(fields["62"])["08"] == "MAT ONG DON 12"

    png = Image.open(io.BytesIO(base64.b64decode(response.get_json()["png_base64"])))
    assert png.format == "PNG" and png.width >= 200


def test_static_vietqr_without_amount(client, shop):
    owner, seller_id = shop
    client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json=PAYOUT)
    payload = client.get(f"/api/v1/sellers/{seller_id}/vietqr", headers=owner.headers).get_json()["payload"]
    assert tlv(payload)["01"] == "11" and "54" not in tlv(payload)


def test_vietqr_needs_a_payout_account(client, shop):
    owner, seller_id = shop
    assert client.get(f"/api/v1/sellers/{seller_id}/vietqr", headers=owner.headers).status_code == 404


def test_banks_list(client):
    banks = client.get("/api/v1/banks").get_json()
    assert {"bin": "970436", "name": "Vietcombank"} in banks


@pytest.mark.parametrize(
    "channel, url, status",
    [("shopee", "https://shopee.vn/matongnahang", 201), ("zalo", "https://zalo.me/0912345678", 201),
     ("provincial_floor", "https://santhuongmai.tuyenquang.gov.vn/shop/12", 201),
     ("shopee", "https://lazada.vn/shop/abc", 422), ("facebook", "ftp://facebook.com/x", 422),
     ("facebook", "javascript:alert(1)", 422), ("myspace", "https://myspace.com/x", 422)],
)
def test_channel_links_are_validated(client, shop, channel, url, status):
    owner, seller_id = shop
    response = client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers,
                           json={"channel": channel, "url": url})
    assert response.status_code == status


def test_same_channel_link_twice_is_kept_once(client, shop):
    owner, seller_id = shop
    link = {"channel": "shopee", "url": "https://shopee.vn/matongnahang"}
    assert client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers, json=link).status_code == 201
    assert client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers, json=link).status_code == 200
    links = client.get(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers).get_json()["items"]
    assert len(links) == 1
    assert client.delete(f"/api/v1/sellers/{seller_id}/channels/{links[0]['id']}", headers=owner.headers).status_code == 204


def sale(**changes):
    return {"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "in_person",
            "amount_vnd": 360_000, "quantity": 2, **changes}


def test_sales_are_idempotent(client, shop, clock):
    owner, seller_id = shop
    body = sale()
    first = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=body)
    for _ in range(2):
        retry = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=body)
        assert retry.status_code == 200
        assert retry.get_json() == first.get_json()
    assert first.status_code == 201
    assert first.get_json()["amount_display"] == "360.000\xa0₫"

    conflict = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers,
                           json={**body, "amount_vnd": 1})
    assert conflict.status_code == 409
    listing = client.get(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers).get_json()
    assert listing["total"] == 1


@pytest.mark.parametrize("changes", [{"occurred_on": "2026-12-25"}, {"product_id": str(uuid.uuid4())}])
def test_content_breaking_a_rule_under_a_used_sale_id_is_a_conflict(client, shop, clock, changes):
    """The stored sale answers its id before the rules of a new sale are checked: 409, not 422."""
    owner, seller_id = shop
    body = sale()
    assert client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=body).status_code == 201
    conflict = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json={**body, **changes})
    assert conflict.status_code == 409, conflict.get_json()
    retry = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=body)
    assert retry.status_code == 200
    listing = client.get(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers).get_json()
    assert listing["total"] == 1


def test_sale_id_of_another_shop_is_a_conflict(client, shop, auth):
    owner, seller_id = shop
    other = auth.person()
    other_shop = open_shop(client, other)
    body = sale()
    client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=body)
    response = client.post(f"/api/v1/sellers/{other_shop}/sales", headers=other.headers, json=body)
    assert response.status_code == 409


@pytest.mark.parametrize(
    "changes, field",
    [({"occurred_on": "2026-12-25"}, "occurred_on"), ({"amount_vnd": 0}, "amount_vnd"),
     ({"channel": "market"}, "channel"), ({"id": "abc"}, "id"), ({"occurred_on": "01/11/2026"}, "occurred_on"),
     ({"product_id": str(uuid.uuid4())}, "product_id")],
)
def test_bad_sales_are_422(client, shop, clock, changes, field):
    owner, seller_id = shop
    response = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=sale(**changes))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_sales_filter_by_dates(client, shop, clock):
    owner, seller_id = shop
    for day in ("2026-10-01", "2026-10-15", "2026-11-01"):
        client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=sale(occurred_on=day))
    body = client.get(f"/api/v1/sellers/{seller_id}/sales?from=2026-10-10&to=2026-10-31",
                      headers=owner.headers).get_json()
    assert [s["occurred_on"] for s in body["items"]] == ["2026-10-15"]


def onboarding(client, owner, seller_id):
    return client.get(f"/api/v1/sellers/{seller_id}/onboarding", headers=owner.headers).get_json()


def test_activation_is_set_once_at_the_right_moment(client, shop, clock):
    owner, seller_id = shop
    product = listed_product(client, owner, seller_id)
    assert onboarding(client, owner, seller_id)["activated_at"] is None

    clock.advance(timedelta(hours=2))
    client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers,
                json={"channel": "zalo", "url": "https://zalo.me/0912345678"})
    activated = onboarding(client, owner, seller_id)["activated_at"]
    assert activated.startswith("2026-11-02T05:00:00")

    clock.advance(timedelta(days=3))
    client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=sale())
    client.patch(f"/api/v1/products/{product['id']}", headers=owner.headers, json={"status": "archived"})
    client.post(f"/api/v1/products/{product['id']}/publish", headers=owner.headers)
    assert onboarding(client, owner, seller_id)["activated_at"] == activated


def test_a_sale_without_a_published_photo_product_does_not_activate(client, shop, clock):
    owner, seller_id = shop
    listed_product(client, owner, seller_id, publish=False)
    client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=sale())
    assert onboarding(client, owner, seller_id)["activated_at"] is None


def test_onboarding_steps_for_products_payout_and_sales(client, shop, clock):
    owner, seller_id = shop
    steps = {s["key"]: s["done"] for s in onboarding(client, owner, seller_id)["steps"]}
    assert not any(steps[k] for k in ("payout", "first_product", "first_listing", "first_sale_or_channel"))

    listed_product(client, owner, seller_id)
    client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json=PAYOUT)
    client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers, json=sale())

    steps = {s["key"]: s for s in onboarding(client, owner, seller_id)["steps"]}
    for key in ("payout", "first_product", "first_listing", "first_sale_or_channel"):
        assert steps[key]["done"] and steps[key]["done_at"].startswith("2026-11-02"), key
    assert not steps["first_lesson"]["done"]
