"""Every route × every role × own/other's resource: nobody sees or changes what is not theirs.

The routes of shops, products and money are here; cohorts, union branches, invitations, learning
and reports have their matrices beside their other tests. test_route_coverage checks that every
route of the app is in one of them. The writes that succeed run here, each against a world of its
own; reads and refusals run in test_access_matrix_shared.py against one world, which they must leave
as it was.
"""

import uuid

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import UnionBranch
from server.web import APP_ROUTES
from tests.api.helpers import listed_product, open_shop
from tests.images import phone_jpeg, upload

# A trainer of a cohort the cooperative is in ("cohort_trainer") helps with products only:
# no money, no deletions, no sales or links, no members.
VIEW = {"owner": 200, "member": 200, "cohort_trainer": 200, "admin": 200}
EDIT = {"owner": 200, "member": 200, "cohort_trainer": 200, "admin": 403}
CREATE = {"owner": 201, "member": 201, "cohort_trainer": 201, "admin": 403}
RUN_THE_SHOP = {"owner": 200, "member": 200, "cohort_trainer": 403, "admin": 403}
OWNER_ONLY = {"owner": 200, "member": 403, "cohort_trainer": 403, "admin": 403}
MEMBERS_ONLY = RUN_THE_SHOP
PAYOUT = {"bank_bin": "970405", "account_number": "3100205123456", "account_name": "Lo Thi Mai"}

# Roles of the matrix. "owner" and "member" relate to the cooperative under test; every other
# role is a stranger to it.
ROLES = ("anonymous", "owner", "member", "other_seller", "cohort_trainer", "trainer", "union_admin", "manager",
         "admin")

# (method, path, body, {role: expected status}); "{seller}" is the cooperative under test,
# "{product}", "{photo}" and "{channel}" are its product, photo and channel link.
SELLER_ROUTES = [
    ("GET", "/api/v1/sellers/{seller}", None, VIEW),
    ("PATCH", "/api/v1/sellers/{seller}", {"description": "Mô tả mới"}, OWNER_ONLY),
    ("POST", "/api/v1/sellers/{seller}/members", {"phone": "0977000111", "role": "member"},
     {**OWNER_ONLY, "owner": 201}),
    ("DELETE", "/api/v1/sellers/{seller}/members/{member}", None,
     {"owner": 204, "member": 204, "cohort_trainer": 403, "admin": 403}),
    ("GET", "/api/v1/sellers/{seller}/invitations", None, OWNER_ONLY),
    ("GET", "/api/v1/sellers/{seller}/onboarding", None, VIEW),
    ("GET", "/api/v1/sellers/{seller}/products", None, VIEW),
    ("POST", "/api/v1/sellers/{seller}/products", {"title": "Miến dong Bình Liêu 500g"}, CREATE),
    ("GET", "/api/v1/sellers/{seller}/products/export?format=xlsx", None, VIEW),
    ("GET", "/api/v1/products/{product}", None, VIEW),
    ("PATCH", "/api/v1/products/{product}", {"price_vnd": 150_000}, EDIT),
    ("DELETE", "/api/v1/products/{product}", None, {"owner": 204, "member": 204, "cohort_trainer": 403, "admin": 403}),
    ("POST", "/api/v1/products/{product}/publish", None, EDIT),
    ("POST", "/api/v1/products/{product}/photos", "photo", CREATE),
    ("PUT", "/api/v1/products/{product}/photos/order", {"photo_ids": ["{photo}"]}, EDIT),
    ("DELETE", "/api/v1/products/{product}/photos/{photo}", None,
     {"owner": 204, "member": 204, "cohort_trainer": 204, "admin": 403}),
    ("GET", "/api/v1/sellers/{seller}/payout", None, MEMBERS_ONLY),
    ("PUT", "/api/v1/sellers/{seller}/payout", PAYOUT, OWNER_ONLY),
    ("GET", "/api/v1/sellers/{seller}/vietqr?amount=50000", None, MEMBERS_ONLY),
    ("GET", "/api/v1/sellers/{seller}/channels", None, VIEW),
    ("POST", "/api/v1/sellers/{seller}/channels", {"channel": "zalo", "url": "https://zalo.me/0977000111"},
     {**RUN_THE_SHOP, "owner": 201, "member": 201}),
    ("DELETE", "/api/v1/sellers/{seller}/channels/{channel}", None,
     {"owner": 204, "member": 204, "cohort_trainer": 403, "admin": 403}),
    ("GET", "/api/v1/sellers/{seller}/sales", None, VIEW),
    ("POST", "/api/v1/sellers/{seller}/sales", "sale", {**RUN_THE_SHOP, "owner": 201, "member": 201}),
]

# Routes about the caller only: anyone signed in gets their own, anonymous gets 401.
OWN_ROUTES = [
    ("GET", "/api/v1/me", None, 200),
    ("PATCH", "/api/v1/me", {"full_name": "Tên"}, 200),
    ("POST", "/api/v1/me/consent", {"version": "1", "purposes": ["account"]}, 201),
    ("GET", "/api/v1/me/export", None, 200),
    ("GET", "/api/v1/me/invitations", None, 200),
    ("GET", "/api/v1/me/cohorts", None, 200),
    ("POST", "/api/v1/sellers", {"kind": "household", "name": "Hộ A", "commune_code": "02221"}, 201),
    ("GET", "/api/v1/me/progress", None, 200),
    ("POST", "/api/v1/progress/events", {"events": []}, 200),
    ("POST", "/api/v1/lessons/{lesson}/attempts",
     {"id": "0b7c3f8e-5d1a-4c2e-9f3b-6a1d2e4c8b70", "answers": {"q1": ["c"]}}, 201),
    ("POST", "/api/v1/auth/logout", None, 204),
    ("DELETE", "/api/v1/me", None, 204),
]

# Open to everyone, signed in or not.
PUBLIC_ROUTES = [
    ("GET", "/healthz"), ("GET", "/api/v1/provinces"), ("GET", "/api/v1/provinces/{province}/communes"),
    ("GET", "/api/v1/communes?q=xuan"), ("GET", "/api/v1/unions"), ("GET", "/api/v1/categories"),
    ("GET", "/api/v1/catalog"), ("GET", "/api/v1/catalog/{listed}"), ("GET", "/api/v1/feeds/products"),
    ("GET", "/api/v1/feeds/products.xml"),
    ("GET", "/api/v1/banks"), ("GET", "/api/v1/tracks"), ("GET", "/api/v1/lessons/{lesson}"),
    ("GET", "/p/{listed}"), ("GET", "/media/{listed_photo}"),
    ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs"), ("GET", "/api/v1/docs/assets/{docs_asset}"),
    ("GET", "/static/{static_file}"), ("GET", "/api/v1/consent"),
    # The phone app: its shell on every screen's address, its files, its worker and manifest.
    *[("GET", route) for route in APP_ROUTES], ("GET", "/assets/{app_asset}"), ("GET", "/sw.js"),
    ("GET", "/manifest.webmanifest"),
]
PUBLIC_VALUES = {"province": "01", "lesson": "never-share-otp", "docs_asset": "swagger-ui.css",
                 "static_file": "demo-photo.jpg"}
APP_VALUES = {"product_id": "3f2c9d0e-1b2a-4c5d-8e7f-001122334455", "slug": "never-share-otp", "int:cohort_id": "7"}

@pytest.fixture
def world(client, auth, app):
    """A world of its own, for a request that changes it."""
    return build_world(client, auth, app)


def build_world(client, auth, app):
    """The cooperative under test with its member, product, photo, payout and channel, in a cohort of
    "cohort_trainer", and one person in every other role."""
    people = {
        "owner": auth.person(),
        "member": auth.person(),
        "other_seller": auth.person(),
        "cohort_trainer": auth.person("trainer"),
        "trainer": auth.person("trainer"),
        "union_admin": auth.person("union_admin", union=branch_of(app, "womens_union:01")),
        "manager": auth.person("manager", province="08"),
        "admin": auth.person("admin"),
    }
    owner = people["owner"].headers
    coop = client.post("/api/v1/sellers", headers=owner,
                       json={"kind": "cooperative", "name": "HTX Chè", "commune_code": "02221"}).get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=owner,
                json={"phone": people["member"].phone, "role": "member"})
    accept_invitation(client, people["member"])
    client.post("/api/v1/sellers", headers=people["other_seller"].headers,
                json={"kind": "household", "name": "Hộ khác", "commune_code": "02221"})
    cohort = client.post("/api/v1/cohorts", headers=people["cohort_trainer"].headers, json={
        "name": "Lớp Nà Hang", "union_id": branch_of(app, "womens_union:08"), "commune_codes": ["02221"],
        "starts_on": "2026-11-01"}).get_json()
    client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=people["cohort_trainer"].headers, json={
        "phone": people["owner"].phone, "full_name": "Chủ HTX", "commune_code": "02221",
        "consent": {"version": "2025-1", "purposes": ["account"]}})
    accept_invitation(client, people["owner"])
    product = client.post(f"/api/v1/sellers/{coop['id']}/products", headers=owner,
                          json={"title": "Chè Shan tuyết cổ thụ 200g", "price_vnd": 120_000,
                                "category": "drinks"}).get_json()
    photo = client.post(f"/api/v1/products/{product['id']}/photos", headers=owner,
                        data=upload(phone_jpeg(320, 240)), content_type="multipart/form-data").get_json()
    client.put(f"/api/v1/sellers/{coop['id']}/payout", headers=owner, json=PAYOUT)
    channel = client.post(f"/api/v1/sellers/{coop['id']}/channels", headers=owner,
                          json={"channel": "shopee", "url": "https://shopee.vn/che"}).get_json()
    ids = {"seller": coop["id"], "product": product["id"], "photo": photo["id"], "channel": channel["id"],
           "member": people["member"].id}
    return people, ids


def branch_of(app, key):
    with app.app_context():
        return db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == key))


def accept_invitation(client, person):
    """The invited person opens the app and accepts their newest invitation."""
    [invitation, *_] = client.get("/api/v1/me/invitations", headers=person.headers).get_json()
    response = client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=person.headers)
    assert response.status_code == 200, response.get_json()


def _headers(people, role):
    return {} if role == "anonymous" else people[role].headers


def changes_the_world(method, expected):
    """Only a write that succeeds changes the world and needs one of its own; reads and refusals share
    one world per module (test_access_matrix_shared.py), which checks that they changed nothing."""
    return method != "GET" and expected < 400


def seller_cases(changing):
    return list(_seller_cases(changing))


def _seller_cases(changing):
    for method, path, body, allowed in SELLER_ROUTES:
        for role in ROLES:
            expected = 401 if role == "anonymous" else allowed.get(role, 404)
            if changes_the_world(method, expected) == changing:
                yield pytest.param(role, method, path, body, expected, id=f"{method} {path}-{role}")


def own_cases(changing):
    return list(_own_cases(changing))


def _own_cases(changing):
    for method, path, body, status in OWN_ROUTES:
        for role in ROLES:
            expected = 401 if role == "anonymous" else status
            if changes_the_world(method, expected) == changing:
                yield pytest.param(role, method, path, body, expected, id=f"{method} {path}-{role}")


def open_seller_route(client, people, ids, role, method, path, body):
    request = {"headers": _headers(people, role)}
    if body == "photo":
        request.update(data=upload(phone_jpeg(320, 240)), content_type="multipart/form-data")
    elif body == "sale":
        request["json"] = {"id": str(uuid.uuid4()), "occurred_on": "2026-11-01", "channel": "zalo",
                           "amount_vnd": 120_000}
    elif body is not None:
        request["json"] = _fill(body, ids)
    return client.open(path.format(**ids), method=method, **request)


def open_own_route(client, people, role, method, path, body):
    return client.open(path.format(**PUBLIC_VALUES), method=method, json=body, headers=_headers(people, role))


@pytest.mark.parametrize("role, method, path, body, expected", seller_cases(changing=True))
def test_seller_routes(client, world, role, method, path, body, expected):
    people, ids = world
    response = open_seller_route(client, people, ids, role, method, path, body)
    assert response.status_code == expected, response.get_json()


def _fill(body, ids):
    """Put the world's ids into a request body template."""
    if isinstance(body, dict):
        return {key: _fill(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [_fill(value, ids) for value in body]
    return body.format(**ids) if isinstance(body, str) else body


@pytest.mark.parametrize("role, method, path, body, expected", own_cases(changing=True))
def test_own_routes(client, world, role, method, path, body, expected):
    people, _ids = world
    response = open_own_route(client, people, role, method, path, body)
    assert response.status_code == expected


@pytest.fixture
def listed(client, auth):
    """A published product, for the public routes."""
    owner = auth.person()
    product = listed_product(client, owner, open_shop(client, owner))
    photo_url = product["photos"][0]["urls"]["thumb"]
    return {"listed": product["id"], "listed_photo": photo_url.split("/media/", 1)[1]}


@pytest.mark.parametrize("method, path", PUBLIC_ROUTES, ids=[f"{m} {p}" for m, p in PUBLIC_ROUTES])
def test_public_routes_need_no_sign_in(app, client, listed, method, path):
    app_asset = app.extensions["web_assets"].url("app/main.js").removeprefix("/assets/")
    for placeholder, value in APP_VALUES.items():
        path = path.replace(f"<{placeholder}>", value)
    url = path.format(**PUBLIC_VALUES, **listed, app_asset=app_asset)
    assert client.open(url, method=method).status_code == 200
