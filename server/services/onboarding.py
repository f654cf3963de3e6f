"""The onboarding checklist of sellers, computed from real state (SPEC §6).

Each step is a rule `(sellers) -> {seller id: datetime}`: when each seller first met it (absent: not
yet). A rule asks the database once for all the sellers given, so that a cohort's hundred households
cost the same few queries as one shop.
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


def _earliest(column, key_column, keys):
    """{key: min(column)} over the rows whose `key_column` is one of `keys`."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(key_column, func.min(column)).where(key_column.in_(set(keys))).group_by(key_column))
    return {key: moment for key, moment in rows if moment is not None}


def _of_sellers(column, seller_column):
    return lambda sellers: _earliest(column, seller_column, [seller.id for seller in sellers])


def _of_owners(column, user_column):
    def rule(sellers):
        by_owner = _earliest(column, user_column, [seller.owner_id for seller in sellers])
        return {seller.id: by_owner[seller.owner_id] for seller in sellers if seller.owner_id in by_owner}
    return rule


def _of_owner_records(attribute):
    return lambda sellers: {seller.id: getattr(seller.owner, attribute) for seller in sellers}


def _first_sale_or_channel(sellers):
    sales = _of_sellers(Sale.created_at, Sale.seller_id)(sellers)
    channels = _of_sellers(Channel.created_at, Channel.seller_id)(sellers)
    return {seller_id: min(moment for moment in (sales.get(seller_id), channels.get(seller_id)) if moment)
            for seller_id in sales.keys() | channels.keys()}


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
    "phone_verified": _of_owner_records("phone_verified_at"),
    "consent": _of_owners(Consent.recorded_at, Consent.user_id),
    "profile": _of_owner_records("profile_completed_at"),
    "shop": lambda sellers: {seller.id: seller.created_at for seller in sellers},
    "payout": _of_sellers(PayoutAccount.created_at, PayoutAccount.seller_id),
    "first_product": _of_sellers(Product.created_at, Product.seller_id),
    "first_listing": _of_sellers(Product.published_at, Product.seller_id),
    # Completion (all cards viewed and the quiz passed) is decided by server.services.learning.
    "first_lesson": _of_owners(LessonProgress.completed_at, LessonProgress.user_id),
    "first_sale_or_channel": _first_sale_or_channel,
}


def checklists(sellers):
    """{seller id: checklist} for many sellers, a query per step for all of them."""
    done = {key: STEP_RULES[key](sellers) for key in STEP_KEYS}
    result = {}
    for seller in sellers:
        steps = [Step(key, done[key].get(seller.id)) for key in STEP_KEYS]
        percent = round(100 * sum(step.done for step in steps) / len(steps))
        result[seller.id] = {"steps": steps, "percent": percent, "activated_at": seller.activated_at}
    return result


def checklist(seller):
    """Every step with its completion time, the integer percent done, and activation."""
    return checklists([seller])[seller.id]
