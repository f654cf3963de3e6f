"""Cohorts: creation, assisted enrolment with consent on behalf, attendance, export, access."""

import csv
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from server.extensions import db
from server.models import Consent, Seller, UnionBranch, User

CONSENT = {"version": "2025-1", "purposes": ["account", "training"]}
NA_HANG, THUONG_LAM = "02221", "02203"


def branch_id(app, key):
    with app.app_context():
        return db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == key))


@pytest.fixture
def cohort(client, trainer, branch):
    response = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": "Lớp bán hàng online Nà Hang khóa 1", "union_id": branch, "commune_codes": [NA_HANG],
        "starts_on": "2026-11-01", "track_slugs": ["getting-started", "product-photos"]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def enrol(client, person, cohort_id, phone="0912 111 222", headers=None, **fields):
    body = {"phone": phone, "full_name": "Lò Thị Mai", "seller_kind": "household",
            "commune_code": NA_HANG, "consent": CONSENT, **fields}
    return client.post(f"/api/v1/cohorts/{cohort_id}/members", headers={**person.headers, **(headers or {})},
                       json=body)


def outbox(settings):
    path = Path(settings["SMS_OUTBOX_PATH"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_trainer_creates_and_runs_a_cohort(client, trainer, cohort):
    assert cohort["trainers"][0]["user_id"] == trainer.id
    assert cohort["commune_codes"] == [NA_HANG]
    assert cohort["union_name"] == "Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang"
    listing = client.get("/api/v1/cohorts", headers=trainer.headers).get_json()
    assert [c["id"] for c in listing["items"]] == [cohort["id"]] and listing["total"] == 1


@pytest.mark.parametrize(
    "change, field",
    [({"commune_codes": ["00070"]}, "commune_codes"), ({"commune_codes": ["99999"]}, "commune_codes"),
     ({"commune_codes": []}, "commune_codes"), ({"track_slugs": ["no-such-track"]}, "track_slugs"),
     ({"ends_on": "2026-10-01"}, "ends_on"), ({"name": ""}, "name")],
)
def test_bad_cohorts_are_422(client, trainer, branch, app, change, field):
    body = {"name": "Lớp A", "union_id": branch, "commune_codes": [NA_HANG], "starts_on": "2026-11-01", **change}
    response = client.post("/api/v1/cohorts", headers=trainer.headers, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_cohorts_only_for_ones_own_branch(client, trainer, app):
    other_branch = branch_id(app, "youth_union:08")
    response = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": "Lớp B", "union_id": other_branch, "commune_codes": [NA_HANG], "starts_on": "2026-11-01"})
    assert response.status_code == 403


def test_sellers_and_managers_cannot_create_cohorts(client, auth, branch):
    for person in (auth.person(), auth.person("manager", province="08")):
        response = client.post("/api/v1/cohorts", headers=person.headers, json={
            "name": "Lớp C", "union_id": branch, "commune_codes": [NA_HANG], "starts_on": "2026-11-01"})
        assert response.status_code == 403
        assert client.get("/api/v1/cohorts", headers=person.headers).status_code == 403


def test_enrolling_a_new_phone_creates_user_seller_and_consent_on_behalf(client, trainer, cohort, app, settings):
    response = enrol(client, trainer, cohort["id"])
    assert response.status_code == 201
    member = response.get_json()
    assert member["status"] == "active"
    assert member["phone"] == "+84912111222" and member["full_name"] == "Lò Thị Mai"
    assert member["seller_id"] and member["sms_sent"] is True

    with app.app_context():
        consent = db.session.scalars(select(Consent).where(Consent.user_id == member["user_id"])).one()
        assert (consent.recorded_by_id, consent.on_behalf, consent.version) == (trainer.id, True, "2025-1")
        seller = db.session.get(Seller, member["seller_id"])
        assert (seller.kind, seller.commune_code, seller.owner_id) == ("household", NA_HANG, member["user_id"])
    [sms] = outbox(settings)
    assert sms["to"] == "+84912111222"
    # A fixed text: the branch and the app's address, nothing the trainer typed (no cohort name).
    assert sms["body"] == ("Cho Que Online: Hoi Lien hiep Phu nu tinh Tuyen Quang da tao tai khoan ban hang "
                           "cho ban. Dang nhap bang so dien thoai nay tai http://localhost/ de bat dau.")


def test_enrolling_twice_creates_nothing_new(client, trainer, cohort, app, settings):
    first = enrol(client, trainer, cohort["id"])
    again = enrol(client, trainer, cohort["id"], phone="+84912111222", full_name="Tên khác")
    assert again.status_code == 200
    assert again.get_json()["user_id"] == first.get_json()["user_id"]
    assert (count(app, User), count(app, Seller), count(app, Consent)) == (2, 1, 1)
    assert len(outbox(settings)) == 1
    detail = client.get(f"/api/v1/cohorts/{cohort['id']}", headers=trainer.headers).get_json()
    assert len(detail["members"]) == 1


def test_a_person_with_an_account_is_invited_and_joins_with_their_own_shop(client, trainer, cohort, auth, app):
    household = auth.person(full_name="Hoàng Thị Hoa")
    own_shop = client.post("/api/v1/sellers", headers=household.headers,
                           json={"kind": "cooperative", "name": "HTX Hoa", "commune_code": NA_HANG}).get_json()

    invited = enrol(client, trainer, cohort["id"], phone=household.phone, full_name="Tên trainer gõ")

    assert invited.status_code == 201
    assert invited.get_json()["status"] == "pending" and invited.get_json()["user_id"] is None
    [invitation] = client.get("/api/v1/me/invitations", headers=household.headers).get_json()
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=household.headers)
    detail = client.get(f"/api/v1/cohorts/{cohort['id']}", headers=trainer.headers).get_json()
    assert [(m["user_id"], m["seller_id"]) for m in detail["members"]] == [(household.id, own_shop["id"])]
    me = client.get("/api/v1/me", headers=household.headers).get_json()
    assert me["full_name"] == "Hoàng Thị Hoa"


def test_the_invited_person_signs_in_and_the_account_is_theirs(client, trainer, cohort, settings):
    member = enrol(client, trainer, cohort["id"]).get_json()
    client.post("/api/v1/auth/otp", json={"phone": "0912111222"})
    code = re.search(r"\b\d{6}\b", outbox(settings)[-1]["body"]).group(0)
    signed_in = client.post("/api/v1/auth/verify", json={"phone": "0912111222", "code": code}).get_json()
    assert signed_in["is_new"] is True
    assert signed_in["user"]["id"] == member["user_id"]
    assert [s["id"] for s in signed_in["user"]["sellers"]] == [member["seller_id"]]
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    mine = client.get("/api/v1/me/cohorts", headers=headers).get_json()
    assert [c["name"] for c in mine] == ["Lớp bán hàng online Nà Hang khóa 1"]
    assert mine[0]["trainers"][0]["full_name"] == "Hà Thị Thu"
    assert "members" not in mine[0]
    onboarding = client.get(f"/api/v1/sellers/{member['seller_id']}/onboarding", headers=headers).get_json()
    done = {s["key"] for s in onboarding["steps"] if s["done"]}
    assert {"phone_verified", "consent", "profile", "shop"} <= done


@pytest.mark.parametrize(
    "change, field",
    [({"phone": "02438253555"}, "phone"), ({"commune_code": "99999"}, "commune_code"),
     ({"consent": {"version": "1", "purposes": []}}, "consent"), ({"seller_kind": "company"}, "seller_kind")],
)
def test_bad_enrolment_is_422_and_writes_nothing(client, trainer, cohort, app, change, field):
    response = enrol(client, trainer, cohort["id"], **change)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count(app, User) == 1 and count(app, Seller) == 0


def test_remove_member(client, trainer, cohort):
    member = enrol(client, trainer, cohort["id"]).get_json()
    url = f"/api/v1/cohorts/{cohort['id']}/members/{member['user_id']}"
    assert client.delete(url, headers=trainer.headers).status_code == 204
    assert client.delete(url, headers=trainer.headers).status_code == 404


def session(**changes):
    return {"id": str(uuid.uuid4()), "held_on": "2026-11-05", "topic": "Chụp ảnh sản phẩm",
            "lesson_slugs": [], "attendee_ids": [], **changes}


def test_attendance_is_idempotent(client, trainer, cohort):
    member = enrol(client, trainer, cohort["id"]).get_json()
    body = session(attendee_ids=[member["user_id"]])
    url = f"/api/v1/cohorts/{cohort['id']}/sessions"
    first = client.post(url, headers=trainer.headers, json=body)
    retry = client.post(url, headers=trainer.headers, json=body)
    conflict = client.post(url, headers=trainer.headers, json={**body, "topic": "Khác"})
    assert (first.status_code, retry.status_code, conflict.status_code) == (201, 200, 409)
    assert retry.get_json() == first.get_json()
    assert client.get(url, headers=trainer.headers).get_json()["total"] == 1


def test_attendees_must_be_members(client, trainer, cohort, auth):
    stranger = auth.person()
    response = client.post(f"/api/v1/cohorts/{cohort['id']}/sessions", headers=trainer.headers,
                           json=session(attendee_ids=[stranger.id]))
    assert response.status_code == 422


def test_export_columns(client, trainer, cohort):
    enrol(client, trainer, cohort["id"])
    response = client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=csv", headers=trainer.headers)
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Họ tên", "Số điện thoại", "Xã/phường", "Hoàn thành hồ sơ (%)", "Số bài đã học",
                       "Hoạt động gần nhất", "Ngày kích hoạt", "Cần hỗ trợ", "Lý do", "Số buổi tham dự"]
    assert rows[1][:3] == ["Lò Thị Mai", "0912 111 222", "Xã Nà Hang"]

    xlsx = client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=xlsx",
                      headers={**trainer.headers, "Accept-Language": "en"})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:3] == ["Full name", "Phone", "Commune/ward"]
    assert sheet.max_row == 2


def test_union_admin_assigns_trainers_of_the_branch(client, auth, branch, cohort, trainer):
    admin = auth.person("union_admin", union=branch)
    second = auth.person("trainer", union=branch)
    outsider = auth.person("trainer", union=branch + 1)
    url = f"/api/v1/cohorts/{cohort['id']}/trainers"
    assert client.put(url, headers=admin.headers, json={"trainer_ids": [outsider.id]}).status_code == 422
    response = client.put(url, headers=admin.headers, json={"trainer_ids": [trainer.id, second.id]})
    assert {t["user_id"] for t in response.get_json()["trainers"]} == {trainer.id, second.id}
    assert client.get(f"/api/v1/cohorts/{cohort['id']}", headers=second.headers).status_code == 200
    assert client.put(url, headers=trainer.headers, json={"trainer_ids": [trainer.id]}).status_code == 403


def test_union_admin_invites_trainers_of_the_branch(client, auth, branch):
    admin = auth.person("union_admin", union=branch)
    person = auth.person(full_name="Vi Văn Hùng")
    url = f"/api/v1/unions/{branch}/trainers"

    invited = client.post(url, headers=admin.headers, json={"phone": person.phone, "full_name": "Vi Văn Hùng"})
    again = client.post(url, headers=admin.headers, json={"phone": person.phone})

    assert (invited.status_code, again.status_code) == (201, 200)
    assert (invited.get_json()["status"], invited.get_json()["user_id"]) == ("pending", None)
    assert client.get(url, headers=admin.headers).get_json() == []
    assert client.get("/api/v1/me", headers=person.headers).get_json()["roles"] == ["seller"]
    pending = client.get(f"/api/v1/unions/{branch}/invitations", headers=admin.headers).get_json()["items"]
    assert [(i["kind"], i["phone"]) for i in pending] == [("union_trainer", person.phone)]

    [invitation] = client.get("/api/v1/me/invitations", headers=person.headers).get_json()
    assert invitation["union"]["name"] == "Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang"
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)

    assert client.get("/api/v1/me", headers=person.headers).get_json()["roles"] == ["trainer"]
    assert [t["full_name"] for t in client.get(url, headers=admin.headers).get_json()] == ["Vi Văn Hùng"]
    assert client.post(url, headers=admin.headers, json={"phone": person.phone}).get_json()["status"] == "active"
    assert client.delete(f"{url}/{person.id}", headers=admin.headers).status_code == 204
    assert client.get(url, headers=admin.headers).get_json() == []
    assert client.get("/api/v1/me", headers=person.headers).get_json()["roles"] == ["seller"]
    other_branch = f"/api/v1/unions/{branch + 1}/trainers"
    assert client.get(other_branch, headers=admin.headers).status_code == 404


def test_trainer_helps_a_members_shop_but_not_with_money(client, trainer, cohort, auth):
    member = enrol(client, trainer, cohort["id"]).get_json()
    seller = member["seller_id"]
    assert client.get(f"/api/v1/sellers/{seller}", headers=trainer.headers).status_code == 200
    product = client.post(f"/api/v1/sellers/{seller}/products", headers=trainer.headers,
                          json={"title": "Măng khô Nà Hang 500g", "price_vnd": 90_000})
    assert product.status_code == 201
    payout = client.put(f"/api/v1/sellers/{seller}/payout", headers=trainer.headers,
                        json={"bank_bin": "970405", "account_number": "123456789", "account_name": "Lo Thi Mai"})
    assert payout.status_code == 403
    other_trainer = auth.person("trainer", union=cohort["union_id"])
    assert client.get(f"/api/v1/sellers/{seller}", headers=other_trainer.headers).status_code == 404


def test_letting_trainers_edit_a_shop_never_hands_them_its_bank_account(client, trainer, cohort, monkeypatch):
    """Money has its own permission: were trainers one day allowed to fix a shop's description
    (sellers:edit), the payout would still be the household's alone (payout:edit)."""
    from server import permissions

    monkeypatch.setattr(permissions, "SELLER_ASSIST_PERMISSIONS",
                        permissions.SELLER_ASSIST_PERMISSIONS | {permissions.Permission.SELLERS_EDIT})
    seller = enrol(client, trainer, cohort["id"]).get_json()["seller_id"]
    edited = client.patch(f"/api/v1/sellers/{seller}", headers=trainer.headers,
                          json={"description": "Mật ong rừng Na Hang, nuôi tự nhiên"})
    assert edited.status_code == 200
    payout = client.put(f"/api/v1/sellers/{seller}/payout", headers=trainer.headers,
                        json={"bank_bin": "970405", "account_number": "123456789", "account_name": "Lo Thi Mai"})
    assert payout.status_code == 403


COHORT_ROUTES = [
    ("GET", "/api/v1/cohorts/{cohort}", None),
    ("GET", "/api/v1/cohorts/{cohort}/progress", None),
    ("GET", "/api/v1/cohorts/{cohort}/sessions", None),
    ("GET", "/api/v1/cohorts/{cohort}/export", None),
    ("GET", "/api/v1/cohorts/{cohort}/invitations", None),
    ("POST", "/api/v1/cohorts/{cohort}/members", "enrol"),
    ("DELETE", "/api/v1/cohorts/{cohort}/members/{member}", None),
    ("POST", "/api/v1/cohorts/{cohort}/sessions", "session"),
]
COHORT_ROLES = ["anonymous", "trainer", "union_admin", "other_trainer", "other_branch_admin", "household", "manager",
                "admin"]


@pytest.fixture
def cohort_people(auth, app, trainer, branch):
    return {
        "trainer": trainer,
        "union_admin": auth.person("union_admin", union=branch),
        "other_trainer": auth.person("trainer", union=branch),
        "other_branch_admin": auth.person("union_admin", union=branch_id(app, "womens_union:01")),
        "manager": auth.person("manager", province="08"),
        "admin": auth.person("admin"),
    }


@pytest.mark.parametrize("role", COHORT_ROLES)
@pytest.mark.parametrize("method, path, body", COHORT_ROUTES, ids=[f"{m} {p}" for m, p, _ in COHORT_ROUTES])
def test_cohort_access_matrix(client, auth, trainer, cohort, cohort_people, role, method, path, body):
    member = enrol(client, trainer, cohort["id"]).get_json()
    headers = {} if role == "anonymous" else auth.sign_in(member["user_id"]) if role == "household" \
        else cohort_people[role].headers
    request = {"headers": headers}
    if body == "enrol":
        request["json"] = {"phone": "0912333444", "full_name": "Người mới", "commune_code": NA_HANG,
                           "consent": CONSENT}
    elif body == "session":
        request["json"] = session(attendee_ids=[member["user_id"]])
    response = client.open(path.format(cohort=cohort["id"], member=member["user_id"]), method=method, **request)
    allowed = {"GET": 200, "POST": 201, "DELETE": 204}[method]
    expected = {"anonymous": 401, "trainer": allowed, "union_admin": allowed}.get(role, 404)
    assert response.status_code == expected, response.get_json()


# Routes of cohorts as a whole, and of a branch's trainers: (method, path, body, {role: status}).
BRANCH_ROUTES = [
    ("GET", "/api/v1/cohorts", None,
     {"anonymous": 401, "trainer": 200, "union_admin": 200, "other_trainer": 200, "other_branch_admin": 200,
      "household": 403, "manager": 403, "admin": 403}),
    ("POST", "/api/v1/cohorts", "cohort",
     {"anonymous": 401, "trainer": 201, "union_admin": 201, "other_trainer": 201, "other_branch_admin": 403,
      "household": 403, "manager": 403, "admin": 403}),
    ("PUT", "/api/v1/cohorts/{cohort}/trainers", "trainers",
     {"anonymous": 401, "trainer": 403, "union_admin": 200}),
    # A trainer of the branch is not its admin: the branch's staff pages are not theirs to see.
    ("GET", "/api/v1/unions/{branch}/trainers", None, {"anonymous": 401, "union_admin": 200}),
    ("POST", "/api/v1/unions/{branch}/trainers", {"phone": "0988777666"}, {"anonymous": 401, "union_admin": 201}),
    ("DELETE", "/api/v1/unions/{branch}/trainers/{other_trainer}", None, {"anonymous": 401, "union_admin": 204}),
    ("GET", "/api/v1/unions/{branch}/invitations", None, {"anonymous": 401, "union_admin": 200}),
]


@pytest.mark.parametrize("role", COHORT_ROLES)
@pytest.mark.parametrize("method, path, body, allowed", BRANCH_ROUTES, ids=[f"{m} {p}" for m, p, _, _ in BRANCH_ROUTES])
def test_branch_access_matrix(client, auth, trainer, cohort, branch, cohort_people, role, method, path, body, allowed):
    headers = {} if role == "anonymous" else auth.person().headers if role == "household" \
        else cohort_people[role].headers
    request = {"headers": headers}
    if body == "cohort":
        request["json"] = {"name": "Lớp mới", "union_id": branch, "commune_codes": [NA_HANG],
                           "starts_on": "2026-11-01"}
    elif body == "trainers":
        request["json"] = {"trainer_ids": [trainer.id, cohort_people["other_trainer"].id]}
    elif body is not None:
        request["json"] = body
    url = path.format(cohort=cohort["id"], branch=branch, other_trainer=cohort_people["other_trainer"].id)
    response = client.open(url, method=method, **request)
    assert response.status_code == allowed.get(role, 404), response.get_json()


def test_a_household_already_using_the_app_is_invited_not_taken_over(client, trainer, cohort, auth, app):
    household = auth.person(full_name="Hoàng Thị Hoa")
    shop = client.post("/api/v1/sellers", headers=household.headers,
                       json={"kind": "household", "name": "Hộ Hoa", "commune_code": NA_HANG}).get_json()
    invited = enrol(client, trainer, cohort["id"], phone=household.phone).get_json()
    assert (invited["status"], invited["accepted_at"]) == ("pending", None)
    with app.app_context():
        assert count(app, Consent) == 0  # nobody consents for a person who signs in herself
    seller_url = f"/api/v1/sellers/{shop['id']}"
    assert client.get(seller_url, headers=trainer.headers).status_code == 404

    [invitation] = client.get("/api/v1/me/invitations", headers=household.headers).get_json()
    assert (invitation["kind"], invitation["cohort"]["id"]) == ("cohort", cohort["id"])
    assert invitation["invited_by_name"] == "Hà Thị Thu"
    accepted = client.post(f"/api/v1/me/cohorts/{cohort['id']}/accept", headers=household.headers)
    assert accepted.status_code == 200 and accepted.get_json()["accepted_at"]
    assert client.get(seller_url, headers=trainer.headers).status_code == 200
    assert [c["id"] for c in client.get("/api/v1/me/cohorts", headers=household.headers).get_json()] == [cohort["id"]]

    assert client.delete(f"/api/v1/me/cohorts/{cohort['id']}", headers=household.headers).status_code == 204
    assert client.get(seller_url, headers=trainer.headers).status_code == 404
    assert client.post(f"/api/v1/me/cohorts/{cohort['id']}/accept", headers=household.headers).status_code == 404


def test_households_from_another_province_cannot_be_enrolled(client, trainer, cohort):
    response = enrol(client, trainer, cohort["id"], commune_code="00070")
    assert response.status_code == 422
    assert "commune_code" in response.get_json()["errors"]


def test_trainers_help_with_products_but_not_money_deletions_sales_or_links(client, trainer, cohort):
    member = enrol(client, trainer, cohort["id"]).get_json()
    seller = member["seller_id"]
    product = client.post(f"/api/v1/sellers/{seller}/products", headers=trainer.headers,
                          json={"title": "Măng khô Nà Hang 500g", "price_vnd": 90_000}).get_json()
    assert client.patch(f"/api/v1/products/{product['id']}", headers=trainer.headers,
                        json={"stock": 5}).status_code == 200
    refused = [
        client.get(f"/api/v1/sellers/{seller}/payout", headers=trainer.headers),
        client.get(f"/api/v1/sellers/{seller}/vietqr", headers=trainer.headers),
        client.delete(f"/api/v1/products/{product['id']}", headers=trainer.headers),
        client.post(f"/api/v1/sellers/{seller}/sales", headers=trainer.headers,
                    json={"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "zalo", "amount_vnd": 1000}),
        client.post(f"/api/v1/sellers/{seller}/channels", headers=trainer.headers,
                    json={"channel": "zalo", "url": "https://zalo.me/0912111222"}),
        client.patch(f"/api/v1/sellers/{seller}", headers=trainer.headers, json={"name": "Đổi tên"}),
    ]
    assert [r.status_code for r in refused] == [403] * 6


def test_exports_keep_formulas_as_text(client, trainer, cohort):
    enrol(client, trainer, cohort["id"], full_name='=HYPERLINK("http://evil.example","Bấm")')
    response = client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=xlsx", headers=trainer.headers)
    sheet = load_workbook(io.BytesIO(response.data)).active
    # A string cell holds the name as typed, without the CSV guard's quote.
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://evil.example","Bấm")'
    csv_text = client.get(f"/api/v1/cohorts/{cohort['id']}/export", headers=trainer.headers).data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(csv_text)))[1][0].startswith("'=HYPERLINK")
