"""The onboarding checklist of a seller, computed from real state (SPEC §6).

Each step is a rule `(seller) -> datetime | None`: when it was first met, or None. Features that
complete a step later (products, lessons, sales) replace its rule in STEP_RULES.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from server.extensions import db
from server.models import Consent


@dataclass
class Step:
    key: str
    done_at: object

    @property
    def done(self):
        return self.done_at is not None


def _phone_verified(seller):
    return seller.owner.phone_verified_at


def _consent(seller):
    return db.session.scalar(select(func.min(Consent.recorded_at)).where(Consent.user_id == seller.owner_id))


def _profile(seller):
    return seller.owner.profile_completed_at


def _shop(seller):
    return seller.created_at


def _not_yet(_seller):
    return None


STEP_KEYS = (
    "phone_verified",
    "consent",
    "profile",
    "shop",
    "payout",
    "first_product",
    "first_listing",
    "first_lesson",
    "first_sale_or_channel",
)

STEP_RULES = {
    "phone_verified": _phone_verified,
    "consent": _consent,
    "profile": _profile,
    "shop": _shop,
    "payout": _not_yet,
    "first_product": _not_yet,
    "first_listing": _not_yet,
    "first_lesson": _not_yet,
    "first_sale_or_channel": _not_yet,
}


def checklist(seller):
    """Every step with its completion time, the integer percent done, and activation."""
    steps = [Step(key, STEP_RULES[key](seller)) for key in STEP_KEYS]
    percent = round(100 * sum(step.done for step in steps) / len(steps))
    return {"steps": steps, "percent": percent, "activated_at": seller.activated_at}
