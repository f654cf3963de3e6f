"""Liveness and readiness of the service."""

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView

from api.access import Blueprint
from server.errors import ErrorSchema, error_body
from server.services.health import check_database

blp = Blueprint("health", __name__, url_prefix="/", description="Service health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "ok"})
    database = ma.fields.String(required=True, metadata={"example": "ok"})


class HealthDownSchema(ErrorSchema):
    database = ma.fields.String(required=True, metadata={"example": "error"})


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthDownSchema, description="A part of the service is down; `errors` names it.")
    def get(self):
        """Is the service up, and can it reach its database?"""
        problem = check_database()
        if problem:
            body = error_body(503, errors={"database": problem})
            # A Response object, so the 200 schema does not filter the error shape.
            return jsonify({**body, "database": "error"}), 503
        return {"status": "ok", "database": "ok"}
