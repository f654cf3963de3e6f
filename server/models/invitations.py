"""Invitations: a person is added to a cohort, a cooperative or a union branch only once they accept."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime

KINDS = ("cohort", "cooperative", "union_trainer")
STATUSES = ("pending", "accepted", "declined", "cancelled")


class Invitation(db.Model):
    """An invitation to the person who signs in with `phone`; typing a number reads nobody's account.

    Exactly one target is set, by kind: a cohort, a cooperative (with the member role offered)
    or a union branch (to become one of its trainers).
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'cohort' AND cohort_id IS NOT NULL AND seller_id IS NULL AND union_id IS NULL)"
            " OR (kind = 'cooperative' AND seller_id IS NOT NULL AND cohort_id IS NULL AND union_id IS NULL)"
            " OR (kind = 'union_trainer' AND union_id IS NOT NULL AND cohort_id IS NULL AND seller_id IS NULL)",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # E.164, as the inviter typed it; the invitation is the signed-in owner's of this number.
    phone: Mapped[str] = mapped_column(String(16), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    union_id: Mapped[int | None] = mapped_column(ForeignKey("union_branches.id"), index=True)
    # The cooperative role offered: manager or member.
    role: Mapped[str | None] = mapped_column(String(20))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the invitation SMS went out; None when the limits held it back (the app still shows it).
    sms_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort = relationship("Cohort")
    seller = relationship("Seller")
    union = relationship("UnionBranch")
    invited_by = relationship("User")


# One pending invitation per person and target: a retried or repeated invitation finds the first.
Index(
    "uq_invitations_pending",
    Invitation.phone, Invitation.kind,
    func.coalesce(Invitation.cohort_id, Invitation.seller_id, Invitation.union_id),
    unique=True,
    sqlite_where=text("status = 'pending'"),
    postgresql_where=text("status = 'pending'"),
)
