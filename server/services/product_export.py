"""A seller's products as a mass-upload sheet for marketplaces (CSV or XLSX)."""

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

HEADER = [
    _l("Category"), _l("Product name"), _l("Description"), _l("SKU"), _l("Price (VND)"), _l("Stock"),
    _l("Cover image"), *[_l("Image %(number)d", number=n) for n in range(1, EXTRA_IMAGES + 1)],
    _l("Weight (g)"), _l("Length (cm)"), _l("Width (cm)"), _l("Height (cm)"),
]


def export_rows(user, seller_id):
    """One row per product that is not archived, images by their order."""
    seller = get_seller(user, seller_id, Permission.SELLERS_VIEW)
    products = db.session.scalars(
        select(Product).where(Product.seller_id == seller.id, Product.status != "archived")
        .options(selectinload(Product.photos)).order_by(Product.created_at, Product.id)
    ).all()
    rows = []
    for product in products:
        images = [photo_urls(photo)["large"] for photo in product.photos]
        images += [""] * (1 + EXTRA_IMAGES - len(images))
        category = CATEGORIES.get(product.category)
        rows.append([
            str(category) if category else "", product.title or "", product.description or "",
            product.sku or "", product.price_vnd, product.stock, *images[: 1 + EXTRA_IMAGES],
            product.weight_g, product.length_cm, product.width_cm, product.height_cm,
        ])
    return seller, HEADER, rows
