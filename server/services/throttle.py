"""Limits counted in the database, so that they hold across workers, hosts and parallel requests."""

import math
from dataclasses import dataclass

from sqlalchemy import case, literal, select, update

from server.clock import now
from server.extensions import db
from server.models import RateCounter
from server.models.types import UTCDateTime
from server.sql import insert_ignoring_duplicates


@dataclass(frozen=True)
class Use:
    """The answer of `take`: whether the use was allowed, how many are left, when the window ends."""

    allowed: bool
    left: int
    resets_in: int


def take(key, limit, window):
    """Count one use of `key`, allowed while fewer than `limit` uses fell in the current `window`.

    The check and the count are one conditional UPDATE, so two requests can never both take the
    last use. A window starts with the first use after the previous one ended. The count joins the
    caller's transaction: it is rolled back with it, and the row stays locked until the caller commits.
    """
    moment = now()
    fresh = RateCounter.window_started_at <= moment - window
    db.session.execute(
        insert_ignoring_duplicates(RateCounter).values(key=key, window_started_at=moment, count=0)
    )
    taken = db.session.execute(
        update(RateCounter)
        .where(RateCounter.key == key, (RateCounter.count < limit) | fresh)
        .values(
            count=case((fresh, 1), else_=RateCounter.count + 1),
            window_started_at=case((fresh, literal(moment, UTCDateTime)), else_=RateCounter.window_started_at),
        )
        .returning(RateCounter.count, RateCounter.window_started_at)
        .execution_options(synchronize_session=False)
    ).first()
    if taken is None:
        count, started = db.session.execute(
            select(RateCounter.count, RateCounter.window_started_at).where(RateCounter.key == key)
        ).one()
    else:
        count, started = taken
    resets_in = max(1, math.ceil((started + window - moment).total_seconds()))
    return Use(allowed=taken is not None, left=max(0, limit - count), resets_in=resets_in)
