"""Selling activity days and the one-time activation of a seller (SPEC §6 "Activation")."""

from sqlalchemy import exists, or_, select, update

from server.clock import now, vietnam_day
from server.extensions import db
from server.models import Channel, Product, ProductPhoto, Sale, Seller, SellerActivity
from server.sql import insert_ignoring_duplicates

ACTIVITY_KINDS = ("sale", "product", "channel")


def record_activity(seller, kind, day=None):
    """Remember that the seller did some selling on `day` (today in Vietnam by default).

    Two requests of one seller on one day may race; the database keeps the first row, quietly.
    """
    day = day or vietnam_day(now())
    # The table, not the model: a plain INSERT, without the ORM asking the new row's id back.
    db.session.execute(insert_ignoring_duplicates(SellerActivity.__table__),
                       {"seller_id": seller.id, "day": day, "kind": kind})
    if seller.last_activity_day is not None and seller.last_activity_day >= day:
        # The day only ever moves forward (here, conditionally), so a day as late as this one read in
        # this request is still there: the update would change nothing, and is not sent.
        return
    db.session.execute(
        update(Seller)
        .where(Seller.id == seller.id, or_(Seller.last_activity_day.is_(None), Seller.last_activity_day < day))
        .values(last_activity_day=day)
    )


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
        db.session.flush()
        # Conditional, so that of two requests activating at once only the first one writes.
        db.session.execute(
            update(Seller).where(Seller.id == seller.id, Seller.activated_at.is_(None)).values(activated_at=now())
        )
        db.session.refresh(seller, ["activated_at"])
    return seller.activated_at
