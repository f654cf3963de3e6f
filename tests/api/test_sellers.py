"""Sellers: households and cooperatives, members, onboarding."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Seller, SellerMember, User

HOUSEHOLD = {"kind": "household", "name": "Mật ong rừng Na Hang", "commune_code": "02221",
             "address": "Thôn Nà Mỏ", "description": "Mật ong rừng nguyên chất."}


def create(client, person, **changes):
    return client.post("/api/v1/sellers", headers=person.headers, json={**HOUSEHOLD, **changes})


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_household(client, auth):
    owner = auth.person()
    response = create(client, owner)
    assert response.status_code == 201
    seller = response.get_json()
    assert seller["owner_id"] == owner.id
    assert seller["commune_name"] == "Xã Nà Hang"
    assert seller["province_code"] == "08"
    assert [(m["user_id"], m["role"]) for m in seller["members"]] == [(owner.id, "owner")]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"commune_code": "99999"}, "commune_code"),
        ({"commune_code": "abc"}, "commune_code"),
        ({"kind": "company"}, "kind"),
        ({"name": "M"}, "name"),
        ({"name": "M" * 121}, "name"),
        ({"address": "a" * 256}, "address"),
        ({"description": "d" * 2001}, "description"),
    ],
)
def test_bad_seller_is_422_and_nothing_is_written(client, auth, app, changes, field):
    owner = auth.person()
    response = create(client, owner, **changes)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count(app, Seller) == 0 and count(app, SellerMember) == 0


def test_unknown_commune_message_is_localized(client, auth):
    owner = auth.person()
    response = client.post("/api/v1/sellers", headers={**owner.headers, "Accept-Language": "en"},
                           json={**HOUSEHOLD, "commune_code": "99999"})
    assert response.get_json()["errors"] == {"commune_code": ["Unknown commune code."]}


def test_owner_reads_and_changes_the_shop(client, auth):
    owner = auth.person()
    seller = create(client, owner).get_json()
    assert client.get(f"/api/v1/sellers/{seller['id']}", headers=owner.headers).status_code == 200
    response = client.patch(f"/api/v1/sellers/{seller['id']}", headers=owner.headers,
                            json={"name": "Mật ong bạc hà", "commune_code": "00070"})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["province_code"]) == ("Mật ong bạc hà", "01")


def test_someone_elses_shop_is_404(client, auth):
    seller = create(client, auth.person()).get_json()
    stranger = auth.person()
    url = f"/api/v1/sellers/{seller['id']}"
    assert client.get(url, headers=stranger.headers).status_code == 404
    assert client.patch(url, headers=stranger.headers, json={"name": "Của tôi"}).status_code == 404
    assert client.get(f"{url}/onboarding", headers=stranger.headers).status_code == 404
    assert client.get("/api/v1/sellers/987654", headers=stranger.headers).status_code == 404


def test_cooperative_members_by_phone(client, auth, app):
    owner = auth.person()
    coop = create(client, owner, kind="cooperative", name="HTX Chè Shan tuyết").get_json()
    url = f"/api/v1/sellers/{coop['id']}/members"

    added = client.post(url, headers=owner.headers, json={"phone": "0987 654 321", "role": "manager"})
    again = client.post(url, headers=owner.headers, json={"phone": "+84987654321", "role": "member"})

    assert added.status_code == 201
    assert added.get_json()["phone"] == "+84987654321"
    assert again.status_code == 200
    assert again.get_json()["role"] == "member"
    assert count(app, SellerMember) == 2
    assert count(app, User) == 2


def test_member_signs_in_and_sees_the_cooperative_but_cannot_change_it(client, auth, app):
    owner = auth.person()
    member = auth.person()
    coop = create(client, owner, kind="cooperative", name="HTX Miến dong").get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                json={"phone": member.phone, "role": "member"})
    url = f"/api/v1/sellers/{coop['id']}"

    assert client.get(url, headers=member.headers).status_code == 200
    assert [s["id"] for s in client.get("/api/v1/me", headers=member.headers).get_json()["sellers"]] == [coop["id"]]
    assert client.patch(url, headers=member.headers, json={"name": "Đổi tên"}).status_code == 403
    assert client.post(f"{url}/members", headers=member.headers,
                       json={"phone": "0911111111"}).status_code == 403


@pytest.mark.parametrize(
    "payload, status",
    [({"phone": "02438253555"}, 422), ({"phone": "0987654321", "role": "owner"}, 422), ({}, 422)],
)
def test_bad_members_are_422(client, auth, payload, status):
    owner = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    response = client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers, json=payload)
    assert response.status_code == status


def test_households_have_no_members(client, auth):
    owner = auth.person()
    seller = create(client, owner).get_json()
    response = client.post(f"/api/v1/sellers/{seller['id']}/members", headers=owner.headers,
                           json={"phone": "0987654321"})
    assert response.status_code == 422


def test_owner_cannot_be_added_again(client, auth):
    owner = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    response = client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                           json={"phone": owner.phone, "role": "member"})
    assert response.status_code == 422


def steps(client, person, seller_id):
    body = client.get(f"/api/v1/sellers/{seller_id}/onboarding", headers=person.headers).get_json()
    return body, {step["key"]: step for step in body["steps"]}


def test_onboarding_follows_real_state(client, auth, clock):
    owner = auth.person(full_name=None)
    seller = create(client, owner).get_json()

    body, by_key = steps(client, owner, seller["id"])
    assert [s["key"] for s in body["steps"]] == [
        "phone_verified", "consent", "profile", "shop", "payout", "first_product",
        "first_listing", "first_lesson", "first_sale_or_channel",
    ]
    assert {k for k, s in by_key.items() if s["done"]} == {"phone_verified", "shop"}
    assert body["percent"] == 22
    assert body["activated_at"] is None
    assert by_key["consent"]["done_at"] is None

    client.post("/api/v1/me/consent", headers=owner.headers, json={"version": "2025-1", "purposes": ["account"]})
    client.patch("/api/v1/me", headers=owner.headers, json={"full_name": "Lò Thị Mai"})

    body, by_key = steps(client, owner, seller["id"])
    assert {k for k, s in by_key.items() if s["done"]} == {"phone_verified", "shop", "consent", "profile"}
    assert body["percent"] == 44
    assert by_key["consent"]["done_at"].startswith("2026-11-02T03:00:00")


def test_an_invited_member_owns_the_account_at_first_sign_in(client, auth, settings):
    import json
    import re
    from pathlib import Path

    owner = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    invited = client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                          json={"phone": "0977 123 456"}).get_json()

    client.post("/api/v1/auth/otp", json={"phone": "0977123456"})
    line = Path(settings["SMS_OUTBOX_PATH"]).read_text(encoding="utf-8").splitlines()[-1]
    code = re.search(r"\d{6}", json.loads(line)["body"]).group(0)
    signed_in = client.post("/api/v1/auth/verify", json={"phone": "0977123456", "code": code}).get_json()

    assert signed_in["is_new"] is True
    assert signed_in["user"]["id"] == invited["user_id"]
    assert [s["id"] for s in signed_in["user"]["sellers"]] == [coop["id"]]
