"""Lessons, quizzes and learning progress; progress events come in batches from offline phones."""

from datetime import UTC

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from flask_babel import get_locale
from flask_jwt_extended import current_user, get_current_user, jwt_required

from api.access import BEARER, Blueprint, login_required
from api.answers import written_once
from server.body_limits import KB, body_limit
from server.models.learning import LESSON_SLUG_LENGTH
from server.services import learning
from server.services.onboarding import STEP_KEYS

blp = Blueprint("learning", __name__, url_prefix="/api/v1", description="Lessons, quizzes and progress")

STATUS = {"enum": list(learning.STATUSES)}


def sign_in_optional(view):
    """Anyone may call; a signed-in caller also gets their own progress."""
    return Blueprint.doc(security=[{}, *BEARER])(jwt_required(optional=True)(view))


def _locale():
    return get_locale().language


class TrackLessonSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    minutes = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata=STATUS)


class TrackSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    lessons = ma.fields.List(ma.fields.Nested(TrackLessonSchema), required=True)


class ChoiceSchema(ma.Schema):
    id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    multiple = ma.fields.Boolean(required=True, metadata={"description": "More than one choice may be right."})
    choices = ma.fields.List(ma.fields.Nested(ChoiceSchema), required=True)


class QuizSchema(ma.Schema):
    pass_mark = ma.fields.Integer(required=True, metadata={"description": "Right answers needed to pass."})
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), required=True)


class CardSchema(ma.Schema):
    html = ma.fields.String(required=True, metadata={"description": "Sanitized: simple formatting only."})


class ActionSchema(ma.Schema):
    text = ma.fields.String(required=True)
    step = ma.fields.String(allow_none=True, metadata={"enum": list(STEP_KEYS)})


class LessonSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    track = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    minutes = ma.fields.Integer(required=True)
    objective = ma.fields.String(required=True)
    action = ma.fields.Nested(ActionSchema, allow_none=True,
                              metadata={"description": "What to do right after the lesson."})
    cards = ma.fields.List(ma.fields.Nested(CardSchema), required=True)
    quiz = ma.fields.Nested(QuizSchema, required=True)
    next_lesson = ma.fields.String(allow_none=True)


class AttemptCreateSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "Client-generated; retries never duplicate."})
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        values=ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
                              validate=ma.validate.Length(max=10)),
        required=True,
        validate=ma.validate.Length(max=20),
        metadata={"description": "Question id → the choice ids picked.",
                  "example": {"q1": ["c"], "q3": ["a", "b"]}},
    )


class QuestionResultSchema(ma.Schema):
    question_id = ma.fields.String(required=True)
    correct = ma.fields.Boolean(required=True)


class AttemptSchema(ma.Schema):
    id = ma.fields.String(required=True)
    lesson = ma.fields.String(attribute="lesson_slug", required=True)
    score = ma.fields.Integer(required=True, metadata={
        "description": "How many questions were answered right (a count, not a percent)."})
    question_count = ma.fields.Integer(required=True)
    pass_mark = ma.fields.Integer(required=True)
    passed = ma.fields.Boolean(required=True, metadata={"description": "score ≥ pass_mark"})
    results = ma.fields.List(ma.fields.Nested(QuestionResultSchema), required=True)
    created_at = ma.fields.DateTime(required=True)


class ProgressEventSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "Client-generated; retries never duplicate."})
    lesson = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=LESSON_SLUG_LENGTH))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(learning.EVENT_KINDS))
    card = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0),
                             metadata={"description": "0-based index into the lesson's cards."})
    at = ma.fields.AwareDateTime(
        required=True, default_timezone=UTC,
        # Wrong phone clocks are kept (and ordered sanely); only impossible dates are refused.
        validate=lambda moment: 1970 <= moment.year <= 2999,
        metadata={"description": "The phone's time, ISO 8601; without an offset it is taken as UTC."},
    )
    seconds = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(0, 86_400))


class EachOnItsOwn(ma.fields.List):
    """A list documented by its item schema, but loaded as the raw items, to be checked one by one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


class EventBatchSchema(ma.Schema):
    events = EachOnItsOwn(
        ma.fields.Nested(ProgressEventSchema), required=True,
        metadata={"description": f"At most {learning.MAX_EVENTS_PER_BATCH}; more is refused with 413."},
    )


class RejectedEventSchema(ma.Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "Position in `events`, from 0."})
    errors = ma.fields.Dict(required=True)


class EventBatchResultSchema(ma.Schema):
    accepted = ma.fields.Integer(required=True, metadata={"description": "Events stored now."})
    duplicates = ma.fields.Integer(required=True, metadata={"description": "Events already stored before."})
    rejected = ma.fields.List(ma.fields.Nested(RejectedEventSchema), required=True)


class LessonProgressSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata=STATUS)
    best_score = ma.fields.Integer(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)


class TrackProgressSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    lessons = ma.fields.List(ma.fields.Nested(LessonProgressSchema), required=True)


class MyProgressSchema(ma.Schema):
    tracks = ma.fields.List(ma.fields.Nested(TrackProgressSchema), required=True)


_EVENT = ProgressEventSchema()


def parse_events(items):
    """Each event parsed on its own, so one malformed event never costs the others."""
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(learning.ParsedEvent(index, fields=_EVENT.load(item)))
        except ma.ValidationError as error:
            parsed.append(learning.ParsedEvent(index, fields=error.valid_data, errors=error.messages))
    return parsed


@blp.route("/tracks")
class Tracks(MethodView):
    @sign_in_optional
    @blp.response(200, TrackSchema(many=True))
    def get(self):
        """Every track and its lessons, with my status in each when I am signed in."""
        # Plain data as TrackSchema would write it, written without it (issue 13).
        return jsonify(learning.tracks_for(get_current_user(), _locale()))


@blp.route("/lessons/<slug>")
class LessonDetail(MethodView):
    @blp.response(200, LessonSchema)
    @blp.alt_response(404, description="No such lesson.")
    def get(self, slug):
        """A lesson in my language: its cards and its quiz (without the answers)."""
        # The same for everyone, from content read once per process; an unknown slug raises NotFound.
        return written_once(f"lesson {slug}", lambda: LessonSchema().dump(learning.lesson_for(slug, _locale())))


@blp.route("/lessons/<slug>/attempts")
class LessonAttempts(MethodView):
    @login_required
    @blp.arguments(AttemptCreateSchema)
    @blp.response(201, AttemptSchema)
    @blp.alt_response(200, schema=AttemptSchema, description="Already scored: the first result again.")
    @blp.alt_response(404, description="No such lesson.")
    @blp.alt_response(409, description="This id was used for other answers.")
    def post(self, body, slug):
        """Answer the lesson's quiz; the server scores it."""
        attempt, created = learning.record_attempt(current_user, slug, body["id"], body["answers"])
        return attempt, 201 if created else 200


@blp.route("/progress/events")
# 500 events with the longest lesson names and microsecond times take 118 KB (141 KB indented);
# a phone's batch is about 95 KB.
@body_limit(256 * KB)
class ProgressEvents(MethodView):
    @login_required
    @blp.arguments(EventBatchSchema)
    @blp.response(200, EventBatchResultSchema)
    @blp.alt_response(413, description=f"More than {learning.MAX_EVENTS_PER_BATCH} events.")
    def post(self, body):
        """Send what I did in lessons while offline; good events are kept even if others are refused."""
        # Counted before each event is parsed: too many is refused at once, not after the work.
        learning.check_batch_size(body["events"])
        # The user itself, not the current_user proxy: the service reads it once per event.
        return learning.record_events(get_current_user(), parse_events(body["events"]))


@blp.route("/me/progress")
class MyProgress(MethodView):
    @login_required
    @blp.response(200, MyProgressSchema)
    def get(self):
        """My status, best quiz score and completion time in every lesson."""
        return learning.progress_of(current_user)
