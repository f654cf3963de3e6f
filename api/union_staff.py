"""Union admins manage the trainers of their branch."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, Trimmed, login_required
from server.services import union_staff

blp = Blueprint("union_staff", __name__, url_prefix="/api/v1/unions", description="Trainers of a union branch")


class BranchTrainerSchema(ma.Schema):
    user_id = ma.fields.Integer(attribute="id", required=True)
    full_name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class TrainerCreateSchema(ma.Schema):
    phone = Trimmed(required=True, validate=ma.validate.Length(min=1, max=25))
    full_name = Trimmed(required=True, validate=ma.validate.Length(min=1, max=100))


@blp.route("/<id:union_id>/trainers")
class BranchTrainers(MethodView):
    @login_required
    @blp.response(200, BranchTrainerSchema(many=True))
    def get(self, union_id):
        """The trainers of my branch (union admin)."""
        return union_staff.list_trainers(current_user, union_id)

    @login_required
    @blp.arguments(TrainerCreateSchema)
    @blp.response(201, BranchTrainerSchema)
    @blp.alt_response(200, schema=BranchTrainerSchema, description="Already a trainer of the branch.")
    def post(self, body, union_id):
        """Make someone a trainer of my branch, by phone (union admin)."""
        trainer, created = union_staff.add_trainer(current_user, union_id, body["phone"], body["full_name"])
        return trainer, 201 if created else 200


@blp.route("/<id:union_id>/trainers/<id:user_id>")
class BranchTrainer(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, union_id, user_id):
        """Stop someone being a trainer of my branch (union admin)."""
        union_staff.remove_trainer(current_user, union_id, user_id)
        return ""
