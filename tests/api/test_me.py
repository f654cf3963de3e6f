"""GET/PATCH/DELETE /me, consent and export."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.me import MeSchema, me_view
from server.extensions import db
from server.models import AuditEvent, Seller, User


def test_me_shows_profile_roles_and_shops(client, auth):
    person = auth.person(full_name="Lò Thị Mai")
    client.post("/api/v1/sellers", headers=person.headers,
                json={"kind": "household", "name": "Mật ong Na Hang", "commune_code": "02221"})
    me = client.get("/api/v1/me", headers=person.headers).get_json()
    assert me["id"] == person.id
    assert me["phone"] == person.phone
    assert me["full_name"] == "Lò Thị Mai"
    assert me["roles"] == ["seller"]
    assert [(s["name"], s["kind"], s["commune_code"]) for s in me["sellers"]] == [
        ("Mật ong Na Hang", "household", "02221")
    ]


def test_staff_roles_are_listed(client, auth):
    manager = auth.person("manager", province="01")
    assert client.get("/api/v1/me", headers=manager.headers).get_json()["roles"] == ["manager"]


def test_patch_profile(client, auth):
    person = auth.person(full_name=None)
    response = client.patch("/api/v1/me", headers=person.headers,
                            json={"full_name": "  Hoàng Văn Nam ", "locale": "en", "gender": "male"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["full_name"], body["locale"], body["gender"]) == ("Hoàng Văn Nam", "en", "male")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 101}, "full_name"),
        ({"locale": "fr"}, "locale"),
        ({"gender": "robot"}, "gender"),
        ({"phone": "+84900000000"}, "phone"),
    ],
)
def test_bad_profile_changes_are_422_and_change_nothing(client, auth, change, field):
    person = auth.person(full_name="Tên cũ")
    response = client.patch("/api/v1/me", headers=person.headers, json=change)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert client.get("/api/v1/me", headers=person.headers).get_json()["full_name"] == "Tên cũ"


def test_saved_language_wins_over_the_phone_setting(client, auth):
    person = auth.person()
    client.patch("/api/v1/me", headers=person.headers, json={"locale": "en"})
    response = client.patch("/api/v1/me", headers={**person.headers, "Accept-Language": "vi"},
                            json={"gender": "robot"})
    assert response.get_json()["message"] == "Some of the information is not valid. Please check and try again."


def test_consent_is_recorded_with_who_and_when(client, auth, clock):
    person = auth.person()
    response = client.post("/api/v1/me/consent", headers=person.headers,
                           json={"version": "2025-1", "purposes": ["account", "training", "account"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == "2025-1"
    assert body["purposes"] == ["account", "training"]
    assert body["recorded_by_id"] == person.id
    assert body["on_behalf"] is False
    assert body["recorded_at"].startswith("2026-11-02T03:00:00")


@pytest.mark.parametrize(
    "payload",
    [{"version": "2025-1", "purposes": []}, {"version": "2025-1", "purposes": ["selling_my_soul"]},
     {"purposes": ["account"]}, {"version": "x" * 21, "purposes": ["account"]}],
)
def test_bad_consent_is_422(client, auth, payload):
    person = auth.person()
    assert client.post("/api/v1/me/consent", headers=person.headers, json=payload).status_code == 422


def test_export_holds_my_data(client, auth):
    person = auth.person(full_name="Lò Thị Mai")
    client.post("/api/v1/me/consent", headers=person.headers, json={"version": "2025-1", "purposes": ["account"]})
    client.post("/api/v1/sellers", headers=person.headers,
                json={"kind": "household", "name": "Chè Shan tuyết", "commune_code": "02221",
                      "address": "Thôn Nà Mỏ"})
    export = client.get("/api/v1/me/export", headers=person.headers).get_json()
    assert export["user"]["phone"] == person.phone
    assert export["user"]["full_name"] == "Lò Thị Mai"
    assert [c["version"] for c in export["consents"]] == ["2025-1"]
    assert export["sellers"][0]["address"] == "Thôn Nà Mỏ"
    # Whether the shop's product pages show the phone is part of what is held about the person.
    assert export["sellers"][0]["show_phone"] is False
    assert {"account.consent_recorded", "seller.created"} <= {e["action"] for e in export["activity"]}


def test_export_does_not_include_other_people(client, auth):
    me = auth.person(full_name="Người A")
    other = auth.person(full_name="Người B")
    client.post("/api/v1/sellers", headers=other.headers,
                json={"kind": "household", "name": "Gạo nếp cái hoa vàng", "commune_code": "02221"})
    export = client.get("/api/v1/me/export", headers=me.headers).get_json()
    assert "Người B" not in str(export) and "Gạo nếp" not in str(export)


def test_erasure_keeps_anonymous_counts(client, auth, app):
    person = auth.person(full_name="Lò Thị Mai", gender="female")
    seller = client.post("/api/v1/sellers", headers=person.headers,
                         json={"kind": "household", "name": "Mật ong", "commune_code": "02221",
                               "address": "Thôn 3", "description": "Mật ong rừng"}).get_json()

    assert client.delete("/api/v1/me", headers=person.headers).status_code == 204

    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.phone, user.full_name) == (None, None)
        assert user.gender == "female"
        shop = db.session.get(Seller, seller["id"])
        assert (shop.name, shop.address, shop.description) == ("—", None, None)
        assert (shop.kind, shop.commune_code) == ("household", "02221")
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_user_id == person.id)).all()
        assert "account.erased" in actions


def test_export_includes_learning(client, auth):
    import uuid

    person = auth.person()
    client.post("/api/v1/lessons/what-is-selling-online/attempts", headers=person.headers,
                json={"id": str(uuid.uuid4()), "answers": {}})
    export = client.get("/api/v1/me/export", headers=person.headers).get_json()
    assert [a["lesson"] for a in export["quiz_attempts"]] == ["what-is-selling-online"]
    assert [p["lesson"] for p in export["learning"]] == ["what-is-selling-online"]


def test_answers_vary_by_language_and_user(client):
    response = client.get("/api/v1/provinces")
    assert {"Accept-Language", "Authorization"} <= set(response.vary)


def test_export_and_erasure_cover_bank_details_and_links(client, auth, app):
    from server.models import Channel, OtpChallenge, PayoutAccount

    person = auth.person()
    shop = client.post("/api/v1/sellers", headers=person.headers,
                       json={"kind": "household", "name": "Hộ Mai", "commune_code": "02221"}).get_json()
    client.put(f"/api/v1/sellers/{shop['id']}/payout", headers=person.headers,
               json={"bank_bin": "970405", "account_number": "123456789", "account_name": "Nguyen Thi Mai"})
    client.post(f"/api/v1/sellers/{shop['id']}/channels", headers=person.headers,
                json={"channel": "facebook", "url": "https://facebook.com/nguyen.thi.mai"})
    client.post("/api/v1/auth/otp", json={"phone": person.phone})
    export = client.get("/api/v1/me/export", headers=person.headers).get_json()
    assert export["payout_accounts"][0]["account_number"] == "123456789"
    assert export["channels"][0]["url"] == "https://facebook.com/nguyen.thi.mai"

    client.delete("/api/v1/me", headers=person.headers)
    with app.app_context():
        for model in (PayoutAccount, Channel, OtpChallenge):
            assert db.session.scalars(select(model)).all() == [], model.__name__


def test_staff_see_where_their_roles_apply(client, auth, app):
    from sqlalchemy import select

    from server.extensions import db
    from server.models import UnionBranch

    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
    trainer = auth.person("trainer", union=branch)
    manager = auth.person("manager", province="01")
    household = auth.person()

    assert client.get("/api/v1/me", headers=trainer.headers).get_json()["scopes"] == [{
        "role": "trainer", "union_id": branch, "union_name": "Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang",
        "province_code": "08"}]
    assert client.get("/api/v1/me", headers=manager.headers).get_json()["scopes"] == [{
        "role": "manager", "union_id": None, "union_name": None, "province_code": "01"}]
    assert client.get("/api/v1/me", headers=household.headers).get_json()["scopes"] == []


def test_the_consent_text_is_in_the_language_asked_for(client):
    vietnamese = client.get("/api/v1/consent").get_json()
    english = client.get("/api/v1/consent", headers={"Accept-Language": "en"}).get_json()
    assert vietnamese["version"] == english["version"] == "2025-1"
    assert [p["code"] for p in vietnamese["purposes"]] == [
        "account", "training", "listing", "programme_statistics", "sms"]
    assert english["title"] == "How Chợ Quê Online uses your personal data"
    assert vietnamese["title"].startswith("Chợ Quê Online dùng dữ liệu")


def test_me_shows_the_latest_consent(client, auth):
    person = auth.person()
    assert client.get("/api/v1/me", headers=person.headers).get_json()["consent"] is None
    client.post("/api/v1/me/consent", headers=person.headers, json={"version": "2025-1", "purposes": ["account"]})
    consent = client.get("/api/v1/me", headers=person.headers).get_json()["consent"]
    assert (consent["version"], consent["purposes"], consent["on_behalf"]) == ("2025-1", ["account"], False)


def test_me_lists_every_shop_once_with_the_latest_consent(client, auth, clock):
    """The shops and the consent come in one read: no shop and no consent, then two shops and two
    consents, each shop once, by id, beside the consent recorded last; the answer is what MeSchema writes."""
    person = auth.person()
    me = client.get("/api/v1/me", headers=person.headers).get_json()
    assert (me["sellers"], me["consent"]) == ([], None)
    for name in ("Mật ong Na Hang", "Chè Shan tuyết"):
        client.post("/api/v1/sellers", headers=person.headers,
                    json={"kind": "household", "name": name, "commune_code": "02221"})
    for version in ("2025-1", "2025-2"):
        client.post("/api/v1/me/consent", headers=person.headers, json={"version": version, "purposes": ["account"]})
        clock.advance(timedelta(minutes=1))
    response = client.get("/api/v1/me", headers=person.headers)
    me = response.get_json()
    assert [s["name"] for s in me["sellers"]] == ["Mật ong Na Hang", "Chè Shan tuyết"]
    assert me["sellers"][0]["id"] < me["sellers"][1]["id"]
    assert me["consent"]["version"] == "2025-2"
    with client.application.test_request_context():
        user = db.session.get(User, person.id)
        assert response.data == client.application.json.dumps(MeSchema().dump(me_view(user))).encode() + b"\n"
