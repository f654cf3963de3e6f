"""Public catalog, categories and the product feed for e-commerce floors (no sign-in)."""

import marshmallow as ma
from flask import Response, jsonify, request, url_for
from flask.views import MethodView
from flask_babel import force_locale

from api.access import Blueprint, MOMENT_RANGE
from api.pagination import PageArgs, page_of
from api.products import photo_urls_field, price_display, share_url
from server import merchant_feed
from server.services import catalog, products
from server.services.categories import CATEGORIES, list_categories
from server.services.photo_processing import DERIVATIVE_SIZES, derivative_sizes
from server.services.products import derivative_urls
from server.urls import public_url

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Public catalog and feeds")

CURRENCY = "VND"
ETAG_HEADER = {"ETag": {"description": "Send it back in If-None-Match.", "schema": {"type": "string"}}}


class CategorySchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


def photo_sizes(photo):
    """{"large": {"width", "height"}, "medium": …, "thumb": …}: the size of each derivative in `urls`."""
    return derivative_sizes((photo.width, photo.height), photo.keys)


PIXELS = {"type": "integer", "minimum": 1}
SIZES_DOC = {
    "type": "object",
    "description": "The size in pixels of each image in `urls`, by the same names.",
    "properties": {name: {"type": "object", "required": ["width", "height"],
                          "properties": {"width": PIXELS, "height": PIXELS}} for name in DERIVATIVE_SIZES},
}


class CatalogPhotoSchema(ma.Schema):
    id = ma.fields.String(required=True)
    width = ma.fields.Integer(required=True, metadata={"description": "Of `large`, the biggest image."})
    height = ma.fields.Integer(required=True, metadata={"description": "Of `large`, the biggest image."})
    urls = photo_urls_field()
    sizes = ma.fields.Function(photo_sizes, metadata=SIZES_DOC)


class CatalogSellerSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    commune_code = ma.fields.String(required=True)
    commune_name = ma.fields.String(attribute="commune.name")
    province_code = ma.fields.String(attribute="commune.province_code")
    province_name = ma.fields.String(attribute="commune.province.name")


class CatalogProductSchema(ma.Schema):
    """What buyers and floors see: no stock counts or internal ids of people."""

    id = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(allow_none=True)
    category = ma.fields.String(allow_none=True)
    price_vnd = ma.fields.Integer(allow_none=True)
    price_display = ma.fields.Function(price_display, allow_none=True,
                                       metadata={"type": "string", "example": "120.000 ₫",
                                                 "description": "null when the product has no price."})
    unit = ma.fields.String(allow_none=True)
    weight_g = ma.fields.Integer(allow_none=True, metadata={"description": "Grams; null when not given."})
    length_cm = ma.fields.Integer(allow_none=True, metadata={"description": "Centimetres; null when not given."})
    width_cm = ma.fields.Integer(allow_none=True, metadata={"description": "Centimetres; null when not given."})
    height_cm = ma.fields.Integer(allow_none=True, metadata={"description": "Centimetres; null when not given."})
    currency = ma.fields.Constant(CURRENCY, metadata={"type": "string", "enum": [CURRENCY],
                                                      "description": "Of `price_vnd`: always đồng."})
    ocop_stars = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(required=True)
    photos = ma.fields.List(ma.fields.Nested(CatalogPhotoSchema),
                            metadata={"description": "Every photo, the cover first."})
    seller = ma.fields.Nested(CatalogSellerSchema)
    share_url = ma.fields.Function(share_url, metadata={
        "type": "string", "format": "uri", "description": "The product's public page, /p/{id}, at the app's address."})
    published_at = ma.fields.DateTime(allow_none=True)
    updated_at = ma.fields.DateTime(required=True)


def listing_json(listing, urls_of, price_of):
    """A catalog.Listing, written as CatalogProductSchema writes the product (tests/api/test_catalog.py
    holds the two equal). Lists skip marshmallow: copying 100 products with their photos through it
    cost more than reading them. `urls_of` is products.derivative_urls() and `price_of`
    products.money_writer(), each made once for the list."""
    product = listing.product
    # Rows of a table of 1,000,000 products: not one query per product here (catalog.Listing).
    published_at = product["published_at"]
    return {
        "id": product["id"],
        "title": product["title"],
        "description": product["description"],
        "category": product["category"],
        "price_vnd": product["price_vnd"],
        "price_display": price_of(product["price_vnd"]),
        "unit": product["unit"],
        "weight_g": product["weight_g"],
        "length_cm": product["length_cm"],
        "width_cm": product["width_cm"],
        "height_cm": product["height_cm"],
        "currency": CURRENCY,
        "ocop_stars": product["ocop_stars"],
        "status": product["status"],
        "photos": [{"id": photo.id, "width": photo.width, "height": photo.height, "urls": urls_of(photo.keys),
                    "sizes": photo_sizes(photo)}
                   for photo in listing.photos],
        "seller": {
            "id": product["seller_id"],
            "name": product["seller_name"],
            "kind": product["seller_kind"],
            "commune_code": product["commune_code"],
            "commune_name": product["commune_name"],
            "province_code": product["province_code"],
            "province_name": product["province_name"],
        },
        "share_url": public_url(f"/p/{product['id']}"),
        "published_at": published_at.isoformat() if published_at else None,
        "updated_at": product["updated_at"].isoformat(),
    }


def listings_json(listings):
    """Listings as the catalog sends them, their photo addresses built with one lookup."""
    urls_of, price_of = derivative_urls(), products.money_writer()
    return [listing_json(listing, urls_of, price_of) for listing in listings]


def feed_items_json(listings):
    """Listings as the feed sends them (FeedProductSchema): the catalog's entry, and the stock."""
    urls_of, price_of = derivative_urls(), products.money_writer()
    return [{**listing_json(listing, urls_of, price_of), "stock": listing.product["stock"],
             "availability": catalog.availability(listing.product["status"], listing.product["stock"])}
            for listing in listings]


class CatalogArgs(PageArgs):
    province = ma.fields.String(validate=ma.validate.Regexp(r"^\d{1,2}$"))
    commune = ma.fields.String(validate=ma.validate.Regexp(r"^\d{5}$"))
    q = ma.fields.String(validate=ma.validate.Length(max=100),
                         metadata={"description": "Every word must match title or description; accents ignored."})
    category = ma.fields.String(validate=ma.validate.OneOf(list(CATEGORIES)))
    ocop = ma.fields.Integer(validate=ma.validate.Range(3, 5),
                             metadata={"description": "At least this many OCOP stars."})


class FeedArgs(ma.Schema):
    province = ma.fields.String(validate=ma.validate.Regexp(r"^\d{1,2}$"))
    updated_since = ma.fields.AwareDateTime(default_timezone=None, validate=MOMENT_RANGE,
                                            metadata={"description": "ISO 8601 with time zone, from 2000 to 2100."})
    cursor = ma.fields.String(validate=ma.validate.Length(max=200))
    limit = ma.fields.Integer(load_default=catalog.FEED_PAGE_SIZE, validate=ma.validate.Range(1, 500))


class MerchantFeedArgs(ma.Schema):
    province = ma.fields.String(validate=ma.validate.Regexp(r"^\d{1,2}$"))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 10_000))
    limit = ma.fields.Integer(load_default=catalog.MERCHANT_FEED_PAGE_SIZE,
                              validate=ma.validate.Range(1, catalog.MERCHANT_FEED_PAGE_SIZE))


class FeedProductSchema(CatalogProductSchema):
    """A product as floors take it: the catalog's entry, with what they need to sell it."""

    title = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "null for a product taken down because its seller erased their account: the feed "
                       "keeps its id and status, so floors take it down, and nothing that could name them."})
    stock = ma.fields.Integer(allow_none=True, metadata={
        "description": "How many the seller has; null when the seller does not count (sell while in stock)."})
    availability = ma.fields.String(required=True, metadata={
        "enum": [catalog.IN_STOCK, catalog.OUT_OF_STOCK],
        "description": "`out_of_stock` when `stock` is 0 or the product is no longer published; "
                       "`in_stock` otherwise, null stock included."})


class FeedSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedProductSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


@blp.route("/categories")
class Categories(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """Product categories, with names in the caller's language."""
        return list_categories()


@blp.route("/catalog")
class Catalog(MethodView):
    @blp.arguments(CatalogArgs, location="query")
    @blp.response(200, page_of(CatalogProductSchema, catalog.COUNT_LIMIT))
    def get(self, args):
        """Published products, filtered by place, category, OCOP stars and words."""
        page = catalog.catalog_page(**args)
        return jsonify({"items": listings_json(page.items), "total": page.total,
                        "page": page.page, "page_size": page.page_size, "total_capped": page.total_capped})


@blp.route("/catalog/<product_id>")
class CatalogProduct(MethodView):
    @blp.response(200, CatalogProductSchema)
    def get(self, product_id):
        """One published product."""
        return catalog.catalog_product(product_id)


@blp.route("/feeds/products")
class ProductFeed(MethodView):
    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedSchema, headers=ETAG_HEADER)
    @blp.alt_response(304, description="Nothing changed since the ETag sent in If-None-Match.")
    def get(self, args):
        """Changed products for provincial and national floors: follow `next_cursor`; ETag for polling."""
        found = catalog.feed(**args)
        body = {"items": feed_items_json(found["items"]), "next_cursor": found["next_cursor"]}
        return _conditional(jsonify(body))


MERCHANT_FEED_RESPONSE = {
    "200": {
        "description": "RSS 2.0 with Google's `g:` namespace (http://base.google.com/ns/1.0), as Google Merchant "
                       "Center and Meta catalogs read it: the published products of live shops, newest first "
                       "(a product no longer here is to be taken down). Products without a title, a price or a "
                       "photo are left out; the next page, if any, is the channel's `atom:link rel=\"next\"`.",
        "content": {merchant_feed.MIMETYPE: {"schema": {"type": "string"}}},
        "headers": ETAG_HEADER,
    }
}


@blp.route("/feeds/products.xml")
class MerchantProductFeed(MethodView):
    @blp.arguments(MerchantFeedArgs, location="query")
    @blp.doc(responses=MERCHANT_FEED_RESPONSE)
    @blp.alt_response(304, description="Nothing changed since the ETag sent in If-None-Match.")
    def get(self, args):
        """What is for sale now, for Google Merchant Center and Meta (Facebook, Instagram) catalogs: RSS 2.0.

        In Vietnamese whatever the fetcher asks for, as the product pages it links to are."""
        with force_locale(merchant_feed.LANGUAGE):
            listings, more = catalog.for_sale(**args)
            next_page = None
            if more:
                query = {**args, "page": args["page"] + 1}
                next_page = public_url(url_for(request.endpoint, **query))
            document = merchant_feed.rss(listings, derivative_urls(), next_page)
        return _conditional(Response(document, mimetype=merchant_feed.MIMETYPE))


def _conditional(response):
    # The tag is a hash of the bytes sent; werkzeug answers 304 (with the tag) when If-None-Match
    # holds it, weak or strong, as RFC 9110 compares tags for GET.
    response.add_etag()
    return response.make_conditional(request)
