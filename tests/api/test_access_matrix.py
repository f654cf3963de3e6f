"""Every route × every role × own/other's resource: nobody sees or changes what is not theirs."""

import pytest

# Roles of the matrix. "owner" and "member" relate to the cooperative under test; every other
# role is a stranger to it.
ROLES = ("anonymous", "owner", "member", "other_seller", "trainer", "union_admin", "manager", "admin")

# (method, path, body, {role: expected status}); "{seller}" is the cooperative under test.
SELLER_ROUTES = [
    ("GET", "/api/v1/sellers/{seller}", None,
     {"owner": 200, "member": 200, "admin": 200}),
    ("PATCH", "/api/v1/sellers/{seller}", {"description": "Mô tả mới"},
     {"owner": 200, "member": 403, "admin": 403}),
    ("POST", "/api/v1/sellers/{seller}/members", {"phone": "0977000111", "role": "member"},
     {"owner": 201, "member": 403, "admin": 403}),
    ("GET", "/api/v1/sellers/{seller}/onboarding", None,
     {"owner": 200, "member": 200, "admin": 200}),
]

# Routes about the caller only: anyone signed in gets their own, anonymous gets 401.
OWN_ROUTES = [
    ("GET", "/api/v1/me", None, 200),
    ("PATCH", "/api/v1/me", {"full_name": "Tên"}, 200),
    ("POST", "/api/v1/me/consent", {"version": "1", "purposes": ["account"]}, 201),
    ("GET", "/api/v1/me/export", None, 200),
    ("POST", "/api/v1/sellers", {"kind": "household", "name": "Hộ A", "commune_code": "02221"}, 201),
    ("POST", "/api/v1/auth/logout", None, 204),
    ("DELETE", "/api/v1/me", None, 204),
]

PUBLIC_ROUTES = ["/healthz", "/api/v1/provinces", "/api/v1/provinces/01/communes",
                 "/api/v1/communes?q=xuan", "/api/v1/unions"]


@pytest.fixture
def world(client, auth):
    people = {
        "owner": auth.person(),
        "member": auth.person(),
        "other_seller": auth.person(),
        "trainer": auth.person("trainer"),
        "union_admin": auth.person("union_admin"),
        "manager": auth.person("manager", province="08"),
        "admin": auth.person("admin"),
    }
    coop = client.post("/api/v1/sellers", headers=people["owner"].headers,
                       json={"kind": "cooperative", "name": "HTX Chè", "commune_code": "02221"}).get_json()
    client.post(f"/api/v1/sellers/{coop['id']}/members", headers=people["owner"].headers,
                json={"phone": people["member"].phone, "role": "member"})
    client.post("/api/v1/sellers", headers=people["other_seller"].headers,
                json={"kind": "household", "name": "Hộ khác", "commune_code": "02221"})
    return people, coop["id"]


def _headers(people, role):
    return {} if role == "anonymous" else people[role].headers


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, body, allowed", SELLER_ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in SELLER_ROUTES])
def test_seller_routes(client, world, role, method, path, body, allowed):
    people, seller_id = world
    expected = 401 if role == "anonymous" else allowed.get(role, 404)
    response = client.open(path.format(seller=seller_id), method=method, json=body,
                           headers=_headers(people, role))
    assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, body, status", OWN_ROUTES, ids=[f"{m} {p}" for m, p, _, _ in OWN_ROUTES])
def test_own_routes(client, world, role, method, path, body, status):
    people, _ = world
    response = client.open(path, method=method, json=body, headers=_headers(people, role))
    assert response.status_code == (401 if role == "anonymous" else status)


@pytest.mark.parametrize("path", PUBLIC_ROUTES)
def test_public_routes_need_no_sign_in(client, path):
    assert client.get(path).status_code == 200


def test_unknown_seller_and_hidden_seller_look_the_same(client, world):
    people, seller_id = world
    hidden = client.get(f"/api/v1/sellers/{seller_id}", headers=people["other_seller"].headers)
    missing = client.get("/api/v1/sellers/99999999", headers=people["other_seller"].headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
