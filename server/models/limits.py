"""Counters behind the limits that must hold across workers and parallel requests."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime


class RateCounter(db.Model):
    """How many times something keyed (a phone's sign-in codes, a trainer's SMS) happened in a window.

    Updated by a single conditional UPDATE, so that parallel requests can never overshoot the limit.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
