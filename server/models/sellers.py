"""Sellers (households and cooperatives) and the people who run them."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime


class Seller(db.Model):
    """A household or cooperative selling online, located in a commune."""

    __tablename__ = "sellers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    # Set once, by the server, the first time the activation rule holds (SPEC §6).
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The latest Vietnam day with selling activity, kept with each seller_activity row: reports
    # answer "active as of D" from it, and read the activity days only for sellers active after D.
    last_activity_day: Mapped[date | None] = mapped_column(Date, index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the public product pages (/p/<id>) show buyers besides the product. Each is the owner's
    # choice and off until they turn it on: the phone is private, the bank account is money.
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    show_channels: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    show_vietqr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    owner = relationship("User")
    commune = relationship("Commune")
    members: Mapped[list["SellerMember"]] = relationship(
        back_populates="seller", cascade="all, delete-orphan"
    )


class SellerMember(db.Model):
    """A person in a seller: its owner, or a cooperative's manager or member."""

    __tablename__ = "seller_members"
    __table_args__ = (UniqueConstraint("seller_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    seller: Mapped[Seller] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
