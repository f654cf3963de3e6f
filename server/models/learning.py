"""Learning: quiz attempts, progress events from phones, and each learner's progress per lesson.

Lessons live in training_content/ (files, not rows); their slugs are the stable keys used here.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime

LESSON_SLUG_LENGTH = 80


class QuizAttempt(db.Model):
    """A learner's answers to a lesson's quiz, scored on the server; its id comes from the phone."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_lesson", "user_id", "lesson_slug"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lesson_slug: Mapped[str] = mapped_column(String(LESSON_SLUG_LENGTH))
    # {question id: [choice id, ...]} as answered, choice ids sorted.
    answers: Mapped[dict] = mapped_column(JSON)
    # Questions answered right (a count, not a percent), and whether it reached the pass mark.
    score: Mapped[int] = mapped_column(Integer)
    question_count: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    # [{"question_id": "q1", "correct": true}, ...] in quiz order.
    results: Mapped[list] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ProgressEvent(db.Model):
    """Something a learner did in a lesson (opened it, viewed a card, finished), sent in batches.

    `at` is the phone's clock, kept as sent; `occurred_at` is the time the server trusts for
    ordering and "last active" (see server.services.learning.occurred_at).
    """

    __tablename__ = "progress_events"
    __table_args__ = (Index("ix_progress_events_user_lesson", "user_id", "lesson_slug"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lesson_slug: Mapped[str] = mapped_column(String(LESSON_SLUG_LENGTH))
    kind: Mapped[str] = mapped_column(String(20))
    card: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))


class LessonProgress(db.Model):
    """One learner's progress in one lesson, kept exact in the transaction that changes it.

    A missing row means not started. Cohort progress and training reports read these rows,
    never the raw events.
    """

    __tablename__ = "lesson_progress"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    lesson_slug: Mapped[str] = mapped_column(String(LESSON_SLUG_LENGTH), primary_key=True)
    # in_progress | completed; completed is never taken back.
    status: Mapped[str] = mapped_column(String(20))
    # Bit n set when card n was viewed (lessons have at most 6 cards).
    cards_viewed: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    best_score: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
