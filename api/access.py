"""Decorators and fields shared by the API modules."""

import re
from datetime import UTC, date, datetime

import flask_smorest
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_jwt_extended import jwt_required
from werkzeug.routing import IntegerConverter

from api.parser import RequestParser
from server.errors import InvalidInput
from server.phones import normalize_mobile
from server.spreadsheets import FORMATS


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading request bodies with our parser (api/parser.py)."""

    ARGUMENTS_PARSER = RequestParser()
    # "multipart": files and fields of one multipart/form-data body (api/parser.py), documented as such.
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}


BEARER = [{"bearerAuth": []}]
UNAUTHORIZED = {"401": {"$ref": "#/components/responses/DEFAULT_ERROR"}}
# The 403 of SPEC §5, for `@blp.alt_response(403, description=ROLE_MAY_NOT)`.
ROLE_MAY_NOT = "The caller may see this, but their role may not do it."


def login_required(view):
    """Require a valid access token, and say so in the OpenAPI document."""
    return Blueprint.doc(security=BEARER, responses=UNAUTHORIZED)(jwt_required()(view))


def refresh_token_required(view):
    return Blueprint.doc(security=BEARER, responses=UNAUTHORIZED)(jwt_required(refresh=True)(view))


# Days and moments the programme can be about; anything else is a typing slip (or an attack).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
DAY_RANGE = ma.validate.Range(min=FIRST_DAY, max=LAST_DAY)
MOMENT_RANGE = ma.validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 12, 31, tzinfo=UTC))


# The same days as a pattern, for the OpenAPI document: JSON Schema cannot bound a date.
DAY_PATTERN = r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def Day(**kwargs):  # noqa: N802 - a field factory, named like the fields it makes
    """A calendar day from 2000 to 2100."""
    metadata = {"pattern": DAY_PATTERN, **kwargs.pop("metadata", {})}
    return ma.fields.Date(validate=DAY_RANGE, metadata=metadata, **kwargs)


MAX_ID = 2_147_483_647


class IdConverter(IntegerConverter):
    """`<id:seller_id>`: a database id. Ids are 32-bit on PostgreSQL; larger numbers are simply not found."""

    def __init__(self, url_map):
        super().__init__(url_map, max=MAX_ID)


def id_parameter_schema(_converter):
    return {"type": "integer", "minimum": 0, "maximum": MAX_ID}


def register_converters(app, api):
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, id_parameter_schema)


class ExportArgs(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS))


class Trimmed(ma.fields.String):
    """A string with surrounding spaces removed, as phone keyboards often add them."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


# What people put between digits when they type a code or an account number: "123 456", "0123.456.789".
_SEPARATOR = r"[ .\-]"
_DIGIT_SEPARATORS = re.compile(_SEPARATOR)


def _digits_pattern(low, high):
    """The text Digits accepts, as a pattern both this module and the OpenAPI document use (ASCII digits only)."""
    count = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return rf"^{_SEPARATOR}*(?:[0-9]{_SEPARATOR}*){count}$"


class Digits(ma.fields.String):
    """A code made of digits, as people type it: spaces, dots and dashes between digits are dropped.

    `length` is exact, or (min, max). Errors are in the request's language.
    """

    def __init__(self, length, **kwargs):
        self.low, self.high = (length, length) if isinstance(length, int) else length
        pattern = _digits_pattern(self.low, self.high)
        self.accepted = re.compile(pattern)
        metadata = {"pattern": pattern, "description": "Digits; spaces, dots and dashes between them are ignored.",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not self.accepted.fullmatch(text):
            if self.low == self.high:
                raise ma.ValidationError([_l("Enter %(count)d digits.", count=self.low)])
            raise ma.ValidationError([_l("Enter %(low)d to %(high)d digits.", low=self.low, high=self.high)])
        return _DIGIT_SEPARATORS.sub("", text)


class MobilePhone(ma.fields.String):
    """A Vietnamese mobile number as people write it, loaded as E.164; checked with the other fields,
    so that a form's every mistake is reported at once."""

    def __init__(self, **kwargs):
        metadata = {"example": "0912 345 678", **kwargs.pop("metadata", {})}
        super().__init__(validate=ma.validate.Length(min=1, max=25), metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_mobile(super()._deserialize(value, attr, data, **kwargs))
        except InvalidInput as error:
            raise ma.ValidationError([str(message) for messages in error.errors.values() for message in messages]) from None
