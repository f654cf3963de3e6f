"""Every response a test gets from the API is checked against the app's own OpenAPI document, with
openapi-core: a status the operation does not list, a field the schema does not have, a value it does not
allow, a content type it does not name, all fail the test that got the response.

The document is read once per test session (from the first app a test client talks to) and its validator
built once; tests/conftest.py switches the check on for every Flask test client of the session.

- A documented operation: the status must be listed by the operation (500 and 503, which any route may
  answer for reasons outside its view, are its `default` error response); a JSON body must match the
  schema, with no field the schema does not name; another body must be of a content type the response
  names (CSV and XLSX downloads are checked that far).
- A path or method under /api/v1 the document does not have: the answer must be an error (4xx) in the
  error shape of SPEC §5.
- Anything else (the phone app's files, /p/{id} pages, media, the document and its docs page) is not the
  API and is not checked.
"""

import gzip
import json
from contextlib import contextmanager
from threading import Lock
from urllib.parse import urljoin

import brotli
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.media_types.finders import MediaTypeFinder
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.responses.finders import ResponseFinder
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/v1/"
DOCUMENT_PATH = "/api/v1/openapi.json"
# The document itself and the human docs page (HTML and its files) are not API answers.
NOT_API = ("/api/v1/openapi.json", "/api/v1/docs")
# Any route may answer these for reasons outside its view (a crash, the database out of reach): they are
# the `default` error response of every operation, and need not be listed one by one.
ANY_ROUTE = {500, 503}
# Flask answers OPTIONS itself; HEAD is GET without a body.
UNCHECKED_METHODS = {"OPTIONS", "HEAD"}


class ContractBroken(AssertionError):
    """A response the document does not describe."""


class Contract:
    """The document and its validator, built once."""

    def __init__(self, document):
        self.document = document
        # Forbid what the schemas do not name: a field the API sends but does not document is a failure.
        self.openapi = OpenAPI.from_dict(document, config=Config(additional_properties_default_policy="forbid"))
        self.validator = self.openapi.response_validator
        self.finder = self.validator.path_finder
        self.found = {}
        self.body_validators = {}
        error = document["components"]["schemas"]["Error"]
        self.error_validator = OAS30Validator({**error, "additionalProperties": False})

    def check(self, response, application):
        """Raise ContractBroken, saying what differs, when the document does not describe the response
        `application` (a Flask app) gave."""
        request = response.request
        if request.method in UNCHECKED_METHODS or request.path.startswith(NOT_API):
            return
        where = f"{request.method} {request.full_path.rstrip('?')} → {response.status_code}"
        try:
            found = self._find(application, request)
        except PathError:
            if request.path.startswith(API_PREFIX):
                self._check_undocumented_route(response, where)
            return
        if response.status_code == 405:
            # The path is served, not with this method (the document may have matched another operation's
            # template, as /photos/{photo_id} for /photos/order): there is no such operation.
            self._check_undocumented_route(response, where)
            return
        template = found.path.parts[-1]
        operation = self.document["paths"][template][request.method.lower()]
        self._check_status(response, operation, f"{where} ({request.method} {template})")
        body = _body(response)
        if response.is_json:
            self._check_json(response, body, found.operation, f"{where} ({request.method} {template})",
                             (template, request.method, response.status_code, response.mimetype))
        else:
            self._check_other(response, operation, body, f"{where} ({request.method} {template})")

    def _check_undocumented_route(self, response, where):
        if response.status_code < 400 or (response.status_code >= 500 and response.status_code not in ANY_ROUTE):
            raise ContractBroken(f"{where}: the document has no such operation, yet the API answered it")
        _require(response.is_json, f"{where}: an error that is not JSON ({response.mimetype})")
        problems = [_say(error) for error in self.error_validator.iter_errors(response.get_json())]
        _require(not problems, f"{where}: the error breaks the error shape (SPEC §5): " + "; ".join(problems))

    def _check_status(self, response, operation, where):
        status = response.status_code
        listed = operation["responses"]
        if status in ANY_ROUTE or str(status) in listed or f"{status // 100}XX" in listed:
            return
        documented = ", ".join(code for code in listed if code != "default")
        raise ContractBroken(f"{where}: status {status} is not documented (documented: {documented}); "
                             f"body: {response.get_data(as_text=True)[:300]}")

    def _find(self, application, request):
        """The document's operation for a request, looked up once per Flask route and method: openapi-core's
        own lookup (in validate_response) tries every path of the document on every response."""
        try:
            rule, _ = application.url_map.bind_to_environ(request.environ).match(return_rule=True)
            key = (request.method, rule.rule)
        except HTTPException:  # no route (404) or not with this method (405): the path itself
            key = (request.method, request.path)
        if key not in self.found:
            try:
                self.found[key] = self.finder.find(request.method.lower(), urljoin(request.host_url, request.path))
            except PathError as error:
                self.found[key] = error
        if isinstance(self.found[key], PathError):
            raise self.found[key]
        return self.found[key]

    def _check_json(self, response, body, operation, where, key):
        if key not in self.body_validators:
            try:
                self.body_validators[key] = self._body_validator(operation, response.status_code, response.mimetype)
            except OpenAPIError as error:  # no such response or content type: say which
                raise ContractBroken(f"{where}: {error}") from None
        body_validator, has_headers = self.body_validators[key]
        problems = []
        if body_validator is None:  # nothing documented (a 204): nothing sent
            _require(not body, f"{where}: a body ({response.mimetype}) where the document shows none")
        else:
            try:
                body_validator.validate(json.loads(body))
            except InvalidSchemaValue as error:
                problems = [_say(schema_error) for schema_error in error.schema_errors]
        if has_headers:
            headers = Headers(response.headers)
            problems += [_explain(error)
                         for error in self.validator._iter_headers_errors(response.status_code, headers, operation)]
        _require(not problems, f"{where}: the response breaks the document: {'; '.join(problems)}; "
                               f"body: {body[:300].decode(errors='replace')}")

    def _body_validator(self, operation, status, mimetype):
        """openapi-core's validator of one response's schema, made once for the session: making it is most of
        the cost of openapi-core's validate_response, which makes it again for every response."""
        documented = ResponseFinder(operation / "responses").find(str(status))
        if "content" not in documented:
            return None, "headers" in documented
        _, _, media_type = MediaTypeFinder(documented / "content").find(mimetype)
        schema_validator = self.validator.schema_validators_factory.create(
            self.validator.spec, media_type / "schema",
            format_validators=self.validator.format_validators,
            extra_format_validators=self.validator.extra_format_validators,
            forbid_unspecified_additional_properties=True,
        )
        return schema_validator, "headers" in documented

    def _check_other(self, response, operation, body, where):
        documented = operation["responses"].get(str(response.status_code), {})
        content = self._resolve(documented).get("content")
        if content is None:
            _require(not body, f"{where}: a body ({response.mimetype}) where the document shows none")
            return
        _require(response.mimetype in content,
                 f"{where}: content type {response.mimetype} is not documented (documented: {', '.join(content)})")

    def _resolve(self, item):
        while "$ref" in item:
            section, name = item["$ref"].split("/")[-2:]
            item = self.document["components"][section][name]
        return item


def _body(response):
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    return data


def _require(condition, message):
    if not condition:
        raise ContractBroken(message)


def _say(error):
    """One jsonschema error as a person reads it: where in the body, and what is wrong."""
    place = "/".join(str(part) for part in error.absolute_path) or "the body"
    return f"at {place}: {error.message}"


def _explain(error):
    """openapi-core wraps the schema's errors in one or two exceptions: find them and say each."""
    seen = error
    while seen is not None:
        schema_errors = getattr(seen, "schema_errors", None)
        if schema_errors:
            return "; ".join(_say(schema_error) for schema_error in schema_errors)
        seen = seen.__cause__ or seen.__context__
    return f"{type(error).__name__}: {error}"


_contract = None
_building = Lock()


def _contract_of(client, open_unchecked):
    """The session's contract, built from the document of the first app a client talks to."""
    global _contract
    with _building:
        if _contract is None:
            reader = client.application.test_client()
            answer = open_unchecked(reader, DOCUMENT_PATH)
            assert answer.status_code == 200, f"{DOCUMENT_PATH} answered {answer.status_code}"
            _contract = Contract(json.loads(answer.get_data()))
    return _contract


@contextmanager
def checking_test_clients():
    """While inside, every response of every Flask test client is checked against the document."""
    open_unchecked = FlaskClient.open

    def open_checked(self, *args, **kwargs):
        response = open_unchecked(self, *args, **kwargs)
        if getattr(response, "request", None) is not None:
            _contract_of(self, open_unchecked).check(response, self.application)
        return response

    FlaskClient.open = open_checked
    try:
        yield
    finally:
        FlaskClient.open = open_unchecked
