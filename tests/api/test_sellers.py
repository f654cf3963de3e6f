"""Sellers: households and cooperatives, members, onboarding."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Seller, SellerMember

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


def invitations_of(client, person):
    return client.get("/api/v1/me/invitations", headers=person.headers).get_json()


def test_adding_a_member_by_phone_invites_and_reveals_nobody(client, auth, app):
    owner = auth.person()
    person = auth.person(full_name="Hoàng Thị Hoa")
    coop = create(client, owner, kind="cooperative", name="HTX Chè Shan tuyết").get_json()
    url = f"/api/v1/sellers/{coop['id']}/members"

    typed = "0" + person.phone[3:6] + " " + person.phone[6:9] + " " + person.phone[9:]
    added = client.post(url, headers=owner.headers, json={"phone": typed, "role": "manager"})
    again = client.post(url, headers=owner.headers, json={"phone": person.phone, "role": "manager"})

    assert (added.status_code, again.status_code) == (201, 200)
    body = added.get_json()
    assert body["status"] == "pending" and body["phone"] == person.phone
    assert body["user_id"] is None and body["full_name"] is None
    assert datetime.fromisoformat(body["added_at"]).tzinfo is not None  # ISO 8601 (SPEC §5), not an HTTP date
    assert "Hoàng" not in added.get_data(as_text=True)
    assert again.get_json()["invitation_id"] == body["invitation_id"]
    # Not a member until they say yes: nothing of the shop is theirs yet, nothing of theirs is the owner's.
    assert count(app, SellerMember) == 1
    assert client.get(f"/api/v1/sellers/{coop['id']}", headers=person.headers).status_code == 404
    pending = client.get(f"/api/v1/sellers/{coop['id']}/invitations", headers=owner.headers).get_json()
    assert [(i["phone"], i["status"], i["role"]) for i in pending["items"]] == [(person.phone, "pending", "manager")]


def test_the_invited_person_accepts_then_leaves_the_cooperative(client, auth):
    owner = auth.person()
    person = auth.person()
    coop = create(client, owner, kind="cooperative", name="HTX Miến dong").get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                json={"phone": person.phone, "role": "member"})

    [invitation] = invitations_of(client, person)
    assert invitation["kind"] == "cooperative"
    assert invitation["cooperative"]["name"] == "HTX Miến dong"
    accepted = client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)

    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert [s["id"] for s in client.get("/api/v1/me", headers=person.headers).get_json()["sellers"]] == [coop["id"]]
    members = client.get(f"/api/v1/sellers/{coop['id']}", headers=owner.headers).get_json()["members"]
    assert {(m["user_id"], m["role"]) for m in members} == {(owner.id, "owner"), (person.id, "member")}
    assert client.get(f"/api/v1/sellers/{coop['id']}/invitations", headers=owner.headers).get_json()["total"] == 0

    left = client.delete(f"/api/v1/sellers/{coop['id']}/members/{person.id}", headers=person.headers)
    assert left.status_code == 204
    assert client.get("/api/v1/me", headers=person.headers).get_json()["sellers"] == []
    assert client.get(f"/api/v1/sellers/{coop['id']}", headers=person.headers).status_code == 404


def test_declining_leaves_everything_as_it_was(client, auth, app):
    owner = auth.person()
    person = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers, json={"phone": person.phone})
    [invitation] = invitations_of(client, person)

    declined = client.post(f"/api/v1/me/invitations/{invitation['id']}/decline", headers=person.headers)

    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert count(app, SellerMember) == 1
    assert invitations_of(client, person) == []
    again = client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)
    assert again.status_code == 409


def test_the_owner_cannot_leave_and_members_cannot_remove_others(client, auth):
    owner = auth.person()
    first, second = auth.person(), auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    for person in (first, second):
        client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers, json={"phone": person.phone})
        [invitation] = invitations_of(client, person)
        client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)
    url = f"/api/v1/sellers/{coop['id']}/members"

    assert client.delete(f"{url}/{owner.id}", headers=owner.headers).status_code == 422
    assert client.delete(f"{url}/{second.id}", headers=first.headers).status_code == 403
    assert client.delete(f"{url}/{second.id}", headers=owner.headers).status_code == 204
    assert client.delete(f"{url}/{second.id}", headers=owner.headers).status_code == 404


def test_a_members_role_is_changed_by_adding_them_again(client, auth):
    owner = auth.person()
    person = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    url = f"/api/v1/sellers/{coop['id']}/members"
    client.post(url, headers=owner.headers, json={"phone": person.phone, "role": "member"})
    [invitation] = invitations_of(client, person)
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)

    changed = client.post(url, headers=owner.headers, json={"phone": person.phone, "role": "manager"})

    assert changed.status_code == 200
    assert (changed.get_json()["status"], changed.get_json()["role"]) == ("active", "manager")


def test_member_sees_the_cooperative_but_cannot_change_it(client, auth, app):
    owner = auth.person()
    member = auth.person()
    coop = create(client, owner, kind="cooperative", name="HTX Miến dong").get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                json={"phone": member.phone, "role": "member"})
    [invitation] = invitations_of(client, member)
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=member.headers)
    url = f"/api/v1/sellers/{coop['id']}"

    assert client.get(url, headers=member.headers).status_code == 200
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


def test_a_new_phone_invited_to_a_cooperative_signs_up_and_accepts(client, auth, settings):
    import json
    import re
    from pathlib import Path

    owner = auth.person()
    coop = create(client, owner, kind="cooperative").get_json()
    invited = client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers,
                          json={"phone": "0977 123 456"}).get_json()
    assert invited["status"] == "pending"

    client.post("/api/v1/auth/otp", json={"phone": "0977123456"})
    line = Path(settings["SMS_OUTBOX_PATH"]).read_text(encoding="utf-8").splitlines()[-1]
    code = re.search(r"\d{6}", json.loads(line)["body"]).group(0)
    signed_in = client.post("/api/v1/auth/verify", json={"phone": "0977123456", "code": code}).get_json()
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}

    assert signed_in["is_new"] is True and signed_in["user"]["sellers"] == []
    [invitation] = client.get("/api/v1/me/invitations", headers=headers).get_json()
    assert invitation["id"] == invited["invitation_id"]
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=headers)
    assert [s["id"] for s in client.get("/api/v1/me", headers=headers).get_json()["sellers"]] == [coop["id"]]


PAGE_OPTIONS = {"show_phone": True, "show_channels": True, "show_vietqr": True}


def test_what_product_pages_show_is_off_until_the_owner_turns_it_on(client, auth):
    owner = auth.person()
    seller = create(client, owner).get_json()
    assert {option: seller[option] for option in PAGE_OPTIONS} == dict.fromkeys(PAGE_OPTIONS, False)
    url = f"/api/v1/sellers/{seller['id']}"
    changed = client.patch(url, headers=owner.headers, json={"show_phone": True, "show_vietqr": True})
    assert changed.status_code == 200
    again = client.get(url, headers=owner.headers).get_json()
    assert (again["show_phone"], again["show_channels"], again["show_vietqr"], again["name"]) == (
        True, False, True, HOUSEHOLD["name"])
    assert client.patch(url, headers=owner.headers, json={"show_phone": "maybe"}).status_code == 422


def cooperative_with(client, auth, owner, role):
    """A cooperative of `owner` that a new person joined as `role`; (cooperative, that person)."""
    person = auth.person()
    coop = create(client, owner, kind="cooperative", name="HTX Miến dong").get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner.headers, json={"phone": person.phone, "role": role})
    [invitation] = invitations_of(client, person)
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)
    return coop, person


def helping_trainer(client, auth, app, owner):
    """A household enrolled by a trainer in person: (its shop, the trainer, who may help with products)."""
    from server.models import UnionBranch

    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
    trainer = auth.person("trainer", union=branch)
    cohort = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": "Lớp bán hàng online Nà Hang", "union_id": branch, "commune_codes": ["02221"],
        "starts_on": "2026-11-01", "track_slugs": ["getting-started"]}).get_json()
    member = client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=trainer.headers, json={
        "phone": "0912 111 222", "full_name": "Lò Thị Mai", "seller_kind": "household", "commune_code": "02221",
        "consent": {"version": "2025-1", "purposes": ["account", "training"]}}).get_json()
    return {"id": member["seller_id"]}, trainer


@pytest.mark.parametrize("who, status", [("manager", 403), ("member", 403), ("trainer", 403), ("stranger", 404)])
def test_only_the_owner_chooses_what_product_pages_show(client, auth, app, who, status):
    owner = auth.person()
    if who == "trainer":
        shop, person = helping_trainer(client, auth, app, owner)
    elif who == "stranger":
        shop, person = create(client, owner).get_json(), auth.person()
    else:
        shop, person = cooperative_with(client, auth, owner, who)
    url = f"/api/v1/sellers/{shop['id']}"
    response = client.patch(url, headers=person.headers, json=PAGE_OPTIONS)
    assert response.status_code == status
    assert response.get_json()["code"] == status
    with app.app_context():
        stored = db.session.get(Seller, shop["id"])
        assert (stored.show_phone, stored.show_channels, stored.show_vietqr) == (False, False, False)
