"""Public catalog, categories and the product feed for e-commerce floors (no sign-in)."""

import marshmallow as ma
from flask.views import MethodView

from api.access import Blueprint, MOMENT_RANGE
from api.pagination import PageArgs, page_of
from api.products import photo_urls_field, price_display, share_url
from server.pagination import paginate
from server.services import catalog
from server.services.categories import CATEGORIES, list_categories

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Public catalog and feeds")


class CategorySchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class CatalogPhotoSchema(ma.Schema):
    id = ma.fields.String(required=True)
    width = ma.fields.Integer(required=True)
    height = ma.fields.Integer(required=True)
    urls = photo_urls_field()


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
    price_display = ma.fields.Function(price_display, metadata={"type": "string"})
    unit = ma.fields.String(allow_none=True)
    weight_g = ma.fields.Integer(allow_none=True)
    ocop_stars = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(required=True)
    photos = ma.fields.List(ma.fields.Nested(CatalogPhotoSchema))
    seller = ma.fields.Nested(CatalogSellerSchema)
    share_url = ma.fields.Function(share_url, metadata={"type": "string"})
    published_at = ma.fields.DateTime(allow_none=True)
    updated_at = ma.fields.DateTime(required=True)


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


class FeedSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CatalogProductSchema), required=True)
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
        page, page_size = args.pop("page"), args.pop("page_size")
        return paginate(catalog.catalog_query(**args), page, page_size, count_limit=catalog.COUNT_LIMIT)


@blp.route("/catalog/<product_id>")
class CatalogProduct(MethodView):
    @blp.response(200, CatalogProductSchema)
    def get(self, product_id):
        """One published product."""
        return catalog.catalog_product(product_id)


@blp.route("/feeds/products")
class ProductFeed(MethodView):
    @blp.etag
    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedSchema)
    def get(self, args):
        """Changed products for provincial and national floors: follow `next_cursor`; ETag for polling."""
        return catalog.feed(**args)
