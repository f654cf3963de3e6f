"""Decorators and fields shared by the API modules."""

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


class Trimmed(ma.fields.String):
    """A string with surrounding spaces removed, as phone keyboards often add them."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()
