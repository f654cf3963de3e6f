"""The public catalog and the product feed for provincial and national e-commerce floors."""

import base64
import binascii
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Commune, Product, Seller
from server.services.places import normalize_province_code
from server.text import search_words, word_start

FEED_PAGE_SIZE = 100
# The public catalog counts its matches up to this many (fifty pages, more than a buyer reads), and a
# million products are never counted on every page.
COUNT_LIMIT = 1_000


def _with_everything(statement):
    return statement.options(
        selectinload(Product.photos),
        selectinload(Product.seller).selectinload(Seller.commune).selectinload(Commune.province),
    )


def catalog_query(province=None, commune=None, q=None, category=None, ocop=None):
    """Published products of live sellers, matching every filter given."""
    statement = (
        select(Product)
        .join(Seller, Seller.id == Product.seller_id)
        .where(Product.status == "published", Seller.erased_at.is_(None))
    )
    if province:
        statement = statement.join(Commune, Commune.code == Seller.commune_code).where(
            Commune.province_code == normalize_province_code(province))
    if commune:
        statement = statement.where(Seller.commune_code == commune)
    if category:
        statement = statement.where(Product.category == category)
    if ocop is not None:
        statement = statement.where(Product.ocop_stars >= ocop)
    for word in search_words(q):
        statement = statement.where(word_start(Product.search_text, word))
    # Newest first; the id breaks ties in the same direction, so that ix_products_catalog_order
    # serves the order read backwards.
    return _with_everything(statement.order_by(Product.published_at.desc(), Product.id.desc()))


def catalog_product(product_id):
    product = db.session.scalars(
        _with_everything(select(Product).where(Product.id == product_id))
    ).first()
    if product is None or product.status != "published" or product.seller.erased_at is not None:
        raise NotFound()
    return product


def _encode_cursor(product):
    raw = f"{product.updated_at.isoformat()}|{product.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


INVALID_CURSOR = _l("This cursor is not valid. Start again without it.")


def _decode_cursor(cursor):
    """(updated_at, product id) from a cursor this feed wrote; anything else is InvalidInput.

    Cursors come back from clients, so they are read as untrusted input: the moment must carry its
    time zone (a naive one cannot be compared with the stored times) and the id must be a product id.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, product_id = base64.urlsafe_b64decode(padded).decode().split("|", 1)
        moment = datetime.fromisoformat(moment)
        if moment.tzinfo is None or str(uuid.UUID(product_id)) != product_id:
            raise ValueError("not a cursor of this feed")
        return moment, product_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(errors={"cursor": [INVALID_CURSOR]}) from None


def feed(province=None, updated_since=None, cursor=None, limit=FEED_PAGE_SIZE):
    """Products ever published, changed since a time, oldest change first.

    A product no longer `published` (back to draft, archived, deleted by its seller) stays in the
    feed with that status, which tells the floors to take it down; drafts never published never show.
    """
    statement = select(Product).join(Seller, Seller.id == Product.seller_id).where(
        Product.published_at.is_not(None))
    if province:
        statement = statement.join(Commune, Commune.code == Seller.commune_code).where(
            Commune.province_code == normalize_province_code(province))
    if updated_since:
        statement = statement.where(Product.updated_at > updated_since)
    if cursor:
        moment, product_id = _decode_cursor(cursor)
        statement = statement.where(or_(Product.updated_at > moment,
                                        and_(Product.updated_at == moment, Product.id > product_id)))
    statement = _with_everything(statement.order_by(Product.updated_at, Product.id).limit(limit + 1))
    products = db.session.scalars(statement).all()
    has_more = len(products) > limit
    products = products[:limit]
    return {"items": products, "next_cursor": _encode_cursor(products[-1]) if has_more else None}
