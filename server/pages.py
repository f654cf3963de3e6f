"""Pages served outside the JSON API: media files of local storage, shareable product pages."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_file, send_from_directory
from flask_babel import format_currency, get_locale

from server.errors import NotFound
from server.services import catalog
from server.services.products import photo_urls
from server.storage import InvalidKey, LocalStorage
from server.urls import public_url

blp = Blueprint("pages", __name__, template_folder="templates")

DEMO_PHOTOS = "demo/photos/"


@blp.app_context_processor
def _language():
    return {"get_locale": get_locale}


@blp.route("/media/<path:key>")
def media(key):
    """Photos of the local storage backend; immutable, so phones may cache them for long."""
    storage = current_app.extensions["storage"]
    if not isinstance(storage, LocalStorage):
        abort(404)
    try:
        path = storage.path(key)
    except InvalidKey:
        # `.`, `..`, empty parts, backslashes: no stored file has such a key.
        abort(404)
    if path.is_file():
        return send_file(path, max_age=31536000)
    if key.startswith(DEMO_PHOTOS):
        # `flask demo-data` writes photo records, not files: show a stand-in picture.
        return send_from_directory(Path(__file__).parent / "static", "demo-photo.jpg", max_age=86400)
    abort(404)


@blp.route("/p/<product_id>")
def product_page(product_id):
    """A product page to share on Zalo or Facebook, with OpenGraph tags for the link preview."""
    try:
        product = catalog.catalog_product(product_id)
    except NotFound:
        return render_template("product_missing.html"), 404
    cover = photo_urls(product.photos[0])["large"] if product.photos else None
    return render_template(
        "product_page.html",
        product=product,
        page_url=public_url(f"/p/{product.id}"),
        price=format_currency(product.price_vnd, "VND"),
        cover=cover,
        photos=[photo_urls(photo) for photo in product.photos],
    )
