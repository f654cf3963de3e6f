"""Schemathesis as a household with a shop and products: every check and every phase against the served app
(tests/schemathesis_run.py says how)."""

from tests.schemathesis_run import identities  # noqa: F401 - a fixture
from tests.schemathesis_run import schemathesis_finds_no_server_error_and_no_broken_contract


def test_schemathesis_as_household_finds_no_server_error_and_no_broken_contract(settings, identities, tmp_path):
    schemathesis_finds_no_server_error_and_no_broken_contract("household", settings, identities, tmp_path)
