"""A seller's products as a mass-upload sheet for marketplaces (CSV or XLSX).

The columns follow the Shopee Vietnam and TikTok Shop Vietnam mass-upload templates (README,
"Product mass-upload sheet"): a seller copies them column by column into the template of the day.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Product
from server.permissions import Permission
from server.services.categories import CATEGORIES
from server.services.products import photo_urls
from server.services.sellers import get_seller

EXTRA_IMAGES = 8
SKU_PREFIX = "CQ-"

# New columns go at the end: sheets and macros made from earlier exports keep their columns.
HEADER = [
    _l("Category"), _l("Product name"), _l("Description"), _l("SKU"), _l("Price (VND)"), _l("Stock"),
    _l("Cover image"), *[_l("Image %(number)d", number=n) for n in range(1, EXTRA_IMAGES + 1)],
    _l("Shipping weight (g)"), _l("Length (cm)"), _l("Width (cm)"), _l("Height (cm)"), _l("Brand"),
]


def sku(product):
    """The seller's own SKU, else one made from the product's id: the same on every export, so that a
    marketplace listing uploaded from an earlier sheet can be found again."""
    # The whole id: ids made by time (UUID v1, v7) share their first digits within a moment.
    return product.sku or SKU_PREFIX + product.id.replace("-", "").upper()


def export_rows(user, seller_id, include_drafts=False):
    """One row per published product (and draft, when asked: to prepare listings before publishing
    here), images by their order. Archived products are never exported."""
    seller = get_seller(user, seller_id, Permission.SELLERS_VIEW)
    statuses = ("published", "draft") if include_drafts else ("published",)
    products = db.session.scalars(
        select(Product).where(Product.seller_id == seller.id, Product.status.in_(statuses))
        .options(selectinload(Product.photos)).order_by(Product.created_at, Product.id)
    ).all()
    rows = []
    for product in products:
        images = [photo_urls(photo)["large"] for photo in product.photos]
        images += [""] * (1 + EXTRA_IMAGES - len(images))
        category = CATEGORIES.get(product.category)
        rows.append([
            str(category) if category else "", product.title or "", product.description or "",
            sku(product), product.price_vnd, product.stock, *images[: 1 + EXTRA_IMAGES],
            product.weight_g, product.length_cm, product.width_cm, product.height_cm,
            # The shop's name: households have no registered brand (README says what to pick then).
            seller.name or "",
        ])
    return seller, HEADER, rows
