"""Union admins manage the trainers of their branch."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, MobilePhone, Trimmed, login_required
from api.invitations import AddedSchema, SentInvitationSchema, is_invitation
from api.pagination import PageArgs, page_of
from server.pagination import paginate
from server.services import union_staff

blp = Blueprint("union_staff", __name__, url_prefix="/api/v1/unions", description="Trainers of a union branch")


class BranchTrainerSchema(ma.Schema):
    user_id = ma.fields.Integer(attribute="id", required=True)
    full_name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class TrainerAddedSchema(AddedSchema):
    """A trainer of the branch already (`active`), or an invitation (`pending`) showing only the number."""

    user_id = ma.fields.Function(lambda t: None if is_invitation(t) else t.id,
                                 metadata={"type": "integer", "nullable": True})
    full_name = ma.fields.Function(lambda t: None if is_invitation(t) else t.full_name,
                                   metadata={"type": "string", "nullable": True})
    phone = ma.fields.String(required=True)


class TrainerCreateSchema(ma.Schema):
    phone = MobilePhone(required=True)
    full_name = Trimmed(validate=ma.validate.Length(min=1, max=100), metadata={
        "description": "Not stored: a trainer's name is the one they give in their own account."})


@blp.route("/<id:union_id>/trainers")
class BranchTrainers(MethodView):
    @login_required
    @blp.response(200, BranchTrainerSchema(many=True))
    def get(self, union_id):
        """The trainers of my branch (union admin)."""
        return union_staff.list_trainers(current_user, union_id)

    @login_required
    @blp.arguments(TrainerCreateSchema)
    @blp.response(201, TrainerAddedSchema)
    @blp.alt_response(200, schema=TrainerAddedSchema, description="Already a trainer of the branch, or already invited.")
    def post(self, body, union_id):
        """Invite someone to be a trainer of my branch, by phone (union admin); they become one when they accept."""
        trainer, created = union_staff.add_trainer(current_user, union_id, body["phone"])
        return trainer, 201 if created else 200


@blp.route("/<id:union_id>/invitations")
class BranchInvitations(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(SentInvitationSchema))
    def get(self, args, union_id):
        """People invited to train for my branch who have not answered yet: numbers only (union admin)."""
        return paginate(union_staff.pending_invitations(current_user, union_id), args["page"], args["page_size"])


@blp.route("/<id:union_id>/trainers/<id:user_id>")
class BranchTrainer(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, union_id, user_id):
        """Stop someone being a trainer of my branch (union admin)."""
        union_staff.remove_trainer(current_user, union_id, user_id)
        return ""
