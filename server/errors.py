"""Domain errors, and the one JSON error shape every failure is answered with."""

import logging

from flask_smorest import Api
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


class JsonErrorApi(Api):
    """flask-smorest's Api, answering every HTTP error with our localized shape."""

    def handle_http_exception(self, error):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = data.get("headers") or {}
        if error.code == 405 and error.valid_methods:
            headers = {**headers, "Allow": ", ".join(error.valid_methods)}
        return error_body(error.code, data.get("message"), errors), error.code, headers


def handle_domain_error(error):
    return error_body(error.status, error.message, error.errors), error.status


def handle_unexpected_error(error):
    """Log the traceback; the client only ever sees the JSON shape."""
    log.exception("Unhandled error", exc_info=error)
    return error_body(InternalServerError.code), InternalServerError.code


def register_error_handlers(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected_error)
