"""Decorators and fields shared by the API modules."""

from datetime import UTC, date, datetime

import marshmallow as ma
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

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


class Trimmed(ma.fields.String):
    """A string with surrounding spaces removed, as phone keyboards often add them."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()
