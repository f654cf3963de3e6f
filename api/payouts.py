"""A seller's payout account and VietQR payment codes."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import ROLE_MAY_NOT, Blueprint, Digits, Trimmed, login_required
from server import vietqr
from server.services import commerce

blp = Blueprint("payouts", __name__, url_prefix="/api/v1/sellers", description="Payout account and VietQR")


class PayoutSchema(ma.Schema):
    bank_bin = ma.fields.String(required=True, metadata={"example": "970405"})
    bank_name = ma.fields.Function(lambda account: vietqr.BANKS.get(account.bank_bin),
                                   metadata={"type": "string"})
    account_number = ma.fields.String(required=True)
    account_name = ma.fields.String(required=True)
    updated_at = ma.fields.DateTime()


class PayoutUpdateSchema(ma.Schema):
    bank_bin = Digits(6, required=True)
    account_number = Digits((6, 19), required=True, metadata={"example": "0123 456 789"})
    account_name = Trimmed(required=True, validate=ma.validate.Length(min=2, max=50))


class VietQrArgs(ma.Schema):
    amount = ma.fields.Integer(validate=ma.validate.Range(1, 500_000_000))
    memo = ma.fields.String(validate=ma.validate.Length(max=100))


class VietQrSchema(ma.Schema):
    payload = ma.fields.String(required=True, metadata={"example": "000201010211…6304ABCD"})
    png_base64 = ma.fields.String(required=True)
    bank_name = ma.fields.String()
    account_name = ma.fields.String()
    account_number = ma.fields.String()
    amount_vnd = ma.fields.Integer(allow_none=True)


class BankSchema(ma.Schema):
    bin = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


@blp.route("/<id:seller_id>/payout")
class Payout(MethodView):
    @login_required
    @blp.response(200, PayoutSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def get(self, seller_id):
        """The shop's payout account."""
        return commerce.get_payout(current_user, seller_id)

    @login_required
    @blp.arguments(PayoutUpdateSchema)
    @blp.response(200, PayoutSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def put(self, body, seller_id):
        """Set the bank account buyers pay into (owner only)."""
        return commerce.set_payout(current_user, seller_id, **body)


@blp.route("/<id:seller_id>/vietqr")
class VietQr(MethodView):
    @login_required
    @blp.arguments(VietQrArgs, location="query")
    @blp.response(200, VietQrSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def get(self, args, seller_id):
        """A VietQR code buyers scan with any banking app, with amount and note when given."""
        return commerce.vietqr_for(current_user, seller_id, args.get("amount"), args.get("memo"))


banks_blp = Blueprint("banks", __name__, url_prefix="/api/v1", description="Banks for payouts")


@banks_blp.route("/banks")
class Banks(MethodView):
    @banks_blp.response(200, BankSchema(many=True))
    def get(self):
        """Banks a payout account can be at (NAPAS bank identification numbers)."""
        return [{"bin": code, "name": name} for code, name in vietqr.BANKS.items()]
