"""Schemathesis against our own OpenAPI document: no server errors, no response that breaks it."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 25
# SPEC §8: no server errors and no response that breaks the document. Business rules may still
# refuse schema-valid input (an unknown commune code, say), so "positive data" checks do not apply.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_every_operation_keeps_its_contract(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = auth.person().headers
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_contract(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_contract()
