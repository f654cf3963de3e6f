"""The OpenAPI document other clients are built against."""

import re

from openapi_spec_validator import validate

# The document itself, its docs page and static files are not API routes.
UNDOCUMENTED = {
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/assets/{filename}",
    "/static/{filename}",
}


def _openapi_path(rule):
    """"/provinces/<code>/communes" -> "/provinces/{code}/communes"."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_route_is_documented(app, client):
    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    routes = {_openapi_path(rule.rule) for rule in app.url_map.iter_rules()} - UNDOCUMENTED
    assert routes <= documented, routes - documented


def test_docs_page_works_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page.get_data(as_text=True)
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
