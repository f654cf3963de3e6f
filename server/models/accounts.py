"""Users, sign-in codes, sessions, staff roles, consent and the audit log."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime


class User(db.Model):
    """A person: a household member, a trainer, a manager. Identified by a mobile number."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # E.164; emptied when the account is erased.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(100))
    # None: follow the phone's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(5))
    gender: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    profile_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_erased(self):
        return self.erased_at is not None


class RoleGrant(db.Model):
    """A staff role with its scope: a union branch (trainer, union_admin) or a province (manager).

    A manager has one row per province; a row with no province means national scope.
    """

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    union_id: Mapped[int | None] = mapped_column(ForeignKey("union_branches.id"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship(back_populates="grants")
    union = relationship("UnionBranch")


class OtpChallenge(db.Model):
    """A sign-in code sent by SMS; only its keyed hash is stored."""

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Tries taken, right or wrong: a try is counted before the code is compared, so that parallel
    # guesses can never check more than 5 codes.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    burned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthSession(db.Model):
    """A signed-in device: its access tokens carry the session id; its refresh token rotates."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    refresh_jti: Mapped[str] = mapped_column(String(36))
    # The refresh token rotated last; presented again within a short grace it gets the current
    # pair again (the phone lost the answer), later it means a stolen token and ends the session.
    previous_refresh_jti: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Consent(db.Model):
    """Consent to personal-data processing (Law 91/2025), versioned; who recorded it and when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    purposes: Mapped[list] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(db.Model):
    """Who did what to whose account, including actions taken on someone's behalf."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
