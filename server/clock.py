"""The current time, behind a small interface so tests can control it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


class SystemClock:
    def now(self):
        return datetime.now(UTC)


class FixedClock:
    """A clock that stays where tests put it."""

    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at

    def advance(self, delta):
        self.at += delta


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_day(moment):
    """The calendar day in Vietnam (UTC+7) of an aware datetime."""
    return moment.astimezone(VIETNAM).date()


def init_app(app):
    app.extensions["clock"] = SystemClock()


def now():
    """Aware UTC now, from the app's clock."""
    if has_app_context():
        return current_app.extensions["clock"].now()
    return datetime.now(UTC)
