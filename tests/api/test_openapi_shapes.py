"""The OpenAPI document says what the API really sends and accepts: error bodies, nulls, content types,
optional bodies, and the text that code and day fields take. (tests/test_schemathesis.py checks it all
against the running app; these say each rule on its own.)"""

import re

import pytest

from tests.api.helpers import HONEY, open_shop
from tests.api.test_errors import assert_error_shape

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_error_response_shows_the_error_shape(document):
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.isdigit() and int(status) >= 400 and "$ref" not in response:
                schema = resolve(document, response["content"]["application/json"]["schema"])
                assert {"code", "status", "message"} <= set(schema["required"]), f"{name} {status}"


def test_the_error_shape_is_what_errors_are(document, client):
    schema = document["components"]["schemas"]["Error"]
    body = assert_error_shape(client.get("/api/v1/provinces/99/communes"), 404)
    assert set(body) <= set(schema["properties"]) and set(schema["required"]) <= set(body)


def test_choices_of_a_field_that_may_be_null_include_null(document):
    for name, schema in document["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if prop.get("nullable") and "enum" in prop:
                assert None in prop["enum"], f"{name}.{field}"
    assert None in document["components"]["schemas"]["Product"]["properties"]["category"]["enum"]


def test_a_product_without_a_price_shows_no_price(document, client, auth):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    product = client.post(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers,
                          json={"title": HONEY["title"]}).get_json()
    assert product["price_display"] is None
    assert document["components"]["schemas"]["Product"]["properties"]["price_display"]["nullable"] is True


@pytest.mark.parametrize("report", ["new-active-sellers", "commune-coverage", "training"])
def test_reports_document_json_csv_and_xlsx(document, report):
    content = document["paths"][f"/api/v1/reports/{report}"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert "$ref" in content["application/json"]["schema"]


def test_a_body_is_required_exactly_when_its_schema_requires_a_field(document):
    for name, operation in operations(document):
        body = operation.get("requestBody")
        if body:
            (media,) = body["content"].values()
            assert body["required"] == bool(resolve(document, media["schema"]).get("required")), name


def test_a_patch_without_a_body_changes_nothing(client, auth):
    owner = auth.person()
    seller_id = open_shop(client, owner, name="Hộ bà Mai")
    response = client.patch(f"/api/v1/sellers/{seller_id}", headers=owner.headers)
    assert response.status_code == 200 and response.get_json()["name"] == "Hộ bà Mai"


def commune_code_pattern(document):
    schema = document["components"]["schemas"]["SellerCreate"]["properties"]["commune_code"]
    return re.compile(schema["pattern"])


@pytest.mark.parametrize("typed", ["02221", " 02 221 ", "022.21", "0-2-2-2-1", "2221", "022210", "02\t221",
                                   "02221\n", "٠٢٢٢١", "0222１", "02x21", ""])
def test_a_commune_code_is_taken_exactly_when_the_document_says_so(document, client, auth, typed):
    owner = auth.person()
    response = client.post("/api/v1/sellers", headers=owner.headers,
                           json={"kind": "household", "name": "Hộ bà Mai", "commune_code": typed})
    documented = bool(commune_code_pattern(document).fullmatch(typed))
    assert (response.status_code == 201) == documented, (typed, response.get_json())
    if documented:
        assert response.get_json()["commune_code"] == "02221"
    else:
        assert "commune_code" in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize("day, taken", [("2000-01-01", True), ("2100-12-31", True), ("1999-12-31", False),
                                        ("2101-01-01", False), ("0031-10-17", False)])
def test_a_day_is_taken_exactly_when_the_document_says_so(document, client, auth, day, taken):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    response = client.get(f"/api/v1/sellers/{seller_id}/sales?from={day}", headers=owner.headers)
    (parameter,) = [p for p in document["paths"]["/api/v1/sellers/{seller_id}/sales"]["get"]["parameters"]
                    if p["name"] == "from"]
    assert bool(re.fullmatch(parameter["schema"]["pattern"], day)) == taken
    assert response.status_code == (200 if taken else 422)


@pytest.mark.parametrize("stock", [2.5, "5", True])
def test_a_number_that_is_not_a_whole_number_is_refused_not_cut(client, auth, stock):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    response = client.post(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers,
                           json={**HONEY, "stock": stock})
    assert "stock" in assert_error_shape(response, 422)["errors"]
    assert client.get(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers).get_json()["total"] == 0


def test_the_photo_order_offers_only_put(client, auth):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    product = client.post(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers, json=HONEY).get_json()
    order = f"/api/v1/products/{product['id']}/photos/order"
    assert set(client.options(order).headers["Allow"].split(", ")) == {"PUT", "OPTIONS"}
    assert_error_shape(client.delete(order, headers=owner.headers), 405)


@pytest.mark.parametrize("amount", [150_000.5, "150000"])
def test_a_sale_amount_must_be_a_whole_number(client, auth, amount):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    response = client.post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers,
                           json={"id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "occurred_on": "2026-11-02",
                                 "channel": "zalo", "amount_vnd": amount})
    assert "amount_vnd" in assert_error_shape(response, 422)["errors"]
