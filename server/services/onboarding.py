"""The onboarding checklist of a seller, computed from real state (SPEC §6).

Each step is a rule `(seller) -> datetime | None`: when it was first met, or None. Features that
complete a step later (products, lessons, sales) replace its rule in STEP_RULES.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from server.extensions import db
from server.models import Channel, Consent, LessonProgress, PayoutAccount, Product, Sale


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


def _payout(seller):
    return db.session.scalar(select(PayoutAccount.created_at).where(PayoutAccount.seller_id == seller.id))


def _first_product(seller):
    return db.session.scalar(select(func.min(Product.created_at)).where(Product.seller_id == seller.id))


def _first_listing(seller):
    return db.session.scalar(select(func.min(Product.published_at)).where(Product.seller_id == seller.id))


def _first_lesson(seller):
    # Completion (all cards viewed and the quiz passed) is decided by server.services.learning.
    return db.session.scalar(
        select(func.min(LessonProgress.completed_at)).where(LessonProgress.user_id == seller.owner_id)
    )


def _first_sale_or_channel(seller):
    moments = [
        db.session.scalar(select(func.min(model.created_at)).where(model.seller_id == seller.id))
        for model in (Sale, Channel)
    ]
    return min((moment for moment in moments if moment is not None), default=None)


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
    "payout": _payout,
    "first_product": _first_product,
    "first_listing": _first_listing,
    "first_lesson": _first_lesson,
    "first_sale_or_channel": _first_sale_or_channel,
}


def checklist(seller):
    """Every step with its completion time, the integer percent done, and activation."""
    steps = [Step(key, STEP_RULES[key](seller)) for key in STEP_KEYS]
    percent = round(100 * sum(step.done for step in steps) / len(steps))
    return {"steps": steps, "percent": percent, "activated_at": seller.activated_at}
