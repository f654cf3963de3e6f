"""The signed-in person: profile, consent, data export and erasure."""

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, Trimmed, login_required
from server.i18n import SUPPORTED_LOCALES
from server.permissions import Role, roles_of
from server.services import accounts, places

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="My account")


class SellerSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    commune_code = ma.fields.String(required=True)


class GivenConsentSchema(ma.Schema):
    version = ma.fields.String(required=True)
    purposes = ma.fields.List(ma.fields.String(), required=True)
    recorded_at = ma.fields.DateTime(required=True)
    on_behalf = ma.fields.Boolean(required=True)


class ScopeSchema(ma.Schema):
    """Where a staff role applies: a union branch (trainer, union admin), a province or the whole
    country (manager, admin), so that the app offers only what the person may open."""

    role = ma.fields.String(required=True, metadata={"enum": [r.value for r in Role if r != Role.SELLER]})
    union_id = ma.fields.Integer(allow_none=True)
    # Written by scope_view; fields computed from the grant in the document.
    union_name = ma.fields.Function(lambda scope: scope["union_name"], metadata={"type": "string", "nullable": True})
    province_code = ma.fields.Function(lambda scope: scope["province_code"],
                                       metadata={"type": "string", "nullable": True,
                                                 "description": "Null: national (a national branch, or a national manager)."})


class MeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    phone = ma.fields.String(required=True, metadata={"example": "+84912345678"})
    full_name = ma.fields.String(allow_none=True)
    locale = ma.fields.String(allow_none=True, metadata={"enum": list(SUPPORTED_LOCALES)})
    gender = ma.fields.String(allow_none=True, metadata={"enum": list(accounts.GENDERS)})
    roles = ma.fields.List(ma.fields.String(metadata={"enum": [r.value for r in Role]}), required=True)
    sellers = ma.fields.List(ma.fields.Nested(SellerSummarySchema), required=True)
    scopes = ma.fields.List(ma.fields.Nested(ScopeSchema), required=True)
    consent = ma.fields.Nested(GivenConsentSchema, allow_none=True, metadata={
        "description": "The latest consent recorded, or null: the app asks for it again when the version changed."})


class MeUpdateSchema(ma.Schema):
    full_name = Trimmed(validate=ma.validate.Length(min=1, max=100))
    locale = ma.fields.String(validate=ma.validate.OneOf(SUPPORTED_LOCALES))
    gender = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(accounts.GENDERS))


class ConsentRequestSchema(ma.Schema):
    version = Trimmed(required=True, validate=ma.validate.Length(min=1, max=20),
                      metadata={"example": "2025-1"})
    purposes = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(accounts.CONSENT_PURPOSES)),
        required=True, validate=ma.validate.Length(min=1, max=len(accounts.CONSENT_PURPOSES)),
    )


class ConsentSchema(ma.Schema):
    version = ma.fields.String(required=True)
    purposes = ma.fields.List(ma.fields.String(), required=True)
    recorded_at = ma.fields.DateTime(required=True)
    recorded_by_id = ma.fields.Integer(required=True)
    on_behalf = ma.fields.Boolean(required=True)


class ExportSchema(ma.Schema):
    exported_at = ma.fields.String(required=True)
    user = ma.fields.Dict(required=True)
    consents = ma.fields.List(ma.fields.Dict(), required=True)
    sellers = ma.fields.List(ma.fields.Dict(), required=True)
    payout_accounts = ma.fields.List(ma.fields.Dict(), required=True)
    channels = ma.fields.List(ma.fields.Dict(), required=True)
    products = ma.fields.List(ma.fields.Dict(), required=True)
    sales = ma.fields.List(ma.fields.Dict(), required=True)
    learning = ma.fields.List(ma.fields.Dict(), required=True)
    quiz_attempts = ma.fields.List(ma.fields.Dict(), required=True)
    invitations = ma.fields.List(ma.fields.Dict(), required=True)
    activity = ma.fields.List(ma.fields.Dict(), required=True)


def scope_view(grant):
    """Where a staff role grant applies, as ScopeSchema documents it."""
    return {
        "role": grant.role,
        "union_id": grant.union_id,
        "union_name": grant.union and places.union_display_name(grant.union),
        "province_code": grant.union.province_code if grant.union else grant.province_code,
    }


def me_view(user):
    """The `/me` document of a user, as MeSchema documents it, in plain data that JSON writes as the
    schema would (times included: ISO 8601), so that /me, asked for on every start of the app, is
    written without the schema (issue 13); the sign-in answer still nests it in its own schema."""
    sellers, consent = accounts.sellers_and_consent(user)
    return {
        "id": user.id,
        "phone": user.phone,
        "full_name": user.full_name,
        "locale": user.locale,
        "gender": user.gender,
        "roles": [role.value for role in roles_of(user)],
        "sellers": sellers,
        "scopes": [scope_view(grant) for grant in
                   sorted(user.grants, key=lambda grant: (grant.role, grant.union_id or 0, grant.province_code or ""))],
        "consent": consent,
    }


@blp.route("")
class Me(MethodView):
    @login_required
    @blp.response(200, MeSchema)
    def get(self):
        """My profile, roles and shops."""
        return jsonify(me_view(current_user))

    @login_required
    @blp.arguments(MeUpdateSchema, required=False)  # no body: no change
    @blp.response(200, MeSchema)
    def patch(self, changes):
        """Change my name, language or gender."""
        return jsonify(me_view(accounts.update_profile(current_user, changes)))

    @login_required
    @blp.response(204)
    def delete(self):
        """Erase my personal data; anonymous counts stay; my tokens stop working."""
        accounts.erase(current_user)
        return ""


@blp.route("/consent")
class MyConsent(MethodView):
    @login_required
    @blp.arguments(ConsentRequestSchema)
    @blp.response(201, ConsentSchema)
    def post(self, body):
        """Record my consent to personal-data processing (Law 91/2025)."""
        return accounts.give_consent(current_user, body["version"], body["purposes"])


@blp.route("/export")
class MyExport(MethodView):
    @login_required
    @blp.response(200, ExportSchema)
    def get(self):
        """All my personal data, as JSON."""
        return accounts.export_data(current_user)
