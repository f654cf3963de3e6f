"""The public catalog and the product feed for provincial and national e-commerce floors."""

import base64
import binascii
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import RowMapping, and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Commune, Product, ProductPhoto, Province, Seller
from server.pagination import DEFAULT_PAGE_SIZE, Page, capped, count_of, count_up_to, inline
from server.services.places import normalize_province_code
from server.sql import one_of
from server.text import search_words, word_start

FEED_PAGE_SIZE = 100
# A page of the RSS feed, which catalogs fetch as one file each: ~100 ms to write at national scale.
MERCHANT_FEED_PAGE_SIZE = 1000
# The public catalog counts its matches up to this many (fifty pages, more than a buyer reads), and a
# million products are never counted on every page.
COUNT_LIMIT = 1_000
# In the SQL, so that the index of published products serves every plan (server.pagination.inline).
PUBLISHED = inline("published")


def _with_everything(statement):
    return statement.options(
        selectinload(Product.photos),
        selectinload(Product.seller).selectinload(Seller.commune).selectinload(Commune.province),
    )


@dataclass(frozen=True)
class Listing:
    """A product as the catalog and the feed list it: its row (the columns of _listing_select, with the
    seller and the seller's place) and its photos (id, width, height, keys) in their order.

    Lists are read as rows, not ORM objects: a page of 100 products with their photos and places was
    mostly the ORM building objects that nobody changes (issue 13)."""

    product: RowMapping
    photos: list


def _listing_select(product=Product):
    """The listing's columns (of `product`: the Product table, or an alias of a subquery of it), with the
    seller and the seller's place."""
    columns = (
        product.id, product.title, product.description, product.category, product.price_vnd, product.unit,
        product.stock, product.weight_g, product.length_cm, product.width_cm, product.height_cm,
        product.ocop_stars, product.status, product.published_at, product.updated_at,
        Seller.id.label("seller_id"), Seller.name.label("seller_name"), Seller.kind.label("seller_kind"),
        Seller.commune_code, Commune.name.label("commune_name"), Commune.province_code,
        Province.name.label("province_name"),
    )
    return (select(*columns).select_from(product)
            .join(Seller, Seller.id == product.seller_id)
            .join(Commune, Commune.code == Seller.commune_code)
            .join(Province, Province.code == Commune.province_code))


@cache
def _products_listing():
    """_listing_select() of the products table, built once per process: a request adds its conditions
    and order (building it cost about as much as running it)."""
    return _listing_select()


def _listings(statement):
    """The products `statement` selects, with their photos: two queries, whatever the page size."""
    return _with_photos(db.session.execute(statement).mappings().all())


def _with_photos(rows):
    """Listings of product rows, with their photos read in one query."""
    photos = defaultdict(list)
    if rows:
        for photo in db.session.execute(
            select(ProductPhoto.product_id, ProductPhoto.id, ProductPhoto.width, ProductPhoto.height,
                   ProductPhoto.keys)
            .where(one_of(ProductPhoto.product_id, (row["id"] for row in rows)))
            .order_by(ProductPhoto.product_id, ProductPhoto.position)
        ):
            photos[photo.product_id].append(photo)
    return [Listing(row, photos[row["id"]]) for row in rows]


def _catalog_conditions(product=Product, province=None, commune=None, q=None, category=None, ocop=None):
    """Published products matching every filter given, as conditions on `product`, Seller (for a
    commune) and Commune (for a province).

    A published product's seller is live: erasing a shop archives its products in the same
    transaction (accounts.erase), and nobody acts on an erased shop again (permissions.check_seller).
    So the catalog needs no join to sellers to know what is for sale, and its count walks one index
    of products (a join to sellers cost ten times as much, issue 13)."""
    conditions = [product.status == PUBLISHED]
    if province:
        conditions.append(Commune.province_code == normalize_province_code(province))
    if commune:
        conditions.append(Seller.commune_code == commune)
    if category:
        conditions.append(product.category == category)
    if ocop is not None:
        conditions.append(product.ocop_stars >= ocop)
    conditions += [word_start(product.search_text, word) for word in search_words(q)]
    return conditions


def _newest_first(statement, product, page, page_size):
    # The id breaks ties in the same direction, so that ix_products_catalog_order serves the order
    # read backwards.
    return (statement.order_by(product.published_at.desc(), product.id.desc())
            .limit(inline(page_size)).offset(inline((page - 1) * page_size)))


def catalog_page(page=1, page_size=DEFAULT_PAGE_SIZE, **filters):
    """One page of the catalog, newest first, and how many match (counted up to COUNT_LIMIT)."""
    conditions = _catalog_conditions(**filters)
    matches = _matches(conditions, **filters)
    if filters.get("q"):
        return _search_page(conditions, matches, page, page_size, filters)
    # The count comes with the page's rows, in one statement (the database counts once per run).
    counted = count_of(matches, COUNT_LIMIT).scalar_subquery().label("total")
    statement = _newest_first(_products_listing().add_columns(counted).where(*conditions), Product, page, page_size)
    rows = db.session.execute(statement).mappings().all()
    # A page past the last one has no row to bring the count.
    total, over = capped(rows[0]["total"], COUNT_LIMIT) if rows else count_up_to(matches, COUNT_LIMIT)
    return Page(items=_with_photos(rows), total=total, page=page, page_size=page_size, total_capped=over)


def _search_page(conditions, matches, page, page_size, filters):
    """A page of what words find: counted first, as a search that finds more than COUNT_LIMIT is read
    among the newest products first (SEARCH_WINDOW)."""
    total, over = count_up_to(matches, COUNT_LIMIT)
    rows = []
    if over:
        recent = _newest_products()
        within = _listing_select(recent).where(*_catalog_conditions(recent, **filters))
        rows = db.session.execute(_newest_first(within, recent, page, page_size)).mappings().all()
    if len(rows) < page_size:
        general = _newest_first(_products_listing().where(*conditions), Product, page, page_size)
        rows = db.session.execute(general).mappings().all()
    return Page(items=_with_photos(rows), total=total, page=page, page_size=page_size, total_capped=over)


def _matches(conditions, province=None, commune=None, **others):
    """What the catalog counts: the products meeting `conditions`, through the sellers and communes
    only when a place is asked for. The whole catalog is counted in its order, so that counting walks
    ix_products_catalog_order and stops at the limit without reading a product (0.25 ms for 1,001
    against 1.0 ms before, issue 13); a filtered one in no order, as the database finds best (the
    trigram index for words; a rare category would walk much of the order before its 1,001st)."""
    matches = select(Product.id)
    if province or commune:
        matches = matches.join(Seller, Seller.id == Product.seller_id)
    if province:
        matches = matches.join(Commune, Commune.code == Seller.commune_code)
    matches = matches.where(*conditions)
    if not (province or commune or any(others.values())):
        matches = matches.order_by(Product.published_at.desc(), Product.id.desc())
    return matches


# A search that matches more than COUNT_LIMIT products first looks among the newest SEARCH_WINDOW
# products only, walking the catalog's order and stopping at the page's last match. At a million
# products, "mat ong" (14,581 matches) took 110 ms by reading every match to sort them, and takes a
# few ms this way. When the window holds fewer matches than the page needs (a deep page, a search that
# is common in the whole country but not among the newest), the page is read the general way: the
# window is the start of the same order, so either way gives the same page.
SEARCH_WINDOW = 10_000


def _newest_products():
    return aliased(Product, select(Product).where(Product.status == PUBLISHED)
                   .order_by(Product.published_at.desc(), Product.id.desc()).limit(inline(SEARCH_WINDOW))
                   .subquery("recent"))


def catalog_product(product_id):
    product = db.session.scalars(
        _with_everything(select(Product).where(Product.id == product_id))
    ).first()
    if product is None or product.status != "published" or product.seller.erased_at is not None:
        raise NotFound()
    return product


IN_STOCK, OUT_OF_STOCK = "in_stock", "out_of_stock"


def availability(status, stock):
    """Whether a buyer can order the product now, in the words of Google's and Meta's feeds.

    A published product is in stock unless its seller counts stock and has none left: no count
    (null) means the seller does not keep one, as most households do not, and sells while they have
    some. A product no longer published cannot be ordered, whatever its count."""
    if status != "published" or stock == 0:
        return OUT_OF_STOCK
    return IN_STOCK


def _encode_cursor(product):
    raw = f"{product['updated_at'].isoformat()}|{product['id']}"
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


def for_sale(province=None, page=1, limit=MERCHANT_FEED_PAGE_SIZE):
    """What is for sale now, newest first, a page of `limit` and whether there are more: the whole
    catalog as Google Merchant Center and Meta take it, one file they fetch again and again. What is
    no longer in it, they take down."""
    statement = (_products_listing().where(*_catalog_conditions(province=province))
                 .order_by(Product.published_at.desc(), Product.id.desc())
                 .limit(inline(limit + 1)).offset(inline((page - 1) * limit)))
    listings = _listings(statement)
    return listings[:limit], len(listings) > limit


def feed(province=None, updated_since=None, cursor=None, limit=FEED_PAGE_SIZE):
    """Products ever published, changed since a time, oldest change first.

    A product no longer `published` (back to draft, archived, deleted by its seller) stays in the
    feed with that status, which tells the floors to take it down; drafts never published never show.
    """
    statement = _products_listing().where(Product.published_at.is_not(None))
    if province:
        statement = statement.where(Commune.province_code == normalize_province_code(province))
    if updated_since:
        statement = statement.where(Product.updated_at > updated_since)
    if cursor:
        moment, product_id = _decode_cursor(cursor)
        statement = statement.where(or_(Product.updated_at > moment,
                                        and_(Product.updated_at == moment, Product.id > product_id)))
    listings = _listings(statement.order_by(Product.updated_at, Product.id).limit(inline(limit + 1)))
    has_more = len(listings) > limit
    listings = listings[:limit]
    return {"items": listings, "next_cursor": _encode_cursor(listings[-1].product) if has_more else None}
