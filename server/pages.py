"""Pages served outside the JSON API: media files of local storage, shareable product pages."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_file, send_from_directory
from flask_babel import force_locale, get_locale

from server.errors import NotFound
from server.services import product_page as product_pages
from server.storage import InvalidKey, LocalStorage

blp = Blueprint("pages", __name__, template_folder="templates")

DEMO_PHOTOS = "demo/photos/"
PAGE_LOCALE, OG_LOCALE = "vi", "vi_VN"


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
    """A product page to share on Zalo or Facebook: what a buyer needs to buy, and OpenGraph tags and
    schema.org data for link previews and search engines.

    Always in Vietnamese: the buyers are Vietnamese, and the crawlers that make link previews send
    whatever Accept-Language they like (Facebook's asks for English)."""
    with force_locale(PAGE_LOCALE):
        try:
            page = product_pages.product_page(product_id)
        except NotFound:
            return render_template("product_missing.html"), 404
        return render_template("product_page.html", page=page, product=page.product, og_locale=OG_LOCALE)
