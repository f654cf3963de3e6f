"""Training cohorts run by union trainers: communes, tracks, members, in-person sessions."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime


class Cohort(db.Model):
    """A group of households trained together by a union branch."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    union_id: Mapped[int] = mapped_column(ForeignKey("union_branches.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    union = relationship("UnionBranch")
    trainers: Mapped[list["CohortTrainer"]] = relationship(cascade="all, delete-orphan")
    communes: Mapped[list["CohortCommune"]] = relationship(cascade="all, delete-orphan")
    tracks: Mapped[list["CohortTrack"]] = relationship(cascade="all, delete-orphan")
    members: Mapped[list["CohortMember"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortMember.id"
    )


class CohortTrainer(db.Model):
    __tablename__ = "cohort_trainers"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    user = relationship("User")


class CohortCommune(db.Model):
    __tablename__ = "cohort_communes"
    __table_args__ = (UniqueConstraint("cohort_id", "commune_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))

    commune = relationship("Commune")


class CohortTrack(db.Model):
    __tablename__ = "cohort_tracks"
    __table_args__ = (UniqueConstraint("cohort_id", "track_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    track_slug: Mapped[str] = mapped_column(String(80))


class CohortMember(db.Model):
    """A household in a cohort, with who enrolled it and when."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    # When the household agreed to be in the cohort: at enrolment when the trainer created the
    # account in person, else when the household accepts. Trainers help only accepted members' shops.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
    seller = relationship("Seller")


class TrainingSession(db.Model):
    """An in-person session; its id comes from the trainer's phone so retries count once."""

    __tablename__ = "training_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    lesson_slugs: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    attendees: Mapped[list["SessionAttendee"]] = relationship(cascade="all, delete-orphan")


class SessionAttendee(db.Model):
    __tablename__ = "session_attendees"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
