"""The learning rules on their own: scoring, the phone-clock rule, and progress rows that stay
exact however events and attempts arrive."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.content import Choice, Question, Quiz
from server.errors import InvalidInput, TooLarge
from server.extensions import db
from server.models import LessonProgress, ProgressEvent, QuizAttempt, User
from server.services import learning
from server.services.lessons import card_count, current_index, quiz_of
from tests.factories import UserFactory

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)

QUIZ = Quiz(pass_mark=2, questions=(
    Question("q1", "One?", False, (Choice("a", "A"), Choice("b", "B")), frozenset({"b"})),
    Question("q2", "All?", True, (Choice("a", "A"), Choice("b", "B"), Choice("c", "C")), frozenset({"a", "c"})),
    Question("q3", "Other?", False, (Choice("x", "X"), Choice("y", "Y")), frozenset({"x"})),
))


def test_score_counts_questions_answered_exactly_right():
    result = learning.score_answers(QUIZ, {"q1": ["b"], "q2": ["a", "c"], "q3": ["y"]})

    assert (result.score, result.question_count, result.pass_mark, result.passed) == (2, 3, 2, True)
    assert [r["correct"] for r in result.results] == [True, True, False]
    assert learning.score_answers(QUIZ, {"q2": ["a"]}).score == 0
    assert learning.score_answers(QUIZ, {"q2": ["a", "b", "c"]}).passed is False


def test_bad_answers_name_every_question():
    with pytest.raises(InvalidInput) as raised:
        learning.score_answers(QUIZ, {"q1": ["a", "b"], "q2": ["d"], "q9": ["a"]})

    assert set(raised.value.errors["answers"]) == {"q1", "q2", "q9"}


@pytest.mark.parametrize("at, expected", [
    (T0 + timedelta(hours=5), T0 + timedelta(hours=5)),   # offline, clock right: kept
    (T0 + timedelta(days=3), T0 + timedelta(days=1)),     # clock ahead: arrival
    (T0 - timedelta(days=400), T0 + timedelta(days=1)),   # before the account existed: arrival
    (T0, T0),
    (T0 + timedelta(days=1), T0 + timedelta(days=1)),
])
def test_occurred_at_trusts_the_phone_only_between_sign_up_and_arrival(at, expected):
    assert learning.occurred_at(at, received_at=T0 + timedelta(days=1), account_created_at=T0) == expected


def test_all_cards_viewed_reads_the_bitmask():
    assert learning.all_cards_viewed(0b1111, 4)
    assert learning.all_cards_viewed(0b11111, 4)
    assert not learning.all_cards_viewed(0b1011, 4)


def test_batches_over_the_limit_are_too_large():
    learning.check_batch_size([None] * learning.MAX_EVENTS_PER_BATCH)
    with pytest.raises(TooLarge):
        learning.check_batch_size([None] * (learning.MAX_EVENTS_PER_BATCH + 1))


def _recomputed(user_id, slug):
    """The progress row as it would be rebuilt from every stored event and attempt."""
    lesson = current_index().lesson(slug)
    events = db.session.scalars(select(ProgressEvent).where(
        ProgressEvent.user_id == user_id, ProgressEvent.lesson_slug == slug)).all()
    attempts = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.lesson_slug == slug)).all()
    cards = 0
    for event in events:
        if event.kind == "card_viewed":
            cards |= 1 << event.card
    passes = [a.created_at for a in attempts if a.passed]
    moments = [e.occurred_at for e in events] + [a.created_at for a in attempts]
    return {
        "cards_viewed": cards,
        "attempts": len(attempts),
        "failed_attempts": sum(not a.passed for a in attempts),
        "best_score": max((a.score for a in attempts), default=None),
        "started_at": min(moments),
        "last_activity_at": max(moments),
        "passed_at": min(passes, default=None),
        "completed": bool(passes) and learning.all_cards_viewed(cards, card_count(lesson)),
    }


def test_progress_rows_match_a_rebuild_from_every_event_and_attempt(app_context, clock):
    user = UserFactory(created_at=clock.now() - timedelta(days=1))
    slugs = list(current_index().lessons)[:3]
    rnd = random.Random(7)
    sent = []
    for _ in range(12):
        clock.advance(timedelta(minutes=rnd.randrange(1, 120)))
        batch = []
        for _ in range(rnd.randrange(1, 15)):
            slug = rnd.choice(slugs)
            kind = rnd.choice(learning.EVENT_KINDS)
            fields = {"id": uuid.uuid4(), "lesson": slug, "kind": kind,
                      "at": clock.now() + timedelta(minutes=rnd.randrange(-300, 60)),
                      "card": rnd.randrange(card_count(current_index().lesson(slug)))
                      if kind == "card_viewed" else None}
            batch.append(fields)
        # Phones resend part of what they already sent.
        batch += rnd.sample(sent, min(len(sent), 3))
        sent += batch
        learning.record_events(db.session.get(User, user.id),
                               [learning.ParsedEvent(i, fields=f) for i, f in enumerate(batch)])
        slug = rnd.choice(slugs)
        right = {q.id: sorted(q.correct) for q in quiz_of(current_index().lesson(slug)).questions}
        answers = right if rnd.random() < 0.4 else {}
        learning.record_attempt(db.session.get(User, user.id), slug, uuid.uuid4(), answers)

    rows = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
    assert {row.lesson_slug for row in rows} == set(slugs)
    for row in rows:
        expected = _recomputed(user.id, row.lesson_slug)
        assert (row.status == learning.COMPLETED) == expected.pop("completed")
        assert {key: getattr(row, key) for key in expected} == expected
        if row.completed_at is not None:
            assert row.passed_at <= row.completed_at <= row.last_activity_at
