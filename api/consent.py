"""The consent text, so that a person reads what they agree to, in their language."""

import marshmallow as ma
from flask.views import MethodView

from api.access import Blueprint
from server.services import consent
from server.services.accounts import CONSENT_PURPOSES

blp = Blueprint("consent", __name__, url_prefix="/api/v1", description="Consent to personal data processing")


class PurposeSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"enum": list(CONSENT_PURPOSES)})
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True, metadata={"description": "The app cannot work without it."})


class ConsentTextSchema(ma.Schema):
    version = ma.fields.String(required=True, metadata={"example": consent.VERSION})
    title = ma.fields.String(required=True)
    paragraphs = ma.fields.List(ma.fields.String(), required=True)
    purposes = ma.fields.List(ma.fields.Nested(PurposeSchema), required=True)


@blp.route("/consent")
class ConsentText(MethodView):
    @blp.response(200, ConsentTextSchema)
    def get(self):
        """The current consent text and its purposes, in the caller's language (Accept-Language)."""
        return consent.current_text()
