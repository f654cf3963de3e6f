"""Selling activity days and the one-time activation of a seller (SPEC §6 "Activation")."""

from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from server.clock import now
from server.extensions import db
from server.models import Channel, Product, ProductPhoto, Sale, SellerActivity

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ACTIVITY_KINDS = ("sale", "product", "channel")


def vietnam_day(moment):
    """The calendar day in Vietnam (UTC+7) of an aware datetime."""
    return moment.astimezone(VIETNAM).date()


def record_activity(seller, kind, day=None):
    """Remember that the seller did some selling on `day` (today in Vietnam by default)."""
    day = day or vietnam_day(now())
    already = db.session.scalar(
        select(exists().where(SellerActivity.seller_id == seller.id, SellerActivity.day == day,
                              SellerActivity.kind == kind))
    )
    if not already:
        db.session.add(SellerActivity(seller_id=seller.id, day=day, kind=kind))


def _has_listing_with_photo(seller):
    return db.session.scalar(
        select(exists().where(Product.seller_id == seller.id, Product.status == "published",
                              exists().where(ProductPhoto.product_id == Product.id)))
    )


def _has_sale_or_channel(seller):
    return db.session.scalar(select(exists().where(Sale.seller_id == seller.id))) or db.session.scalar(
        select(exists().where(Channel.seller_id == seller.id))
    )


def activate_if_due(seller):
    """Set `activated_at` the first time the rule holds; it never moves afterwards."""
    if seller.activated_at is None and _has_listing_with_photo(seller) and _has_sale_or_channel(seller):
        seller.activated_at = now()
    return seller.activated_at
