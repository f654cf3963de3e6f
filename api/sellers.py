"""Sellers: households and cooperatives, their members and onboarding checklist."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, Digits, MobilePhone, Trimmed, login_required
from api.invitations import AddedSchema, SentInvitationSchema, is_invitation
from api.pagination import PageArgs, page_of
from server.pagination import paginate
from server.permissions import Permission
from server.services import onboarding, sellers

blp = Blueprint("sellers", __name__, url_prefix="/api/v1/sellers", description="Households and cooperatives")



class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    full_name = ma.fields.String(attribute="user.full_name", allow_none=True)
    phone = ma.fields.String(attribute="user.phone", allow_none=True)
    role = ma.fields.String(required=True, metadata={"enum": ["owner", *sellers.MEMBER_ROLES]})
    added_at = ma.fields.DateTime(required=True)


class MemberAddedSchema(AddedSchema):
    """A member whose role was changed (`active`), or an invitation (`pending`) showing only the number."""

    user_id = ma.fields.Function(lambda m: None if is_invitation(m) else m.user_id,
                                 metadata={"type": "integer", "nullable": True})
    full_name = ma.fields.Function(lambda m: None if is_invitation(m) else m.user.full_name,
                                   metadata={"type": "string", "nullable": True})
    phone = ma.fields.Function(lambda m: m.phone if is_invitation(m) else m.user.phone,
                               metadata={"type": "string"})
    role = ma.fields.String(required=True, metadata={"enum": ["owner", *sellers.MEMBER_ROLES]})
    # A datetime, written in ISO 8601 by the app's JSON encoder (server/json_responses.py).
    added_at = ma.fields.Function(lambda m: m.created_at if is_invitation(m) else m.added_at,
                                  metadata={"type": "string", "format": "date-time"})


# What the shop's public product pages (/p/{id}) show buyers besides the product; all off for a new shop.
PAGE_OPTIONS = {
    "show_phone": "The owner's phone on the shop's product pages, as call and Zalo chat buttons.",
    "show_channels": "Buttons to the shop's channel links (\"Mua trên Shopee\"…) on its product pages.",
    "show_vietqr": "The payout account's VietQR on the shop's product pages, once there is an account.",
}


class SellerSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(sellers.SELLER_KINDS)})
    name = ma.fields.String(required=True)
    commune_code = ma.fields.String(required=True)
    commune_name = ma.fields.String(attribute="commune.name")
    province_code = ma.fields.String(attribute="commune.province_code")
    address = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    owner_id = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    activated_at = ma.fields.DateTime(allow_none=True)
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    show_phone = ma.fields.Boolean(required=True, metadata={"description": PAGE_OPTIONS["show_phone"]})
    show_channels = ma.fields.Boolean(required=True, metadata={"description": PAGE_OPTIONS["show_channels"]})
    show_vietqr = ma.fields.Boolean(required=True, metadata={"description": PAGE_OPTIONS["show_vietqr"]})


class SellerCreateSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(sellers.SELLER_KINDS))
    name = Trimmed(required=True, validate=ma.validate.Length(min=2, max=120))
    commune_code = Digits(5, required=True, metadata={"example": "02221"})
    address = Trimmed(allow_none=True, validate=ma.validate.Length(max=255))
    description = Trimmed(allow_none=True, validate=ma.validate.Length(max=2000))


class SellerUpdateSchema(ma.Schema):
    name = Trimmed(validate=ma.validate.Length(min=2, max=120))
    commune_code = Digits(5)
    address = Trimmed(allow_none=True, validate=ma.validate.Length(max=255))
    description = Trimmed(allow_none=True, validate=ma.validate.Length(max=2000))
    show_phone = ma.fields.Boolean(metadata={"description": PAGE_OPTIONS["show_phone"]})
    show_channels = ma.fields.Boolean(metadata={"description": PAGE_OPTIONS["show_channels"]})
    show_vietqr = ma.fields.Boolean(metadata={"description": PAGE_OPTIONS["show_vietqr"]})


class MemberCreateSchema(ma.Schema):
    phone = MobilePhone(required=True)
    role = ma.fields.String(load_default="member", validate=ma.validate.OneOf(sellers.MEMBER_ROLES))


class StepSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"enum": list(onboarding.STEP_KEYS)})
    done = ma.fields.Boolean(required=True)
    done_at = ma.fields.DateTime(allow_none=True)


class OnboardingSchema(ma.Schema):
    steps = ma.fields.List(ma.fields.Nested(StepSchema), required=True)
    percent = ma.fields.Integer(required=True, validate=ma.validate.Range(0, 100))
    activated_at = ma.fields.DateTime(allow_none=True)


@blp.route("")
class Sellers(MethodView):
    @login_required
    @blp.arguments(SellerCreateSchema)
    @blp.response(201, SellerSchema)
    def post(self, body):
        """Set up a shop: a household or a cooperative. The caller becomes its owner."""
        return sellers.create_seller(current_user, **body)


@blp.route("/<id:seller_id>")
class SellerDetail(MethodView):
    @login_required
    @blp.response(200, SellerSchema)
    @blp.alt_response(404, description="No such seller, or not yours.")
    def get(self, seller_id):
        """A shop I own or belong to."""
        return sellers.get_seller(current_user, seller_id)

    @login_required
    @blp.arguments(SellerUpdateSchema, required=False)  # no body: no change
    @blp.response(200, SellerSchema)
    @blp.alt_response(403, description="Only the owner changes the shop.")
    @blp.alt_response(404, description="No such seller, or not yours.")
    def patch(self, changes, seller_id):
        """Change the shop's name, commune, address, description, or what its product pages show
        buyers (owner only)."""
        return sellers.update_seller(current_user, seller_id, changes)


@blp.route("/<id:seller_id>/members")
class SellerMembers(MethodView):
    @login_required
    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberAddedSchema)
    @blp.alt_response(200, schema=MemberAddedSchema, description="Already a member (role updated) or already invited.")
    @blp.alt_response(403, description="Only the owner adds members.")
    @blp.alt_response(404, description="No such seller, or not yours.")
    def post(self, body, seller_id):
        """Invite a person to the cooperative by phone, as manager or member (owner only); they join
        when they accept. For someone already in it, change their role."""
        member, created = sellers.add_member(current_user, seller_id, body["phone"], body["role"])
        return member, 201 if created else 200


@blp.route("/<id:seller_id>/members/<id:user_id>")
class SellerMember(MethodView):
    @login_required
    @blp.response(204)
    @blp.alt_response(403, description="Only the owner takes others out.")
    @blp.alt_response(404, description="No such seller or member, or not yours.")
    @blp.alt_response(422, description="The owner cannot leave the cooperative.")
    def delete(self, seller_id, user_id):
        """Leave the cooperative (a member, for themselves), or take someone out of it (owner)."""
        sellers.remove_member(current_user, seller_id, user_id)
        return ""


@blp.route("/<id:seller_id>/invitations")
class SellerInvitations(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(SentInvitationSchema))
    @blp.alt_response(403, description="Only the owner sees invitations.")
    @blp.alt_response(404, description="No such seller, or not yours.")
    def get(self, args, seller_id):
        """People invited to the cooperative who have not answered yet: numbers only (owner)."""
        return paginate(sellers.pending_invitations(current_user, seller_id), args["page"], args["page_size"])


@blp.route("/<id:seller_id>/onboarding")
class SellerOnboarding(MethodView):
    @login_required
    @blp.response(200, OnboardingSchema)
    @blp.alt_response(404, description="No such seller, or not yours.")
    def get(self, seller_id):
        """The onboarding checklist, with what is done and when."""
        seller = sellers.get_seller(current_user, seller_id, Permission.SELLERS_VIEW)
        return onboarding.checklist(seller)
