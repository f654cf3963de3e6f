"""The check every test response goes through (tests/openapi_contract.py) fails when the document and the
API part ways, and says where: here each kind of drift is made in a copy of the document, and a real
answer of the app is checked against it."""

import copy

import pytest

from tests.api.helpers import open_shop
from tests.openapi_contract import Contract, ContractBroken


@pytest.fixture(scope="module")
def real_document(database_url):
    from config import settings_for_tests
    from server import create_app

    return create_app(settings_for_tests(database_url)).test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture
def document(real_document):
    return copy.deepcopy(real_document)


def broken(document, response, client):
    with pytest.raises(ContractBroken) as failure:
        Contract(document).check(response, client.application)
    return str(failure.value)


def test_the_real_document_describes_the_real_answer(real_document, client, auth):
    Contract(real_document).check(client.get("/api/v1/me", headers=auth.person().headers), client.application)


def test_a_field_the_document_does_not_name(document, client, auth):
    del document["components"]["schemas"]["Me"]["properties"]["roles"]
    message = broken(document, client.get("/api/v1/me", headers=auth.person().headers), client)
    assert "GET /api/v1/me → 200" in message and "'roles' was unexpected" in message


def test_a_null_the_document_does_not_allow(document, client, auth):
    # The first finding: a new user's /me has no name, and a schema that forgot null broke clients.
    del document["components"]["schemas"]["Me"]["properties"]["full_name"]["nullable"]
    message = broken(document, client.get("/api/v1/me", headers=auth.person(full_name=None).headers), client)
    assert "at full_name: None is not of type 'string'" in message


def test_a_status_the_operation_does_not_list(document, client):
    del document["paths"]["/api/v1/me"]["get"]["responses"]["401"]
    message = broken(document, client.get("/api/v1/me"), client)
    assert "GET /api/v1/me → 401 (GET /api/v1/me): status 401 is not documented (documented: 200)" in message


def test_a_content_type_the_response_does_not_name(document, client, auth):
    owner = auth.person()
    seller_id = open_shop(client, owner)
    export = client.get(f"/api/v1/sellers/{seller_id}/products/export?format=csv", headers=owner.headers)
    assert export.mimetype == "text/csv"
    operation = document["paths"]["/api/v1/sellers/{seller_id}/products/export"]["get"]
    del operation["responses"]["200"]["content"]["text/csv"]
    assert "content type text/csv is not documented" in broken(document, export, client)


def test_an_api_path_the_document_does_not_have_must_answer_an_error(document, client):
    Contract(document).check(client.get("/api/v1/no-such-thing"), client.application)
    del document["paths"]["/api/v1/provinces"]
    message = broken(document, client.get("/api/v1/provinces"), client)
    assert "GET /api/v1/provinces → 200: the document has no such operation" in message
