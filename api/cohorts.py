"""Cohorts of union trainers: members, assisted enrolment, progress, attendance, export."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import ROLE_MAY_NOT, Blueprint, Day, Digits, ExportArgs, MobilePhone, Trimmed, login_required
from api.invitations import SentInvitationSchema
from api.me import ConsentRequestSchema
from api.pagination import PageArgs, page_of
from server.pagination import paginate
from server.services import attendance, cohort_progress, cohorts, places
from server.services.sellers import SELLER_KINDS
from server.spreadsheets import FILE_RESPONSE, download

blp = Blueprint("cohorts", __name__, url_prefix="/api/v1", description="Training cohorts")


class TrainerSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    full_name = ma.fields.String(attribute="user.full_name", allow_none=True)
    phone = ma.fields.String(attribute="user.phone", allow_none=True)


class CohortMemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    full_name = ma.fields.String(attribute="user.full_name", allow_none=True)
    phone = ma.fields.String(attribute="user.phone", allow_none=True)
    seller_id = ma.fields.Integer(allow_none=True)
    enrolled_at = ma.fields.DateTime()
    enrolled_by_id = ma.fields.Integer()
    accepted_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When the household joined."})


class EnrolmentSchema(ma.Schema):
    """A member set up in person (`active`), or an invitation (`pending`) showing only the number typed."""

    status = ma.fields.String(required=True, metadata={"enum": ["active", "pending"]})
    user_id = ma.fields.Integer(allow_none=True, metadata={"description": "Null while the invitation is pending."})
    full_name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(required=True)
    seller_id = ma.fields.Integer(allow_none=True)
    enrolled_at = ma.fields.DateTime(required=True)
    enrolled_by_id = ma.fields.Integer(required=True)
    accepted_at = ma.fields.DateTime(allow_none=True)
    invitation_id = ma.fields.Integer(allow_none=True)
    sms_sent = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Whether the invitation SMS went out (limits per sender and per recipient may hold it back)."})


class CohortSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    union_id = ma.fields.Integer(required=True)
    union_name = ma.fields.Function(lambda c: places.union_display_name(c.union), metadata={"type": "string"})
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(allow_none=True)
    commune_codes = ma.fields.Function(lambda c: [x.commune_code for x in c.communes],
                                       metadata={"type": "array", "items": {"type": "string"}})
    communes = ma.fields.Function(
        lambda c: [{"code": x.commune_code, "name": x.commune.name} for x in c.communes],
        metadata={"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}}}})
    track_slugs = ma.fields.Function(lambda c: [x.track_slug for x in c.tracks],
                                     metadata={"type": "array", "items": {"type": "string"}})
    trainers = ma.fields.List(ma.fields.Nested(TrainerSchema))
    member_count = ma.fields.Function(lambda c: len(c.members), metadata={"type": "integer"})


class CohortDetailSchema(CohortSchema):
    members = ma.fields.List(ma.fields.Nested(CohortMemberSchema), required=True)


class CohortCreateSchema(ma.Schema):
    name = Trimmed(required=True, validate=ma.validate.Length(min=2, max=120))
    union_id = ma.fields.Integer(strict=True, required=True)
    commune_codes = ma.fields.List(Digits(5),
                                   required=True, validate=ma.validate.Length(min=1, max=50))
    starts_on = Day(required=True)
    ends_on = Day(allow_none=True)
    track_slugs = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=80)),
                                 load_default=list, validate=ma.validate.Length(max=20))


class TrainersSchema(ma.Schema):
    trainer_ids = ma.fields.List(ma.fields.Integer(strict=True), required=True,
                                 validate=ma.validate.Length(min=1, max=20))


class EnrolSchema(ma.Schema):
    phone = MobilePhone(required=True)
    full_name = Trimmed(required=True, validate=ma.validate.Length(min=1, max=100))
    seller_kind = ma.fields.String(load_default="household", validate=ma.validate.OneOf(SELLER_KINDS))
    commune_code = Digits(5, required=True)
    consent = ma.fields.Nested(ConsentRequestSchema, required=True,
                               metadata={"description": "The household's consent, recorded on its behalf."})


class ProgressItemSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    full_name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True, metadata={"description": "To call or Zalo the household."})
    commune_name = ma.fields.String(allow_none=True)
    seller_id = ma.fields.Integer(allow_none=True)
    onboarding_percent = ma.fields.Integer(required=True)
    lessons_completed = ma.fields.Integer(required=True)
    last_active = ma.fields.DateTime(allow_none=True)
    activated_at = ma.fields.DateTime(allow_none=True)
    needs_help = ma.fields.Boolean(required=True)
    needs_help_reason = ma.fields.String(allow_none=True)
    needs_help_code = ma.fields.String(allow_none=True, metadata={"enum": ["failed_quiz", "inactive"]})


class ProgressSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProgressItemSchema), required=True)


class SessionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    held_on = ma.fields.Date(required=True)
    topic = ma.fields.String(required=True)
    lesson_slugs = ma.fields.List(ma.fields.String(), required=True)
    attendee_ids = ma.fields.Function(lambda s: [a.user_id for a in s.attendees],
                                      metadata={"type": "array", "items": {"type": "integer"}})
    created_at = ma.fields.DateTime()


class SessionCreateSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "Client-generated; retries never duplicate."})
    held_on = Day(required=True)
    topic = Trimmed(required=True, validate=ma.validate.Length(min=2, max=200))
    lesson_slugs = ma.fields.List(ma.fields.String(), load_default=list, validate=ma.validate.Length(max=30))
    attendee_ids = ma.fields.List(ma.fields.Integer(strict=True), required=True, validate=ma.validate.Length(max=500))


@blp.route("/cohorts")
class Cohorts(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CohortSchema))
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def get(self, args):
        """My cohorts: those I train, or all of my branch as union admin."""
        return paginate(cohorts.list_cohorts(current_user), args["page"], args["page_size"])

    @login_required
    @blp.arguments(CohortCreateSchema)
    @blp.response(201, CohortDetailSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, body):
        """Create a cohort of my union branch (trainer, union admin)."""
        return cohorts.create_cohort(current_user, **body)


@blp.route("/cohorts/<id:cohort_id>")
class CohortDetail(MethodView):
    @login_required
    @blp.response(200, CohortDetailSchema)
    def get(self, cohort_id):
        """A cohort with its members."""
        return cohorts.get_cohort(current_user, cohort_id)


@blp.route("/cohorts/<id:cohort_id>/trainers")
class CohortTrainers(MethodView):
    @login_required
    @blp.arguments(TrainersSchema)
    @blp.response(200, CohortDetailSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def put(self, body, cohort_id):
        """Choose the trainers who run the cohort (union admin)."""
        return cohorts.set_trainers(current_user, cohort_id, body["trainer_ids"])


@blp.route("/cohorts/<id:cohort_id>/members")
class CohortMembers(MethodView):
    @login_required
    @blp.arguments(EnrolSchema)
    @blp.response(201, EnrolmentSchema)
    @blp.alt_response(200, schema=EnrolmentSchema, description="Already enrolled or invited: nothing new was created.")
    def post(self, body, cohort_id):
        """Enrol a household by phone: a new phone is set up in person, with the consent recorded on its
        behalf; a phone that has an account already gets an invitation to accept. An SMS goes out."""
        enrolment, created = cohorts.enrol(current_user, cohort_id, body["phone"], body["full_name"],
                                           body["seller_kind"], body["commune_code"], body["consent"])
        return enrolment, 201 if created else 200


@blp.route("/cohorts/<id:cohort_id>/invitations")
class CohortInvitations(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(SentInvitationSchema))
    def get(self, args, cohort_id):
        """Households invited who have not answered yet: the numbers typed, "pending"."""
        return paginate(cohorts.pending_invitations(current_user, cohort_id), args["page"], args["page_size"])


@blp.route("/cohorts/<id:cohort_id>/members/<id:user_id>")
class CohortMember(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, cohort_id, user_id):
        """Take a household out of the cohort (its account and shop stay)."""
        cohorts.remove_member(current_user, cohort_id, user_id)
        return ""


@blp.route("/cohorts/<id:cohort_id>/progress")
class CohortProgress(MethodView):
    @login_required
    @blp.response(200, ProgressSchema)
    def get(self, cohort_id):
        """Each member's onboarding, lessons, last activity and who needs a visit."""
        return {"items": cohort_progress.progress(current_user, cohort_id)}


@blp.route("/cohorts/<id:cohort_id>/sessions")
class CohortSessions(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(SessionSchema))
    def get(self, args, cohort_id):
        """In-person sessions of the cohort, newest first."""
        return paginate(attendance.list_sessions(current_user, cohort_id), args["page"], args["page_size"])

    @login_required
    @blp.arguments(SessionCreateSchema)
    @blp.response(201, SessionSchema)
    @blp.alt_response(200, schema=SessionSchema, description="Already recorded: the first result again.")
    @blp.alt_response(409, description="This id was used for a different session.")
    def post(self, body, cohort_id):
        """Record an in-person session and who attended."""
        session, created = attendance.record_session(current_user, cohort_id, body)
        return session, 201 if created else 200


@blp.route("/cohorts/<id:cohort_id>/export")
class CohortExport(MethodView):
    @login_required
    @blp.arguments(ExportArgs, location="query")
    @blp.doc(responses=FILE_RESPONSE)
    def get(self, args, cohort_id):
        """The cohort's members and progress as a sheet for paper reports."""
        cohort, header, rows = cohort_progress.export_rows(current_user, cohort_id)
        return download(args["format"], f"lop-{cohort.id}", header, rows, "Cohort")


class MyCohortSchema(ma.Schema):
    """What a household sees of its cohort: the class and its trainers, not the other members."""

    id = ma.fields.Integer(attribute="cohort.id", required=True)
    name = ma.fields.String(attribute="cohort.name", required=True)
    union_name = ma.fields.Function(lambda m: places.union_display_name(m.cohort.union), metadata={"type": "string"})
    starts_on = ma.fields.Date(attribute="cohort.starts_on")
    ends_on = ma.fields.Date(attribute="cohort.ends_on", allow_none=True)
    trainers = ma.fields.List(ma.fields.Nested(TrainerSchema), attribute="cohort.trainers")
    accepted_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When I joined the cohort."})


@blp.route("/me/cohorts")
class MyCohorts(MethodView):
    @login_required
    @blp.response(200, MyCohortSchema(many=True))
    def get(self):
        """The cohorts I am in, and who my trainers are (invitations: `/me/invitations`)."""
        return cohorts.memberships_of(current_user)


@blp.route("/me/cohorts/<id:cohort_id>/accept")
class AcceptCohort(MethodView):
    @login_required
    @blp.response(200, MyCohortSchema)
    def post(self, cohort_id):
        """Accept my invitation to this cohort: its trainers may then help with my shop's products."""
        return cohorts.respond_to_invitation(current_user, cohort_id, accept=True)


@blp.route("/me/cohorts/<id:cohort_id>")
class LeaveCohort(MethodView):
    @login_required
    @blp.response(204)
    def delete(self, cohort_id):
        """Decline an invitation or leave a cohort."""
        cohorts.respond_to_invitation(current_user, cohort_id, accept=False)
        return ""
