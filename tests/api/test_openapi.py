"""The OpenAPI document other clients are built against."""

import re

from openapi_spec_validator import validate

# The document itself, its docs page, files and HTML pages are not API routes.
UNDOCUMENTED = {
    "/media/{key}",
    "/p/{product_id}",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/assets/{filename}",
    "/static/{filename}",
}


def _openapi_path(rule):
    """"/provinces/<code>/communes" -> "/provinces/{code}/communes"."""
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


def test_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_route_is_documented(app, client):
    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    # The phone app's shell and files (server/web) are pages, not the API.
    routes = {_openapi_path(rule.rule) for rule in app.url_map.iter_rules()
              if not rule.endpoint.startswith("web.")} - UNDOCUMENTED
    assert routes <= documented, routes - documented


def test_docs_page_works_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page.get_data(as_text=True)
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200


BODYLESS_WRITES = {
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/products/{product_id}/publish"),
    ("post", "/api/v1/me/cohorts/{cohort_id}/accept"),
    ("post", "/api/v1/me/invitations/{invitation_id}/accept"),
    ("post", "/api/v1/me/invitations/{invitation_id}/decline"),
}


def test_writes_document_their_request_and_reads_their_response(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if method in ("post", "put", "patch") and (method, path) not in BODYLESS_WRITES:
                assert "requestBody" in operation, f"{method} {path} documents no request body"
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method} {path} documents no success response"
            for code in success:
                if code not in ("202", "204"):
                    assert "content" in operation["responses"][code], f"{method} {path} {code}"


def test_signed_in_routes_declare_bearer_auth(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    # Public operations say so: no sign-in needed.
    assert document["paths"]["/api/v1/provinces"]["get"]["security"] == []


def test_every_operation_has_its_own_operation_id(client):
    """What generated clients name their functions after (tests/test_generated_client.py)."""
    document = client.get("/api/v1/openapi.json").get_json()
    ids = [operation["operationId"] for operations in document["paths"].values()
           for method, operation in operations.items() if method != "parameters"]
    assert len(ids) == len(set(ids))
    assert document["paths"]["/api/v1/sellers/{seller_id}/products"]["post"]["operationId"] == \
        "post_sellers_seller_id_products"
