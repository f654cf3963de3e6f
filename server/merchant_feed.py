"""The product feed as Google Merchant Center and Meta (Facebook, Instagram) catalogs read one: RSS 2.0
with Google's `g:` namespace. ElementTree writes it, so whatever a seller types is escaped."""

import re
from xml.etree import ElementTree

from flask_babel import gettext as _

from server.services import catalog
from server.services.categories import CATEGORIES
from server.text import clip_words
from server.urls import public_url

G = "http://base.google.com/ns/1.0"
ATOM = "http://www.w3.org/2005/Atom"
MIMETYPE = "application/xml"  # sent with "; charset=utf-8"
SITE_NAME = "Chợ Quê Online"
# The feed speaks the language of the product pages it links to, whatever the fetcher asks for.
LANGUAGE = "vi"

# Google takes up to 10 additional images; a product has at most 9 photos, but the rule is theirs.
MAX_ADDITIONAL_IMAGES = 10
# Google cuts a brand at 70 characters and a description at 5,000 (Meta at 9,999); shop names reach 120.
BRAND_LENGTH = 70
DESCRIPTION_LENGTH = 5000

# Characters XML 1.0 cannot hold at all (control characters pasted from elsewhere): a feed with one
# is not XML, and a catalog would refuse every product in it. They are invisible, so left out.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ElementTree.register_namespace("g", G)
ElementTree.register_namespace("atom", ATOM)


def rss(listings, urls_of, next_page=None):
    """An RSS 2.0 document (UTF-8 bytes) of catalog.Listing rows; `next_page` is the address of the
    feed's next page, if there is one. Products Google would refuse are left out (merchant_item)."""
    root = ElementTree.Element("rss", {"version": "2.0"})
    channel = ElementTree.SubElement(root, "channel")
    _text(channel, "title", SITE_NAME)
    _text(channel, "link", public_url("/"))
    _text(channel, "description", _("Products of rural households and cooperatives selling on Chợ Quê Online."))
    if next_page:
        ElementTree.SubElement(channel, f"{{{ATOM}}}link", {"rel": "next", "href": next_page})
    for listing in listings:
        fields = merchant_item(listing, urls_of)
        if fields is None:
            continue
        item = ElementTree.SubElement(channel, "item")
        for name, value in fields:
            _text(item, f"{{{G}}}{name}", value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def merchant_item(listing, urls_of):
    """The item's (name, value) pairs in the `g:` namespace, or None for a product without what Google
    requires and we cannot make up: a title, a price, a photo."""
    product = listing.product
    if not product["title"] or not product["price_vnd"] or not listing.photos:
        return None
    cover, *others = [urls_of(photo.keys)["large"] for photo in listing.photos]
    fields = [
        ("id", product["id"]),
        ("title", product["title"]),
        # Both catalogs require a description; the title says what the product is when the seller wrote none.
        ("description", (product["description"] or product["title"])[:DESCRIPTION_LENGTH]),
        ("link", public_url(f"/p/{product['id']}")),
        ("image_link", cover),
        *[("additional_image_link", address) for address in others[:MAX_ADDITIONAL_IMAGES]],
        ("availability", catalog.availability(product["status"], product["stock"])),
        ("price", f"{product['price_vnd']} VND"),
        ("condition", "new"),
        ("brand", clip_words(product["seller_name"], BRAND_LENGTH)),
        # Household products have no barcode (GTIN) nor maker's part number: said so, Google does not
        # hold their absence against them.
        ("identifier_exists", "no"),
    ]
    if product["category"] in CATEGORIES:
        fields.append(("product_type", str(CATEGORIES[product["category"]])))
    if product["weight_g"]:
        fields.append(("shipping_weight", f"{product['weight_g']} g"))
    return fields


def _text(parent, tag, value):
    ElementTree.SubElement(parent, tag).text = NOT_XML.sub("", str(value))
