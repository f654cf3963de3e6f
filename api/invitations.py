"""Invitations: mine to answer, and the ones I sent that are still waiting."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, login_required
from server.models.invitations import KINDS, STATUSES, Invitation
from server.services import invitations, places
from server.services.sellers import MEMBER_ROLES

blp = Blueprint("invitations", __name__, url_prefix="/api/v1", description="Invitations")

KIND = {"enum": list(KINDS)}
STATUS = {"enum": list(STATUSES)}


class SentInvitationSchema(ma.Schema):
    """What the inviter sees until the person answers: the number they typed, and that it waits."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata=KIND)
    phone = ma.fields.String(required=True, metadata={"description": "The number as the inviter typed it."})
    role = ma.fields.String(allow_none=True, metadata={"enum": list(MEMBER_ROLES)})
    status = ma.fields.String(required=True, metadata=STATUS)
    created_at = ma.fields.DateTime(required=True)
    sms_sent = ma.fields.Function(lambda i: i.sms_sent_at is not None, metadata={"type": "boolean"})


def is_invitation(thing):
    return isinstance(thing, Invitation)


class AddedSchema(ma.Schema):
    """Someone added by phone: in already (`active`), or invited (`pending`), when only the number typed
    is shown."""

    status = ma.fields.Function(lambda added: "pending" if is_invitation(added) else "active",
                                metadata={"type": "string", "enum": ["active", "pending"]})
    invitation_id = ma.fields.Function(lambda added: added.id if is_invitation(added) else None,
                                       metadata={"type": "integer", "nullable": True})


class InvitedCohortSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    union_name = ma.fields.Function(lambda c: places.union_display_name(c.union), metadata={"type": "string"})
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date(allow_none=True)


class InvitedCooperativeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    commune_name = ma.fields.String(attribute="commune.name")


class InvitedBranchSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.Function(places.union_display_name, metadata={"type": "string"})


class MyInvitationSchema(ma.Schema):
    """What the invited person sees: what they are invited to, by whom, to answer."""

    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata=KIND)
    status = ma.fields.String(required=True, metadata=STATUS)
    created_at = ma.fields.DateTime(required=True)
    responded_at = ma.fields.DateTime(allow_none=True)
    role = ma.fields.String(allow_none=True, metadata={"enum": list(MEMBER_ROLES)})
    invited_by_name = ma.fields.String(attribute="invited_by.full_name", allow_none=True)
    cohort = ma.fields.Nested(InvitedCohortSchema, allow_none=True)
    cooperative = ma.fields.Nested(InvitedCooperativeSchema, attribute="seller", allow_none=True)
    union = ma.fields.Nested(InvitedBranchSchema, allow_none=True)


@blp.route("/me/invitations")
class MyInvitations(MethodView):
    @login_required
    @blp.response(200, MyInvitationSchema(many=True))
    def get(self):
        """Invitations to my phone number waiting for my answer: cohorts, cooperatives, union branches."""
        return invitations.addressed_to(current_user)


@blp.route("/me/invitations/<id:invitation_id>/accept")
class AcceptInvitation(MethodView):
    @login_required
    @blp.response(200, MyInvitationSchema)
    @blp.alt_response(409, description="Already answered.")
    def post(self, invitation_id):
        """Accept: join the cohort, the cooperative or the branch's trainers."""
        return invitations.accept(current_user, invitation_id)


@blp.route("/me/invitations/<id:invitation_id>/decline")
class DeclineInvitation(MethodView):
    @login_required
    @blp.response(200, MyInvitationSchema)
    @blp.alt_response(409, description="Already answered.")
    def post(self, invitation_id):
        """Decline: nothing changes, and the inviter sees it was declined no more as pending."""
        return invitations.decline(current_user, invitation_id)


@blp.route("/invitations/<id:invitation_id>")
class SentInvitation(MethodView):
    @login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such invitation, or not one I may take back.")
    @blp.alt_response(409, description="Already answered.")
    def delete(self, invitation_id):
        """Take back an invitation not answered yet (a number typed wrong): who runs its cohort,
        cooperative or branch may."""
        invitations.cancel(current_user, invitation_id)
        return ""

