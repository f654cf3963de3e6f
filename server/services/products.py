"""Products: drafts, publishing rules, editing by owner and cooperative members, photos."""

import logging
import uuid
from functools import lru_cache

from babel import numbers
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.clock import now
from server.errors import Conflict, InvalidInput, NotFound
from server.extensions import db
from server.idempotency import create_once, fingerprint
from server.models import Product, ProductPhoto
from server.permissions import Permission, check_seller
from server.services.sellers import get_seller
from server.services import activation
from server.services.photo_processing import process_photo
from server.storage import save_all, url_path
from server.text import fold
from server.urls import public_url

log = logging.getLogger(__name__)

MAX_PHOTOS = 9
PRODUCT_FIELDS = ("title", "description", "category", "price_vnd", "unit", "stock", "sku", "weight_g",
                  "length_cm", "width_cm", "height_cm", "ocop_stars")
TITLE_LENGTH = (10, 120)


def storage():
    return current_app.extensions["storage"]


def get_product(user, product_id, permission=Permission.PRODUCTS_EDIT):
    """The product if `user` may act on its seller: 404 when they may not see it, 403 when not this."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound()
    check_seller(user, product.seller, permission)
    return product


def list_products(user, seller_id, status=None):
    seller = get_seller(user, seller_id, Permission.SELLERS_VIEW)
    statement = select(Product).where(Product.seller_id == seller.id)
    if status:
        statement = statement.where(Product.status == status)
    return statement.order_by(Product.updated_at.desc(), Product.id)


def _apply(product, fields):
    for field in PRODUCT_FIELDS:
        if field in fields:
            setattr(product, field, fields[field])
    product.search_text = fold(f"{product.title or ''} {product.description or ''}")


def create_product(user, seller_id, fields):
    """A new draft (or published) product; the same client id and content returns the original."""
    seller = get_seller(user, seller_id, Permission.PRODUCTS_EDIT)
    product_id = str(fields.get("id") or uuid.uuid4())
    content = {key: value for key, value in fields.items() if key != "id"}

    def build():
        moment = now()
        product = Product(id=product_id, seller_id=seller.id, status="draft", created_at=moment,
                          updated_at=moment, create_fingerprint=fingerprint(content))
        _apply(product, content)
        return product

    product, created = create_once(Product, product_id, content, lambda stored: stored.seller_id == seller.id,
                                   build, fingerprint_column="create_fingerprint")
    if not created:
        return product, False
    activation.record_activity(seller, "product")
    if content.get("status") == "published":
        _publish(product)
    elif content.get("status") == "archived":
        product.status = "archived"
    db.session.commit()
    return product, True


def update_product(user, product_id, changes):
    product = get_product(user, product_id)
    _apply(product, changes)
    product.updated_at = now()
    status = changes.get("status")
    if status == "published" and product.status != "published":
        _publish(product)
    elif status in ("draft", "archived"):
        product.status = status
    elif product.status == "published":
        # A published product must keep meeting the publishing rules after an edit.
        _check_publishable(product)
    activation.record_activity(product.seller, "product")
    db.session.commit()
    return product


def delete_product(user, product_id):
    """Delete a draft and its photo files; a product once published is archived instead, so that
    the feed can tell the e-commerce floors to take it down."""
    product = get_product(user, product_id, Permission.PRODUCTS_DELETE)
    if product.published_at is not None:
        product.status = "archived"
        product.updated_at = now()
        db.session.commit()
        return
    keys = [key for photo in product.photos for key in photo.keys.values()]
    db.session.delete(product)
    db.session.commit()
    delete_files(keys)


def missing_for_publishing(product):
    """What stands between the product and the catalog: {field: [message]}."""
    missing = {}
    low, high = TITLE_LENGTH
    if not product.title or not low <= len(product.title) <= high:
        missing["title"] = [_l("Give the product a title of 10 to 120 characters.")]
    if not product.price_vnd:
        missing["price_vnd"] = [_l("Set a price.")]
    if not product.photos:
        missing["photos"] = [_l("Add at least one photo.")]
    if not product.category:
        missing["category"] = [_l("Choose a category.")]
    return missing


def _check_publishable(product):
    missing = missing_for_publishing(product)
    if missing:
        raise InvalidInput(_l("This product is not ready to publish yet."), errors=missing)


def _publish(product):
    db.session.flush()
    _check_publishable(product)
    moment = now()
    product.status = "published"
    product.published_at = product.published_at or moment
    product.updated_at = moment
    activation.activate_if_due(product.seller)


def publish(user, product_id):
    product = get_product(user, product_id)
    _publish(product)
    activation.record_activity(product.seller, "product")
    db.session.commit()
    return product


def add_photo(user, product_id, data, photo_id=None):
    """Process and store a photo; any failure leaves no row and no file behind. Returns (photo, created).

    `photo_id` is the phone's own id for the photo, so that an upload retried from a flaky line (or
    sent again by the outbox) is stored once: the same id gives the photo stored the first time.
    """
    product = get_product(user, product_id)
    photo_id = str(photo_id or uuid.uuid4())
    stored = _photo_under_id(product, photo_id)
    if stored is not None:
        return stored, False
    # Two uploads at once must not both take the ninth place (PostgreSQL locks; SQLite has one writer).
    db.session.execute(select(Product.id).where(Product.id == product.id).with_for_update())
    # The lock waited for the other upload of the same photo, if there was one: it is stored now.
    stored = _photo_under_id(product, photo_id)
    if stored is not None:
        return stored, False
    if len(product.photos) >= MAX_PHOTOS:
        raise InvalidInput(errors={"file": [_l("A product can have at most 9 photos.")]})
    processed = process_photo(data)
    keys = {size: f"photos/{product.id}/{photo_id}/{size}.jpg" for size in processed.derivatives}
    save_all(storage(), {keys[size]: content for size, content in processed.derivatives.items()})
    try:
        photo = ProductPhoto(id=photo_id, product_id=product.id, position=len(product.photos),
                             width=processed.width, height=processed.height, keys=keys,
                             hints=list(processed.hints), created_at=now())
        product.photos.append(photo)
        product.updated_at = now()
        db.session.commit()
    except IntegrityError:
        # The same upload, retried while the first was still being stored: the first one counts.
        db.session.rollback()
        stored = _photo_under_id(db.session.get(Product, product_id), photo_id)
        if stored is None:
            delete_files(keys.values())
            raise
        return stored, False
    except Exception:
        db.session.rollback()
        delete_files(keys.values())
        raise
    return photo, True


def _photo_under_id(product, photo_id):
    """The photo already stored under a client's id, or None; an id of another product's photo is a conflict."""
    stored = db.session.get(ProductPhoto, photo_id)
    if stored is not None and stored.product_id != product.id:
        raise Conflict(_l("This id was already used for different data."))
    return stored


def reorder_photos(user, product_id, photo_ids):
    product = get_product(user, product_id)
    current = {photo.id: photo for photo in product.photos}
    if sorted(photo_ids) != sorted(current):
        raise InvalidInput(errors={"photo_ids": [_l("List every photo of the product exactly once.")]})
    for position, photo_id in enumerate(photo_ids):
        current[photo_id].position = position
    product.updated_at = now()
    db.session.commit()
    db.session.refresh(product)
    return product


def delete_photo(user, product_id, photo_id):
    product = get_product(user, product_id)
    photo = next((p for p in product.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound()
    keys = list(photo.keys.values())
    product.photos.remove(photo)
    for position, remaining in enumerate(product.photos):
        remaining.position = position
    if product.status == "published" and not product.photos:
        product.status = "draft"
    product.updated_at = now()
    db.session.commit()
    delete_files(keys)


def delete_files(keys):
    """Delete stored files once the rows naming them are gone; a file left behind is only logged."""
    for key in keys:
        try:
            storage().delete(key)
        except Exception:  # noqa: BLE001 - a leftover file must not fail the request
            log.warning("Could not delete stored file %s", key, exc_info=True)


def money(amount_vnd):
    """An amount in đồng the way the caller's language writes it; None for no amount."""
    return money_writer()(amount_vnd)


def money_writer():
    """money(), made once for a whole list: the caller's language is looked up once (asking Flask-Babel
    for it cost more than formatting a price, issue 13)."""
    locale = str(get_locale())
    return lambda amount_vnd: _vnd(amount_vnd, locale) if amount_vnd else None


@lru_cache(maxsize=4096)
def _vnd(amount_vnd, locale):
    # Babel reads the locale's patterns on every call: a page of 100 prices spent more time there than
    # in its queries. Prices repeat (and the result depends on nothing else), so each is formatted once.
    return numbers.format_currency(amount_vnd, "VND", locale=locale)


def photo_urls(photo):
    """Absolute addresses of a photo's derivatives, so floors and link previews can fetch them.

    Local storage serves photos under the app's public address (PUBLIC_BASE_URL), whatever Host
    the request named; S3 gives addresses of its own.
    """
    return derivative_urls()(photo.keys)


def derivative_urls():
    """A function from a photo's storage keys ({size: key}) to {size: absolute address}; made once for
    a whole list, it works out once what every address starts with (a feed page writes ~650 of them,
    issue 13)."""
    start = public_url(storage().url_base(), current_app.config["PUBLIC_BASE_URL"])
    return lambda keys: {size: start + url_path(key) for size, key in keys.items()}
