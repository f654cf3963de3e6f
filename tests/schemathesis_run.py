"""Schemathesis against our own OpenAPI document, as `schemathesis run --checks all` runs it: every check and
every phase (examples, coverage, fuzzing, stateful), against the app served on a real port, once as a household
with a shop and products (tests/test_schemathesis_household.py) and once as a province's programme manager
(tests/test_schemathesis_manager.py).

SPEC §8: no server errors and no response that breaks the document. Where a schema-valid request is refused by
a business rule the document cannot express, that answer is allowed to that one check, for that one operation
(BUSINESS_RULES and NEGATIVE_DATA_ACCEPTED, each with its reason). Text with the NUL character is not generated:
the whole API refuses it. Sign-out, refresh and erasure run apart, with sessions of their own.
"""

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import pytest

from server.extensions import db
from server.models import User
from server.services.auth import start_session
from tests.api.helpers import listed_product, open_shop
from tests.live_server import LiveServer

SEED = 20261102
# Per operation and phase; one role's run takes about two minutes on this 2-core machine.
MAX_EXAMPLES = 25
RUN_TIMEOUT_SECONDS = 360
PHASES = ("examples", "coverage", "fuzzing", "stateful")

# positive_data_acceptance sends schema-valid requests and expects them accepted. These operations
# refuse some of them for a rule of the business that no schema can say; the answer they give then is
# added to what the check accepts, for that operation only. Any other refusal still fails.
POSITIVE_DATA_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
BUSINESS_RULES = {
    # A code of the right shape may name no province, commune or bank, nor a phone number a Vietnamese mobile:
    # SPEC §5-§6 answer 422.
    "GET /api/v1/communes": ("422", "a province code of the right shape may name no province"),
    "GET /api/v1/reports/new-active-sellers": ("422", "a province code of the right shape may name no province"),
    "GET /api/v1/reports/commune-coverage": ("422", "a province code of the right shape may name no province"),
    "GET /api/v1/reports/training": ("422", "a province code of the right shape may name no province; a period "
                                            "may not start after it ends"),
    "POST /api/v1/sellers": ("422", "a commune code of the right shape may name no commune"),
    "PATCH /api/v1/sellers/{seller_id}": ("422", "a commune code of the right shape may name no commune"),
    "PUT /api/v1/sellers/{seller_id}/payout": ("422", "a BIN of six digits may name no bank"),
    "POST /api/v1/auth/otp": ("422", "the phone must be a Vietnamese mobile number"),
    "POST /api/v1/auth/verify": ("422", "the phone must be a Vietnamese mobile number; a wrong or expired code "
                                        "is refused"),
    "POST /api/v1/cohorts/{cohort_id}/members": ("422", "the phone must be a Vietnamese mobile number"),
    "POST /api/v1/unions/{union_id}/trainers": ("422", "the phone must be a Vietnamese mobile number"),
    "POST /api/v1/sellers/{seller_id}/members": ("422", "only cooperatives have members; the phone must be a "
                                                        "Vietnamese mobile number, and not the owner's"),
    "DELETE /api/v1/sellers/{seller_id}/members/{user_id}": ("422", "the owner cannot leave the cooperative"),
    # Rules about what the seller has.
    "POST /api/v1/products/{product_id}/publish": ("422", "publishing lists what is missing (SPEC §6)"),
    "PATCH /api/v1/products/{product_id}": ("422", "`status: published` is refused until the product is ready, "
                                                    "as publishing is"),
    "POST /api/v1/products/{product_id}/photos": ("415", "any bytes fit `format: binary`; only an image is stored"),
    "PUT /api/v1/products/{product_id}/photos/order": ("422", "the order must list each of the product's photos once"),
    "POST /api/v1/sellers/{seller_id}/channels": ("422", "a link must be a web address (as a browser reads it) of "
                                                         "the marketplace it names"),
    "POST /api/v1/sellers/{seller_id}/sales": ("422", "a sale's product must be one of the shop's"),
    # Values only the server knows.
    "GET /api/v1/feeds/products": ("422", "a cursor is only valid when the server made it; `updated_since` must "
                                          "be from 2000 to 2100, which no schema can say of a date-time"),
    "GET /api/v1/feeds/products.xml": ("422", "the same parameters as GET /api/v1/feeds/products"),
    "POST /api/v1/lessons/{slug}/attempts": ("422", "answers are keyed by the lesson's question ids, and OpenAPI 3.0 "
                                                    "cannot constrain an object's keys"),
}
# negative_data_rejection sends schema-invalid requests and expects them refused. A batch of progress events
# is answered 200 with the invalid events rejected one by one and the valid ones stored (SPEC §6).
NEGATIVE_DATA_REFUSED = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429"]
NEGATIVE_DATA_ACCEPTED = {
    "POST /api/v1/progress/events": ("200", "invalid events are rejected one by one in a 200 answer (SPEC §6)"),
}

# Operations that end the session or the account they are called with: the run's identity must stay signed
# in, so they run on their own, each with a session of its own.
SESSION_ENDING = ("POST /api/v1/auth/logout", "POST /api/v1/auth/refresh", "DELETE /api/v1/me")


def _tokens(app, person_id):
    """A new session of the person: (access token, refresh token)."""
    with app.app_context():
        sign_in = start_session(db.session.get(User, person_id))
        return sign_in.access_token, sign_in.refresh_token


def _household(client, auth, name):
    person = auth.person()
    seller_id = open_shop(client, person, name=name)
    listed = listed_product(client, person, seller_id)
    # A draft without a price, a category or a photo: the fields a new product has null.
    draft = client.post(f"/api/v1/sellers/{seller_id}/products", headers=person.headers,
                        json={"title": "Măng khô Nà Hang loại 1"}).get_json()
    return person, seller_id, [listed["id"], draft["id"]]


def _session_ending_tokens(app, auth, person):
    """A token for each operation that ends the session or the account it is called with, so that the
    run's own token stays signed in to the end: two more sessions of the person, and a person to erase."""
    logout, _ = _tokens(app, person.id)
    _, refresh = _tokens(app, person.id)
    erasable = auth.person()
    return {
        "POST /api/v1/auth/logout": logout,
        "POST /api/v1/auth/refresh": refresh,
        "DELETE /api/v1/me": erasable.headers["Authorization"].removeprefix("Bearer "),
    }


@pytest.fixture
def identities(app, client, auth):
    """Who runs each role's test, who must not see their data, and the values that reach it."""
    household, shop, products = _household(client, auth, "Hộ chị Lan")
    neighbour, neighbour_shop, neighbour_products = _household(client, auth, "Hộ anh Tùng")
    manager = auth.person("manager", province="08")
    other_manager = auth.person("manager", province="01")
    return {
        "household": {
            "person": household,
            "peer": neighbour,
            # Half of the generated ids are the household's own, so that most operations reach real data.
            "values": {"seller_id": [shop], "product_id": products},
            "session_tokens": _session_ending_tokens(app, auth, household),
        },
        "manager": {
            "person": manager,
            "peer": other_manager,
            "values": {"province": ["08", "8"], "seller_id": [shop, neighbour_shop],
                       "product_id": [*products, *neighbour_products]},
            "session_tokens": _session_ending_tokens(app, auth, manager),
        },
    }


def _toml(value):
    """The little TOML this config needs; JSON's strings, numbers and arrays are valid TOML."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {_toml(item)}" for key, item in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(value)


def _config(*sections):
    """schemathesis.toml: the settings of every run, then the given sections."""
    lines = [
        f"seed = {SEED}",
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        'database = "none"',
        # Text with the NUL character is refused everywhere with 422 before anything is read (README, API
        # conventions; tests/api/test_bad_input.py): a rule of the whole API that no schema keyword can say.
        "allow-x00 = false",
    ]
    for check, expected, exceptions in (("positive_data_acceptance", POSITIVE_DATA_ACCEPTED, BUSINESS_RULES),
                                        ("negative_data_rejection", NEGATIVE_DATA_REFUSED, NEGATIVE_DATA_ACCEPTED)):
        for operation, (status, _why) in exceptions.items():
            lines += ["[[operations]]", f"include-name = {_toml(operation)}",
                      f"checks.{check}.expected-statuses = {_toml([*expected, status])}"]
    for section in sections:
        lines += section
    return "\n".join(lines) + "\n"


def _as_identity(tmp_path, role, identity):
    """The run's identity, its peer for object_level_authorization, and the values that reach its data."""
    auth_path = tmp_path / "auth.json"
    auth_path.write_text(json.dumps({"auth": [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": person.headers["Authorization"]}]}
        for name, person in ((role, identity["person"]), (f"{role}-peer", identity["peer"]))
    ]}))
    lines = [
        "[auth.wfc]",
        f"path = {_toml(str(auth_path))}",
        f"user = {_toml(role)}",
        # object_level_authorization replays the identity's reads of its own objects as the peer.
        f"peers = {_toml([role, f'{role}-peer'])}",
    ]
    for name, entries in identity["values"].items():
        lines += [f"[dictionaries.{name}]", f"values = {_toml(entries)}"]
    lines.append("[parameters]")
    lines += [f"{_toml(name)} = {_toml({'dictionary': name, 'probability': 0.5})}" for name in identity["values"]]
    # Run on their own, with tokens of their own (_session_ending_tokens).
    for operation in SESSION_ENDING:
        lines += ["[[operations]]", f"include-name = {_toml(operation)}", "enabled = false"]
    return lines


def _with_session_ending_tokens(tokens):
    lines = []
    for operation, token in tokens.items():
        lines += ["[[operations]]", f"include-name = {_toml(operation)}",
                  f"headers = {_toml({'Authorization': f'Bearer {token}'})}"]
    return lines


@dataclass
class Run:
    """What one `schemathesis run` found: its JUnit test cases, their failures, its phases, its output."""

    output: str
    returncode: int
    cases: list
    problems: list
    phases: dict
    seconds: float

    def summary(self):
        return self.output[self.output.find("FAILURES"):] if self.problems else ""


def _schemathesis(served, folder, config, *options):
    """`schemathesis run --checks all` over every phase against the served app, with the given config."""
    folder.mkdir()
    config_path = folder / "schemathesis.toml"
    config_path.write_text(config)
    report_dir = folder / "report"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_path), "--no-color",
        "run", f"{served.url}/api/v1/openapi.json",
        "--checks", "all", "--phases", ",".join(PHASES), "--workers", "1", "--seed", str(SEED),
        "--report", "junit,ndjson", "--report-dir", str(report_dir), *options,
    ]
    started = time.monotonic()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
    seconds = time.monotonic() - started
    assert finished.returncode in (0, 1), finished.stdout + finished.stderr
    (junit,) = report_dir.glob("junit*.xml")
    cases = ElementTree.parse(junit).getroot().findall(".//testcase")
    problems = [(case.get("name"), problem.text or problem.get("message"))
                for case in cases for problem in [*case.findall("failure"), *case.findall("error")]]
    (ndjson,) = report_dir.glob("ndjson*.ndjson")
    events = [json.loads(line) for line in ndjson.read_text().splitlines() if line.strip()]
    phases = {event["PhaseFinished"]["phase"]["name"]: event["PhaseFinished"]["status"]
              for event in events if "PhaseFinished" in event and event["PhaseFinished"]["phase"]["is_enabled"]}
    return Run(finished.stdout, finished.returncode, cases, problems, phases, seconds)


def _operations(app):
    """"METHOD /path" of every operation in the OpenAPI document, as Schemathesis names them."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method != "parameters"}


def schemathesis_finds_no_server_error_and_no_broken_contract(role, settings, identities, tmp_path):
    """One role's run, asserted; each role's test is a file of its own (tests/test_schemathesis_*.py), so
    that the two runs, the longest of the suite, go to two test processes and run side by side."""
    identity = identities[role]
    with LiveServer(settings) as served:
        run = _schemathesis(served, tmp_path / "run", _config(_as_identity(tmp_path, role, identity)))
        still_signed_in = served.app.test_client().get("/api/v1/me", headers=identity["person"].headers)
        session_ending = _schemathesis(
            served, tmp_path / "session-ending", _config(_with_session_ending_tokens(identity["session_tokens"])),
            *[option for operation in SESSION_ENDING for option in ("--include-name", operation)])
        operations = _operations(served.app)
    assert run.problems == [], f"{len(run.problems)} failing operations in {run.seconds:.0f} s:\n{run.summary()}"
    assert session_ending.problems == [], session_ending.summary()
    # Every operation was tested, the main run in every phase, and its identity stayed signed in to the end:
    # its requests reached real data, not only 401s. Every exception names an operation that exists.
    tested = {case.get("name") for case in [*run.cases, *session_ending.cases]} - {"Stateful tests"}
    assert tested == operations
    assert {*BUSINESS_RULES, *NEGATIVE_DATA_ACCEPTED, *SESSION_ENDING} <= operations
    assert all(run.phases.get(phase) == "success" for phase in PHASES), run.phases
    assert still_signed_in.status_code == 200
    assert run.returncode == session_ending.returncode == 0, run.output + session_ending.output
