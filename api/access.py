"""Decorators and fields shared by the API modules."""

from datetime import UTC, date, datetime

import flask_smorest
import marshmallow as ma
from flask_jwt_extended import jwt_required
from werkzeug.routing import IntegerConverter

from api.parser import RequestParser
from server.spreadsheets import FORMATS


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, reading request bodies with our parser (api/parser.py)."""

    ARGUMENTS_PARSER = RequestParser()


BEARER = [{"bearerAuth": []}]
UNAUTHORIZED = {"401": {"$ref": "#/components/responses/DEFAULT_ERROR"}}


def login_required(view):
    """Require a valid access token, and say so in the OpenAPI document."""
    return Blueprint.doc(security=BEARER, responses=UNAUTHORIZED)(jwt_required()(view))


def refresh_token_required(view):
    return Blueprint.doc(security=BEARER, responses=UNAUTHORIZED)(jwt_required(refresh=True)(view))


# Days and moments the programme can be about; anything else is a typing slip (or an attack).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
DAY_RANGE = ma.validate.Range(min=FIRST_DAY, max=LAST_DAY)
MOMENT_RANGE = ma.validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 12, 31, tzinfo=UTC))


def Day(**kwargs):  # noqa: N802 - a field factory, named like the fields it makes
    """A calendar day from 2000 to 2100."""
    return ma.fields.Date(validate=DAY_RANGE, **kwargs)


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
