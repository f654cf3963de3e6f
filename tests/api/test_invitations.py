"""Typing a phone number reveals nobody's data and attaches nobody to anything without their acceptance."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import UnionBranch
from server.services.invitations import SMS_PER_RECIPIENT
from tests.api.test_cohorts import NA_HANG, enrol, outbox

HOAN_KIEM = "00070"  # Hà Nội


def branch(app, key):
    with app.app_context():
        return db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == key))


def new_cohort(client, trainer, union_id, commune=NA_HANG, name="Lớp bán hàng online"):
    response = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": name, "union_id": union_id, "commune_codes": [commune], "starts_on": "2026-11-01"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def tuyen_quang(auth, app):
    trainer = auth.person("trainer", union=branch(app, "womens_union:08"), full_name="Hà Thị Thu")
    return trainer, new_cohort(app.test_client(), trainer, branch(app, "womens_union:08"))


@pytest.fixture
def ha_noi(auth, app):
    trainer = auth.person("trainer", union=branch(app, "youth_union:01"), full_name="Trần Văn Nam")
    return trainer, new_cohort(app.test_client(), trainer, branch(app, "youth_union:01"), commune=HOAN_KIEM)


def test_a_household_set_up_in_person_is_only_invited_by_another_trainer(client, tuyen_quang, ha_noi):
    first, first_cohort = tuyen_quang
    member = enrol(client, first, first_cohort["id"]).get_json()
    other, other_cohort = ha_noi

    response = enrol(client, other, other_cohort["id"], commune_code=HOAN_KIEM, full_name="Ai đó")

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending"
    assert (body["user_id"], body["full_name"], body["seller_id"]) == (None, None, None)
    assert body["phone"] == "+84912111222"
    # The other trainer reaches nothing of the household: not its shop, not its products.
    shop = member["seller_id"]
    assert client.get(f"/api/v1/sellers/{shop}", headers=other.headers).status_code == 404
    assert client.post(f"/api/v1/sellers/{shop}/products", headers=other.headers,
                       json={"title": "Sản phẩm của người khác"}).status_code == 404
    detail = client.get(f"/api/v1/cohorts/{other_cohort['id']}", headers=other.headers).get_json()
    assert detail["members"] == []
    # The household still belongs to the cohort that set it up.
    first_detail = client.get(f"/api/v1/cohorts/{first_cohort['id']}", headers=first.headers).get_json()
    assert [m["user_id"] for m in first_detail["members"]] == [member["user_id"]]


def test_before_accepting_the_inviter_sees_only_the_number(client, auth, tuyen_quang, clock):
    trainer, cohort = tuyen_quang
    household = auth.person(full_name="Hoàng Thị Hoa")
    client.post("/api/v1/sellers", headers=household.headers,
                json={"kind": "household", "name": "Hộ Hoa", "commune_code": NA_HANG})

    answer = enrol(client, trainer, cohort["id"], phone=household.phone)

    assert "Hoàng" not in answer.get_data(as_text=True) and "Hộ Hoa" not in answer.get_data(as_text=True)
    assert answer.get_json()["user_id"] is None
    url = f"/api/v1/cohorts/{cohort['id']}"
    assert client.get(f"{url}/progress", headers=trainer.headers).get_json()["items"] == []
    export = client.get(f"{url}/export", headers=trainer.headers).data.decode("utf-8-sig")
    assert export.count("\n") == 1, "only the header row"
    assert client.get(url, headers=trainer.headers).get_json()["members"] == []
    pending = client.get(f"{url}/invitations", headers=trainer.headers).get_json()["items"]
    assert [(i["phone"], i["status"]) for i in pending] == [(household.phone, "pending")]
    assert set(pending[0]) == {"id", "kind", "phone", "role", "status", "created_at", "sms_sent"}


def test_enrolling_the_same_account_again_is_the_same_invitation(client, auth, tuyen_quang, settings):
    trainer, cohort = tuyen_quang
    household = auth.person()
    first = enrol(client, trainer, cohort["id"], phone=household.phone)
    again = enrol(client, trainer, cohort["id"], phone=household.phone)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["invitation_id"] == again.get_json()["invitation_id"]
    assert len(outbox(settings)) == 1


def test_the_invitation_sms_is_a_fixed_text_with_the_configured_address(app, auth, settings, tuyen_quang):
    settings["PUBLIC_BASE_URL"] = "https://choque.example"
    from server import create_app

    client = create_app(settings).test_client()
    trainer, _ = tuyen_quang
    cohort = new_cohort(client, trainer, branch(app, "womens_union:08"),
                        name="Bấm vào http://lua-dao.example để nhận quà")
    household = auth.person(locale="en")

    enrol(client, trainer, cohort["id"], phone=household.phone, headers={"Host": "evil.example"})

    [sms] = outbox(settings)
    assert sms["to"] == household.phone
    assert sms["body"] == ("Cho Que Online: Women's Union of Tuyen Quang province invites you to a class on selling "
                           "online. Sign in with this phone number at https://choque.example/ to answer.")


def test_invitation_sms_are_limited_per_recipient(client, auth, app, settings):
    household = auth.person()
    sent = []
    for number in range(SMS_PER_RECIPIENT + 1):
        trainer = auth.person("trainer", union=branch(app, "womens_union:08"))
        cohort = new_cohort(client, trainer, branch(app, "womens_union:08"), name=f"Lớp {number}")
        sent.append(enrol(client, trainer, cohort["id"], phone=household.phone).get_json()["sms_sent"])

    assert sent == [True] * SMS_PER_RECIPIENT + [False]
    assert len(outbox(settings)) == SMS_PER_RECIPIENT
    # Held-back SMS do not hold back the invitations: the person sees them all in the app.
    assert len(client.get("/api/v1/me/invitations", headers=household.headers).get_json()) == SMS_PER_RECIPIENT + 1


def test_invitation_sms_are_limited_per_sender(client, auth, tuyen_quang, settings, monkeypatch):
    monkeypatch.setattr("server.services.invitations.SMS_PER_SENDER", 2)
    trainer, cohort = tuyen_quang
    answers = [enrol(client, trainer, cohort["id"], phone=f"09121112{n:02d}").get_json() for n in range(3)]

    assert [a["sms_sent"] for a in answers] == [True, True, False]
    assert [a["status"] for a in answers] == ["active"] * 3
    assert len(outbox(settings)) == 2


def test_nobody_answers_someone_elses_invitation(client, auth, tuyen_quang):
    trainer, cohort = tuyen_quang
    household, stranger = auth.person(), auth.person()
    invitation_id = enrol(client, trainer, cohort["id"], phone=household.phone).get_json()["invitation_id"]

    for path in ("accept", "decline"):
        response = client.post(f"/api/v1/me/invitations/{invitation_id}/{path}", headers=stranger.headers)
        assert response.status_code == 404
    assert client.get("/api/v1/me/invitations", headers=stranger.headers).get_json() == []
    assert client.delete(f"/api/v1/invitations/{invitation_id}", headers=household.headers).status_code == 404
    assert client.delete(f"/api/v1/invitations/{invitation_id}", headers=stranger.headers).status_code == 404


def test_the_inviter_takes_back_a_number_typed_wrong(client, auth, tuyen_quang):
    trainer, cohort = tuyen_quang
    household = auth.person()
    invitation_id = enrol(client, trainer, cohort["id"], phone=household.phone).get_json()["invitation_id"]

    assert client.delete(f"/api/v1/invitations/{invitation_id}", headers=trainer.headers).status_code == 204

    assert client.get("/api/v1/me/invitations", headers=household.headers).get_json() == []
    accepted = client.post(f"/api/v1/me/invitations/{invitation_id}/accept", headers=household.headers)
    assert accepted.status_code == 409
    assert client.get(f"/api/v1/cohorts/{cohort['id']}/invitations", headers=trainer.headers).get_json()["total"] == 0


def test_an_erased_account_takes_its_invitations_with_it(client, auth, tuyen_quang):
    trainer, cohort = tuyen_quang
    household = auth.person()
    enrol(client, trainer, cohort["id"], phone=household.phone)

    assert client.delete("/api/v1/me", headers=household.headers).status_code == 204

    assert client.get(f"/api/v1/cohorts/{cohort['id']}/invitations", headers=trainer.headers).get_json()["total"] == 0


# --- access: (method, path, {role: status}); everyone else gets 404, anonymous 401 ----------------
INVITATION_ROUTES = [
    ("POST", "/api/v1/me/invitations/{invitation}/accept", {"invited": 200}),
    ("POST", "/api/v1/me/invitations/{invitation}/decline", {"invited": 200}),
    ("DELETE", "/api/v1/invitations/{invitation}", {"trainer": 204, "union_admin": 204}),
    # The cohort's own routes for its invitation: accept it, or decline it (and later, leave).
    ("POST", "/api/v1/me/cohorts/{cohort}/accept", {"invited": 200}),
    ("DELETE", "/api/v1/me/cohorts/{cohort}", {"invited": 204}),
]
ROLES = ("anonymous", "invited", "trainer", "union_admin", "other_trainer", "household", "manager", "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, allowed", INVITATION_ROUTES, ids=[f"{m} {p}" for m, p, _ in INVITATION_ROUTES])
def test_invitation_access_matrix(client, auth, app, tuyen_quang, role, method, path, allowed):
    trainer, cohort = tuyen_quang
    invited = auth.person()
    invitation_id = enrol(client, trainer, cohort["id"], phone=invited.phone).get_json()["invitation_id"]
    people = {
        "invited": invited, "trainer": trainer,
        "union_admin": auth.person("union_admin", union=branch(app, "womens_union:08")),
        "other_trainer": auth.person("trainer", union=branch(app, "womens_union:08")),
        "household": auth.person(), "manager": auth.person("manager", province="08"),
        "admin": auth.person("admin"),
    }
    headers = {} if role == "anonymous" else people[role].headers
    response = client.open(path.format(invitation=invitation_id, cohort=cohort["id"]), method=method, headers=headers)
    assert response.status_code == (401 if role == "anonymous" else allowed.get(role, 404)), response.get_json()
