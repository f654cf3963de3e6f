"""Phone sign-in: ask for a code, verify it, refresh and sign out."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt

from api.access import Blueprint, Digits, MobilePhone, login_required, refresh_token_required
from api.me import MeSchema, me_view
from server.extensions import limiter
from server.services import auth

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Phone sign-in")


class OtpRequestSchema(ma.Schema):
    phone = MobilePhone(required=True)


class VerifySchema(OtpRequestSchema):
    code = Digits(6, required=True, metadata={"example": "123 456"})


class CodeSentSchema(ma.Schema):
    expires_in = ma.fields.Integer(required=True, metadata={"description": "Seconds the code stays valid."})
    resend_after = ma.fields.Integer(required=True, metadata={
        "description": "Seconds to wait before offering to send another code."})


class TokenPairSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    refresh_token = ma.fields.String(required=True)


class SignInSchema(TokenPairSchema):
    user = ma.fields.Nested(MeSchema, required=True)
    is_new = ma.fields.Boolean(required=True)


def _otp_ip_limit():
    return current_app.config["OTP_IP_LIMIT"]


@blp.route("/otp")
class Otp(MethodView):
    decorators = [limiter.limit(_otp_ip_limit)]

    @blp.arguments(OtpRequestSchema)
    @blp.response(202, CodeSentSchema)
    @blp.alt_response(429, description="Too many codes for this phone or from this network.")
    def post(self, body):
        """Send a 6-digit sign-in code by SMS (valid 5 minutes)."""
        return auth.request_code(body["phone"])


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(VerifySchema)
    @blp.response(200, SignInSchema)
    def post(self, body):
        """Check the code; creates the account on first sign-in."""
        sign_in = auth.verify_code(body["phone"], body["code"])
        return {
            "access_token": sign_in.access_token,
            "refresh_token": sign_in.refresh_token,
            "user": me_view(sign_in.user),
            "is_new": sign_in.is_new,
        }


@blp.route("/refresh")
class Refresh(MethodView):
    @refresh_token_required
    @blp.response(200, TokenPairSchema)
    def post(self):
        """New tokens for a refresh token; the old refresh token stops working (sent again after a
        minute, it signs the session out)."""
        token = get_jwt()
        access, refresh = auth.refresh(current_user, token["sid"], token["jti"])
        return {"access_token": access, "refresh_token": refresh}


@blp.route("/logout")
class Logout(MethodView):
    @login_required
    @blp.response(204)
    def post(self):
        """Sign out this device: its access and refresh tokens stop working at once."""
        auth.sign_out(current_user, get_jwt()["sid"])
        return ""
