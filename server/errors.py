"""Domain errors, and the one JSON error shape every failure is answered with."""

import logging
import re
import threading
import time

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Api
from sqlalchemy import exc as database
from werkzeug.exceptions import InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from server.messages import STATUS_MESSAGES, translate_errors

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message=None, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class InvalidInput(DomainError):
    status = 422


class Unauthorized(DomainError):
    status = 401


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooLarge(DomainError):
    status = 413


class UnsupportedMedia(DomainError):
    status = 415


class TooManyRequests(DomainError):
    status = 429

    def __init__(self, message=None, errors=None, retry_after=None):
        super().__init__(message, errors)
        self.retry_after = retry_after


class Unavailable(DomainError):
    status = 503


def error_body(status, message=None, errors=None):
    """The error shape of SPEC §5: code, status, localized message, optional field errors."""
    body = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "message": str(message or STATUS_MESSAGES.get(status) or HTTP_STATUS_CODES.get(status, "")),
    }
    if errors:
        body["errors"] = translate_errors(errors)
    return body


WEBARGS_LOCATIONS = ("json", "query", "form", "files", "headers", "path", "view_args")


def _by_field(messages):
    """webargs groups field errors by location ({"json": {"phone": [...]}}); clients want fields."""
    if not isinstance(messages, dict):
        return messages
    merged = {}
    for location, fields in messages.items():
        if location in WEBARGS_LOCATIONS and isinstance(fields, dict):
            merged.update(fields)
        else:
            merged[location] = fields
    return merged


def _retry_after():
    """Seconds until Flask-Limiter's breached window resets, for the Retry-After header."""
    from server.extensions import limiter

    breached = limiter.current_limit
    if breached is None:
        return {}
    return {"Retry-After": str(max(1, int(breached.reset_at - time.time())))}


class ErrorSchema(ma.Schema):
    """The error shape of SPEC §5, as the OpenAPI document shows it (error_body builds it)."""

    code = ma.fields.Integer(required=True, metadata={"description": "The HTTP status.", "example": 422})
    status = ma.fields.String(required=True, metadata={"description": "Its reason phrase.",
                                                       "example": "Unprocessable Entity"})
    message = ma.fields.String(required=True, metadata={"description": "A sentence in the caller's language."})
    errors = ma.fields.Dict(metadata={"description": "Messages by field (nested for nested fields), when fields "
                                                     "were at fault."})


# Errors that every operation of a kind may answer, whatever its view: documented on each such operation
# (a view's own description of the same status wins).
PATH_NOT_FOUND = {"description": "Nothing by this id, or nothing the caller may see."}
BODY_TOO_LARGE = {"description": "The body is larger than this operation accepts; nothing was read."}
BODY_UNREADABLE = {"description": "The body is not JSON that can be read: malformed, nested too deeply, or a "
                                  "number with too many digits."}


class ErrorResponsesPlugin(BasePlugin):
    """Every error response of an operation documents the error shape, also those declared with only a
    description (`@blp.alt_response(404, description=...)`): the API answers all of them with it. Errors
    common to a kind of operation are documented on each of them: 404 where the path names something,
    413 where a body is sent, 400 where that body is JSON."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            # flask-smorest writes some statuses as integers, others as text.
            documented = {str(status) for status in responses}
            common = {}
            if "{" in (path or ""):
                common["404"] = PATH_NOT_FOUND
            body = operation.get("requestBody")
            if body:
                common["413"] = BODY_TOO_LARGE
                if "application/json" in body.get("content", {}):
                    common["400"] = BODY_UNREADABLE
            for status, response in common.items():
                if status not in documented:
                    responses[status] = dict(response)
            for status, response in responses.items():
                if str(status).isdigit() and int(status) >= 400 and isinstance(response, dict) \
                        and "$ref" not in response and "content" not in response:
                    response["content"] = {"application/json": {"schema": "Error"}}


class OperationNamesPlugin(BasePlugin):
    """An operationId for every operation, made from its method and path (`get_sellers_seller_id_products`):
    what generated clients name their functions after. Public operations say `security: []`, so that
    a reader (and Redocly) sees no sign-in is needed rather than guessing."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        words = re.findall(r"[a-z0-9]+", (path or "").removeprefix("/api/v1").lower())
        for method, operation in (operations or {}).items():
            operation.setdefault("operationId", "_".join([method, *words]))
            operation.setdefault("security", [])


def null_among_choices(converter, field, ret, **kwargs):
    """apispec attribute function: a field that may be null, with its choices given as metadata, lists
    null among them. OpenAPI 3.0 checks `enum` before `nullable`, so without it null breaks the document."""
    choices = ret.get("enum")
    if field.allow_none and choices is not None and None not in choices:
        return {"enum": [*choices, None]}
    return {}


class JsonErrorApi(Api):
    """flask-smorest's Api, answering every HTTP error with our localized shape, and documenting it so."""

    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, *, extra_plugins=None, **options):
        self._undocumented = []
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ErrorResponsesPlugin(), OperationNamesPlugin()],
                           **options)
        self.ma_plugin.converter.add_attribute_function(null_among_choices)

    def _register_pagination_header(self):
        """Lists say their page in the body (SPEC §5), never in flask-smorest's X-Pagination header: its
        schema would be an unused component of the document."""

    # The OpenAPI document is written when it is first read, not when the app is built: documenting
    # 18 blueprints was two thirds of create_app, paid by every gunicorn worker at start and by every
    # test, most of which never read the document.
    _undocumented = ()
    _documenting = threading.RLock()

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register the blueprint's routes now and its documentation when the document is read (as
        flask-smorest's own register_blueprint does, in two steps)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    @property
    def spec(self):
        with self._documenting:
            if self._undocumented:
                undocumented, self._undocumented = self._undocumented, []
                for blp, name, parameters in undocumented:
                    blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def handle_http_exception(self, error):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or _by_field(data.get("messages"))
        headers = data.get("headers") or {}
        if error.code == 405 and error.valid_methods:
            headers = {**headers, "Allow": ", ".join(error.valid_methods)}
        if error.code == 429:
            headers = {**headers, **_retry_after()}
        return error_body(error.code, data.get("message"), errors), error.code, headers


def handle_domain_error(error):
    headers = {}
    if getattr(error, "retry_after", None):
        headers["Retry-After"] = str(int(error.retry_after))
    return error_body(error.status, error.message, error.errors), error.status, headers


def handle_unexpected_error(error):
    """Log the traceback; the client only ever sees the JSON shape."""
    log.exception("Unhandled error", exc_info=error)
    return error_body(InternalServerError.code), InternalServerError.code


# What a client should wait before trying again when the service is down for a moment.
RETRY_AFTER_SECONDS = 10


def handle_database_error(error):
    """The database cannot be reached, timed out or dropped the connection: 503, try again soon.

    OperationalError is the DBAPI's class for failures of the database rather than of the query
    (connection refused or timed out, statement timeout, server shutting down, SQLite locked).
    Other database errors are bugs: 500.
    """
    if isinstance(error, database.DBAPIError) and not (
        isinstance(error, database.OperationalError) or error.connection_invalidated
    ):
        return handle_unexpected_error(error)
    log.error("Database unavailable: %s", error)
    return error_body(Unavailable.status), Unavailable.status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def add_retry_after(response):
    """Every 503 says when to come back, also those built by a view (/healthz)."""
    if response.status_code == Unavailable.status:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def register_error_handlers(app):
    app.register_error_handler(DomainError, handle_domain_error)
    # A pool with no free connection in time, or one found dead, is an outage too.
    for error_class in (database.DBAPIError, database.TimeoutError, database.DisconnectionError):
        app.register_error_handler(error_class, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.after_request(add_retry_after)
