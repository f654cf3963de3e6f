"""Time in the demo world: a fixed "today", the two years before it, and Vietnam calendar days."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

# Vietnam has kept UTC+7 all year since 1975, so a fixed offset gives the same calendar days as
# Asia/Ho_Chi_Minh (server.services.activation.vietnam_day) at a fraction of the cost per row.
VIETNAM_OFFSET = timedelta(hours=7)
HISTORY_DAYS = 730
DAY = timedelta(days=1)


def days(count):
    """A timedelta of `count` (fractional) days in whole seconds, so that stored times stay round."""
    return timedelta(seconds=int(count * 86400))


def vietnam_day(moment):
    """The calendar day in Vietnam of an aware UTC datetime."""
    return (moment + VIETNAM_OFFSET).date()


def day_start(day):
    """Midnight in Vietnam at the start of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(), UTC) - VIETNAM_OFFSET


@dataclass(frozen=True)
class History:
    """The two years of demo history: everything happens in [start, end), end being today's midnight."""

    today: date
    start: datetime
    end: datetime

    @classmethod
    def ending(cls, today):
        end = day_start(today)
        return cls(today=today, start=end - HISTORY_DAYS * DAY, end=end)

    @property
    def seconds(self):
        return (self.end - self.start).total_seconds()

    def at_fraction(self, fraction):
        """The moment `fraction` (0..1) of the way through the history."""
        return self.start + timedelta(seconds=int(self.seconds * fraction))

    def clamp(self, moment):
        """`moment`, or the last second of the history when it would fall on or after today."""
        return min(moment, self.end - timedelta(seconds=1))


def between(rng, earliest, latest):
    """A moment uniformly between two datetimes (or `earliest` when they are out of order)."""
    span = (latest - earliest).total_seconds()
    if span <= 0:
        return earliest
    return earliest + timedelta(seconds=int(rng.random() * span))


def daytime_on(rng, day, first_hour=6, last_hour=22):
    """A moment during waking hours (Vietnam time) of `day`."""
    seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
    return day_start(day) + timedelta(seconds=seconds)


def growing(rng, history, earliest=0.0, latest=1.0, power=0.6):
    """A moment in the history, more likely late than early: the programme grows over time."""
    fraction = earliest + (latest - earliest) * rng.random() ** power
    return history.at_fraction(fraction)
