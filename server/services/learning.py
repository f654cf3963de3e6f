"""Learning progress (SPEC §6): quizzes scored on the server, progress events from offline phones,
and each learner's progress per lesson, kept exact in the same transaction.

A lesson is completed when all its cards were viewed and its quiz was passed. A "completed" event
from the phone is only a hint: it is stored, but the server decides.
"""

from dataclasses import dataclass, field
from datetime import UTC

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from server.clock import now
from server.errors import InvalidInput, TooLarge
from server.extensions import db
from server.idempotency import check_replay, fingerprint
from server.messages import translate_errors
from server.models import LessonProgress, ProgressEvent, QuizAttempt
from server.services.lessons import card_count, current_index, quiz_of

EVENT_KINDS = ("opened", "card_viewed", "completed")
MAX_EVENTS_PER_BATCH = 500

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED)

# Two phones of one learner may sync at once; a unique-key race is settled by running again.
RACE_RETRIES = 3

ID_REUSED = _l("This id was already used for different data.")


# --- quizzes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class QuizResult:
    """How an attempt went: `score` counts the questions answered right."""

    score: int
    question_count: int
    pass_mark: int
    passed: bool
    results: list


def score_answers(quiz, answers):
    """Score {question id: [choice id, ...]} against `quiz`; InvalidInput names every bad answer.

    A question is right when exactly its correct choices were picked; an unanswered one is wrong.
    """
    questions = {question.id: question for question in quiz.questions}
    problems, picked = {}, {}
    for question_id, choice_ids in answers.items():
        question = questions.get(question_id)
        if question is None:
            problems[question_id] = [_l("This quiz has no such question.")]
            continue
        chosen = set(choice_ids)
        unknown = sorted(chosen - {choice.id for choice in question.choices})
        if unknown:
            problems[question_id] = [_l("Unknown choice: %(choices)s.", choices=", ".join(unknown))]
        elif len(chosen) > 1 and not question.multiple:
            problems[question_id] = [_l("This question takes only one answer.")]
        picked[question_id] = chosen
    if problems:
        raise InvalidInput(errors={"answers": problems})
    results = [
        {"question_id": question.id, "correct": picked.get(question.id, set()) == question.correct}
        for question in quiz.questions
    ]
    score = sum(result["correct"] for result in results)
    return QuizResult(score, len(results), quiz.pass_mark, score >= quiz.pass_mark, results)


def record_attempt(user, slug, attempt_id, answers):
    """Score and keep a quiz attempt; the same id and answers give the first result again.

    Returns (attempt, created). The same id with other answers, or of another learner, is a Conflict.
    """
    lesson = current_index().lesson(slug)
    answers = {question_id: sorted(set(choice_ids)) for question_id, choice_ids in answers.items()}
    content = {"lesson": lesson.slug, "answers": answers}
    attempt_id = str(attempt_id)

    def store():
        existing = db.session.get(QuizAttempt, attempt_id)
        if existing is not None:
            check_replay(existing.fingerprint, content, same_owner=existing.user_id == user.id)
            return existing, False
        result = score_answers(quiz_of(lesson), answers)
        moment = now()
        attempt = QuizAttempt(
            id=attempt_id, user_id=user.id, lesson_slug=lesson.slug, answers=answers,
            score=result.score, question_count=result.question_count, pass_mark=result.pass_mark,
            passed=result.passed, results=result.results, fingerprint=fingerprint(content),
            created_at=moment,
        )
        db.session.add(attempt)
        progress = _locked_progress(user.id, [lesson.slug]).get(lesson.slug)
        progress = progress or _new_progress(user.id, lesson.slug, moment)
        _apply_attempt(progress, lesson, attempt)
        db.session.commit()
        return attempt, True

    return _retrying(store)


def _apply_attempt(progress, lesson, attempt):
    moment = attempt.created_at
    progress.attempts += 1
    if attempt.passed:
        progress.passed_at = progress.passed_at or moment
    else:
        progress.failed_attempts += 1
    progress.best_score = max(progress.best_score or 0, attempt.score)
    _touch(progress, moment)
    _complete_if_due(progress, lesson, moment)


# --- progress events ---------------------------------------------------------------------

@dataclass
class ParsedEvent:
    """One event of a batch as the API parsed it: its fields, or why they could not be read."""

    index: int
    fields: dict | None = None
    errors: dict | None = None


def check_batch_size(events):
    """TooLarge when a phone sends more events than one request may carry."""
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise TooLarge(_l("Send at most %(limit)d events at a time.", limit=MAX_EVENTS_PER_BATCH))


def occurred_at(at, received_at, account_created_at):
    """When an event happened, as far as the server can tell.

    Phones work offline for days and their clocks can be wrong: a phone whose battery ran flat may
    say 2020, one set by hand may run hours ahead. An event cannot have happened before its account
    existed, nor after it reached the server. Inside that window the phone's `at` is trusted;
    outside it the clock is wrong and the arrival time (the latest the event can have happened) is
    used. `at` itself is stored as sent, and breaks ties, so one phone's events keep their order.
    """
    if account_created_at <= at <= received_at:
        return at
    return received_at


def record_events(user, events):
    """Store a batch of progress events; each is accepted, a duplicate, or rejected on its own.

    `events` are ParsedEvents. Returns {accepted, duplicates, rejected: [{index, errors}]}.
    """
    check_batch_size(events)
    index = current_index()
    received_at = now()
    rejected, candidates = [], []
    for event in events:
        errors = {**(_event_problems(index, event.fields or {}) or {}), **(event.errors or {})}
        if errors:
            rejected.append({"index": event.index, "errors": errors})
        else:
            candidates.append((event.index, _event_row(user, event.fields, received_at)))
    stored = _retrying(lambda: _store_events(user, index, candidates)) if candidates else _Stored()
    rejected = sorted(rejected + stored.conflicts, key=lambda reject: reject["index"])
    for reject in rejected:
        reject["errors"] = translate_errors(reject["errors"])
    return {"accepted": stored.accepted, "duplicates": stored.duplicates, "rejected": rejected}


def _event_problems(index, fields):
    """What is wrong with an event given the lessons that exist, or None.

    `fields` may be partial (the fields that parsed), so that every problem is reported at once.
    """
    if not isinstance(fields, dict) or "lesson" not in fields:
        return None
    lesson = index.lessons.get(fields["lesson"])
    if lesson is None:
        return {"lesson": [_l("There is no lesson with this name.")]}
    card = fields.get("card")
    if fields.get("kind") == "card_viewed" and card is None:
        return {"card": [_l("Say which card was viewed (0 is the first card).")]}
    last = card_count(lesson) - 1
    if card is not None and card > last:
        return {"card": [_l("This lesson has cards 0 to %(last)d.", last=last)]}
    return None


def _event_row(user, fields, received_at):
    at = fields["at"].astimezone(UTC)
    content = {"lesson": fields["lesson"], "kind": fields["kind"], "card": fields.get("card"),
               "at": at.isoformat(), "seconds": fields.get("seconds")}
    return {
        "id": str(fields["id"]),
        "user_id": user.id,
        "lesson_slug": content["lesson"],
        "kind": content["kind"],
        "card": content["card"],
        "seconds": content["seconds"],
        "at": at,
        "received_at": received_at,
        "occurred_at": occurred_at(at, received_at, user.created_at),
        "fingerprint": fingerprint(content),
    }


@dataclass
class _Stored:
    accepted: int = 0
    duplicates: int = 0
    conflicts: list = field(default_factory=list)


# The statements of a batch, built once: building a select costs about as much as running it.
STORED_EVENTS = select(ProgressEvent.id, ProgressEvent.user_id, ProgressEvent.fingerprint).where(
    ProgressEvent.id.in_(bindparam("ids", expanding=True)))
LOCKED_PROGRESS = (
    select(LessonProgress)
    .where(LessonProgress.user_id == bindparam("user_id"),
           LessonProgress.lesson_slug.in_(bindparam("slugs", expanding=True)))
    .with_for_update()
)


def _store_events(user, index, candidates):
    """Insert the new events and update the progress rows they touch, in one transaction."""
    # Lock the learner's rows first, so that a batch retried from two phones at once is counted
    # by whichever commits first and seen as duplicates by the other.
    progress = _locked_progress(user.id, {row["lesson_slug"] for _, row in candidates})
    ids = [row["id"] for _, row in candidates]
    known = {
        event_id: (owner_id, stored_fingerprint)
        for event_id, owner_id, stored_fingerprint in db.session.connection().execute(STORED_EVENTS, {"ids": ids})
    }
    stored, new_rows = _Stored(), []
    for position, row in candidates:
        mine = (user.id, row["fingerprint"])
        seen = known.get(row["id"])
        if seen is None:
            known[row["id"]] = mine
            new_rows.append(row)
        elif seen == mine:
            stored.duplicates += 1
        else:
            stored.conflicts.append({"index": position, "errors": {"id": [ID_REUSED]}})
    if new_rows:
        # Plain rows through the Core table: every row has every column (NULLs included), so they go
        # as one statement sent many times, without the ORM's bulk insert (half the cost, issue 13).
        db.session.connection().execute(insert(ProgressEvent.__table__), new_rows)
        _apply_events(user.id, index, progress, new_rows)
    db.session.commit()
    stored.accepted = len(new_rows)
    return stored


def _apply_events(user_id, index, progress, rows):
    """Fold new events into the progress rows: one row per lesson, updated once per batch."""
    by_lesson = {}
    for row in rows:
        by_lesson.setdefault(row["lesson_slug"], []).append(row)
    for slug, lesson_rows in by_lesson.items():
        lesson = index.lessons[slug]
        lesson_rows.sort(key=lambda row: (row["occurred_at"], row["at"]))
        row = progress.get(slug) or _new_progress(user_id, slug, lesson_rows[0]["occurred_at"])
        for event in lesson_rows:
            _touch(row, event["occurred_at"])
            if event["kind"] == "card_viewed":
                row.cards_viewed |= 1 << event["card"]
            _complete_if_due(row, lesson, event["occurred_at"])


# --- progress rows -----------------------------------------------------------------------

def _locked_progress(user_id, slugs):
    """{slug: LessonProgress} that exist among `slugs`, locked until commit (PostgreSQL)."""
    if not slugs:
        return {}
    rows = db.session.scalars(LOCKED_PROGRESS, {"user_id": user_id, "slugs": sorted(slugs)})
    return {row.lesson_slug: row for row in rows}


def _new_progress(user_id, slug, moment):
    row = LessonProgress(user_id=user_id, lesson_slug=slug, status=IN_PROGRESS, cards_viewed=0,
                         attempts=0, failed_attempts=0, started_at=moment, last_activity_at=moment)
    db.session.add(row)
    return row


def _touch(progress, moment):
    progress.started_at = min(progress.started_at, moment)
    progress.last_activity_at = max(progress.last_activity_at, moment)


def all_cards_viewed(cards_viewed, cards):
    """Whether the bitmask `cards_viewed` has every one of `cards` cards."""
    everything = (1 << cards) - 1
    return cards_viewed & everything == everything


def _complete_if_due(progress, lesson, moment):
    """Mark the lesson completed once both rules hold; completion is never taken back."""
    if progress.completed_at is not None or progress.passed_at is None:
        return
    if not all_cards_viewed(progress.cards_viewed, card_count(lesson)):
        return
    progress.status = COMPLETED
    # Both rules hold from the later of the two: the pass, or the activity that came last.
    progress.completed_at = max(progress.passed_at, moment)


def _retrying(work):
    """Run `work` (which commits); when another request won a unique-key race, run it again."""
    for attempt in range(RACE_RETRIES):
        try:
            return work()
        except IntegrityError:
            db.session.rollback()
            if attempt == RACE_RETRIES - 1:
                raise


# --- reading progress --------------------------------------------------------------------

def progress_by_lesson(user):
    """{lesson slug: LessonProgress} of `user`; nothing for an anonymous caller."""
    if user is None:
        return {}
    rows = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id))
    return {row.lesson_slug: row for row in rows}


def status_of(progress):
    return progress.status if progress is not None else NOT_STARTED


# Read by /tracks on every start of the app: built once.
STATUSES_OF = select(LessonProgress.lesson_slug, LessonProgress.status).where(
    LessonProgress.user_id == bindparam("user_id"))


def statuses_by_lesson(user):
    """{lesson slug: status} of `user` in the lessons they started; nothing for an anonymous caller."""
    if user is None:
        return {}
    # Core rows on the session's connection: two plain columns, nothing for the ORM to load.
    return dict(db.session.connection().execute(STATUSES_OF, {"user_id": user.id}).all())


def tracks_for(user, locale):
    """Every track and its lessons in `locale`, with the caller's status of each lesson."""
    statuses = statuses_by_lesson(user)
    return [
        {
            **track,
            "lessons": [{**lesson, "status": statuses.get(lesson["slug"], NOT_STARTED)} for lesson in lessons],
        }
        for track, lessons in _track_outlines(locale)
    ]


def _track_outlines(locale):
    """[(track, [lesson, ...])] in `locale`, without anyone's status: what /tracks writes for everyone,
    made once per process and language from the content, which is read once per process."""
    index = current_index()
    outlines = current_app.extensions.setdefault("track_outlines", {})
    made_from, outline = outlines.get(locale, (None, None))
    if made_from is not index:
        outline = [
            (
                {"slug": track.slug, "title": track.title(locale), "description": track.description(locale)},
                [{"slug": lesson.slug, "title": lesson.text(locale).title, "minutes": lesson.minutes}
                 for lesson in track.lessons],
            )
            for track in index.tracks
        ]
        outlines[locale] = (index, outline)
    return outline


def lesson_for(slug, locale):
    """A lesson in `locale`, ready to show; the quiz answers are left out here, on purpose."""
    index = current_index()
    lesson = index.lesson(slug)
    text = lesson.text(locale)
    return {
        "slug": lesson.slug,
        "track": lesson.track,
        "title": text.title,
        "minutes": lesson.minutes,
        "objective": text.objective,
        "action": {"text": text.action.text, "step": text.action.step} if text.action else None,
        "cards": [{"html": card.html} for card in text.cards],
        "quiz": {
            "pass_mark": text.quiz.pass_mark,
            "questions": [
                {
                    "id": question.id,
                    "text": question.text,
                    "multiple": question.multiple,
                    "choices": [{"id": choice.id, "text": choice.text} for choice in question.choices],
                }
                for question in text.quiz.questions
            ],
        },
        "next_lesson": index.next_slug(lesson.slug),
    }


def progress_of(user):
    """The caller's status, best score and completion time in every lesson, track by track."""
    progress = progress_by_lesson(user)
    tracks = []
    for track in current_index().tracks:
        lessons = []
        for lesson in track.lessons:
            row = progress.get(lesson.slug)
            lessons.append({
                "slug": lesson.slug,
                "status": status_of(row),
                "best_score": row.best_score if row else None,
                "completed_at": row.completed_at if row else None,
            })
        tracks.append({"slug": track.slug, "lessons": lessons})
    return {"tracks": tracks}

