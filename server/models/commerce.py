"""How a seller gets paid and sells: payout account, channel links, sales, activity days."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime


class PayoutAccount(db.Model):
    """The bank account buyers pay into, shown to them as a VietQR code."""

    __tablename__ = "payout_accounts"

    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), primary_key=True)
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Channel(db.Model):
    """A link to the seller's shop elsewhere: Shopee, Zalo, a provincial floor…"""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("seller_id", "channel", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Sale(db.Model):
    """A recorded sale; its id comes from the phone so that offline retries count once."""

    __tablename__ = "sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(30))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int | None] = mapped_column(Integer)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SellerActivity(db.Model):
    """One row per seller, Vietnam calendar day and kind of selling activity (SPEC §6 reports).

    "Active as of D" asks whether any such day falls in the 90 days ending on D; keeping the days
    (not only the latest) answers it for any past D.
    """

    __tablename__ = "seller_activity"
    __table_args__ = (UniqueConstraint("seller_id", "day", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
