"""Products of a seller, their photos, publishing and the mass-upload export."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import ROLE_MAY_NOT, Blueprint, ExportArgs, Trimmed, login_required
from api.pagination import PageArgs, page_of
from server.body_limits import MB, body_limit
from server.pagination import paginate
from server.permissions import Permission
from server.services import product_export, products
from server.services.categories import CATEGORIES
from server.services.photo_processing import DERIVATIVE_SIZES, HINT_MESSAGES, hint_message
from server.spreadsheets import FILE_RESPONSE, download
from server.urls import public_url

blp = Blueprint("products", __name__, url_prefix="/api/v1", description="Products and photos")

STATUSES = ("draft", "published", "archived")


def price_display(product):
    """"180.000 ₫", the way the caller's language writes money."""
    return products.money(product.price_vnd)


def share_url(product):
    """The product's page to share, at the app's public address (never the request's Host)."""
    return public_url(f"/p/{product.id}")


PHOTO_URLS = {
    "type": "object",
    "properties": {size: {"type": "string", "description": f"The JPEG, longest side at most {pixels} px."}
                   for size, pixels in DERIVATIVE_SIZES.items()},
    "required": list(DERIVATIVE_SIZES),
    "description": "Absolute addresses of the photo's sizes.",
}
PHOTO_HINT = {
    "type": "object",
    "properties": {"code": {"type": "string", "enum": list(HINT_MESSAGES)},
                   "message": {"type": "string", "description": "The hint in the caller's language."}},
    "required": ["code", "message"],
}


def photo_urls_field():
    return ma.fields.Function(products.photo_urls, metadata=PHOTO_URLS)


class PhotoSchema(ma.Schema):
    id = ma.fields.String(required=True)
    width = ma.fields.Integer(required=True)
    height = ma.fields.Integer(required=True)
    position = ma.fields.Integer()
    urls = photo_urls_field()
    hints = ma.fields.Function(
        lambda photo: [{"code": code, "message": str(hint_message(code))} for code in photo.hints],
        metadata={"type": "array", "items": PHOTO_HINT},
    )


class ProductSchema(ma.Schema):
    id = ma.fields.String(required=True)
    seller_id = ma.fields.Integer(required=True)
    title = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    category = ma.fields.String(allow_none=True, metadata={"enum": list(CATEGORIES)})
    price_vnd = ma.fields.Integer(allow_none=True)
    price_display = ma.fields.Function(price_display, allow_none=True,
                                       metadata={"type": "string", "example": "120.000 ₫",
                                                 "description": "null until the product has a price."})
    unit = ma.fields.String(allow_none=True)
    stock = ma.fields.Integer(allow_none=True)
    sku = ma.fields.String(allow_none=True)
    weight_g = ma.fields.Integer(allow_none=True)
    length_cm = ma.fields.Integer(allow_none=True)
    width_cm = ma.fields.Integer(allow_none=True)
    height_cm = ma.fields.Integer(allow_none=True)
    ocop_stars = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    share_url = ma.fields.Function(share_url, metadata={"type": "string"})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    published_at = ma.fields.DateTime(allow_none=True)


def _size(low, high):
    return ma.validate.Range(min=low, max=high)


class ProductChangeSchema(ma.Schema):
    title = Trimmed(validate=ma.validate.Length(min=10, max=120))
    description = Trimmed(allow_none=True, validate=ma.validate.Length(max=5000))
    category = ma.fields.String(validate=ma.validate.OneOf(list(CATEGORIES)))
    price_vnd = ma.fields.Integer(strict=True, validate=_size(1, 180_000_000))
    unit = Trimmed(allow_none=True, validate=ma.validate.Length(max=30),
                   metadata={"example": "hũ 500ml"})
    stock = ma.fields.Integer(strict=True, allow_none=True, validate=_size(0, 1_000_000))
    sku = Trimmed(allow_none=True, validate=ma.validate.Length(max=50))
    weight_g = ma.fields.Integer(strict=True, allow_none=True, validate=_size(1, 1_000_000))
    length_cm = ma.fields.Integer(strict=True, allow_none=True, validate=_size(1, 1000))
    width_cm = ma.fields.Integer(strict=True, allow_none=True, validate=_size(1, 1000))
    height_cm = ma.fields.Integer(strict=True, allow_none=True, validate=_size(1, 1000))
    ocop_stars = ma.fields.Integer(strict=True, allow_none=True, validate=_size(3, 5))
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class ProductCreateSchema(ProductChangeSchema):
    id = ma.fields.UUID(metadata={"description": "Client-generated id; a retry with it never duplicates."})


class ProductListArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class PhotoOrderSchema(ma.Schema):
    photo_ids = ma.fields.List(ma.fields.String(), required=True,
                               validate=ma.validate.Length(max=products.MAX_PHOTOS))


class PhotoUploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    id = ma.fields.UUID(metadata={"description": "Client-generated; an upload retried with it is stored once."})


@blp.route("/sellers/<id:seller_id>/products")
class SellerProducts(MethodView):
    @login_required
    @blp.arguments(ProductListArgs, location="query")
    @blp.response(200, page_of(ProductSchema))
    def get(self, args, seller_id):
        """A shop's products, newest change first."""
        statement = products.list_products(current_user, seller_id, args.get("status"))
        return paginate(statement, args["page"], args["page_size"])

    @login_required
    @blp.arguments(ProductCreateSchema, required=False)  # no body: an empty draft
    @blp.response(201, ProductSchema)
    @blp.alt_response(409, description="This id was used for a different product.")
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, body, seller_id):
        """Create a product (a draft unless `status` says otherwise). Retries with the same id are safe."""
        product, _created = products.create_product(current_user, seller_id, body)
        return product


@blp.route("/products/<product_id>")
class ProductDetail(MethodView):
    @login_required
    @blp.response(200, ProductSchema)
    def get(self, product_id):
        """One of my shop's products."""
        return products.get_product(current_user, product_id, Permission.SELLERS_VIEW)

    @login_required
    @blp.arguments(ProductChangeSchema, required=False)  # no body: no change
    @blp.response(200, ProductSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def patch(self, changes, product_id):
        """Change a product; owner and cooperative members may."""
        return products.update_product(current_user, product_id, changes)

    @login_required
    @blp.response(204)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def delete(self, product_id):
        """Delete a product and its photos."""
        products.delete_product(current_user, product_id)
        return ""


@blp.route("/products/<product_id>/publish")
class ProductPublish(MethodView):
    @login_required
    @blp.response(200, ProductSchema)
    @blp.alt_response(422, description="`errors` lists what is missing: title, price_vnd, photos, category.")
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, product_id):
        """Put the product in the public catalog."""
        return products.publish(current_user, product_id)


@blp.route("/products/<product_id>/photos")
# A 15 MB photo, plus room for the multipart envelope.
@body_limit(16 * MB)
class ProductPhotos(MethodView):
    @login_required
    @blp.arguments(PhotoUploadSchema, location="multipart")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(200, schema=PhotoSchema, description="Already uploaded with this id: the first result again.")
    @blp.alt_response(409, description="This id belongs to another product's photo.")
    @blp.alt_response(413, description="Over 15 MB.")
    @blp.alt_response(415, description="Not a JPEG, PNG or WebP image.")
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, upload, product_id):
        """Upload a photo (multipart `file`, optional client `id`); metadata and GPS are removed, three sizes are stored."""
        photo, created = products.add_photo(current_user, product_id, upload["file"].read(), upload.get("id"))
        return photo, 201 if created else 200


@blp.route("/products/<product_id>/photos/order")
class ProductPhotoOrder(MethodView):
    @login_required
    @blp.arguments(PhotoOrderSchema)
    @blp.response(200, ProductSchema)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def put(self, body, product_id):
        """Set the order of the photos; the first is the cover."""
        return products.reorder_photos(current_user, product_id, body["photo_ids"])


# Photo ids are UUIDs: a plain string would also match ".../photos/order" and offer DELETE there.
@blp.route("/products/<product_id>/photos/<uuid:photo_id>")
class ProductPhoto(MethodView):
    @login_required
    @blp.response(204)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def delete(self, product_id, photo_id):
        """Remove a photo and its files."""
        products.delete_photo(current_user, product_id, str(photo_id))
        return ""


class ProductExportArgs(ExportArgs):
    include_drafts = ma.fields.Boolean(load_default=False, metadata={
        "description": "Also drafts, to prepare listings before publishing them here. Archived products never."})


@blp.route("/sellers/<id:seller_id>/products/export")
class ProductExport(MethodView):
    @login_required
    @blp.arguments(ProductExportArgs, location="query")
    @blp.doc(responses=FILE_RESPONSE)
    def get(self, args, seller_id):
        """The shop's published products as a marketplace mass-upload sheet (Shopee, TikTok Shop: see README)."""
        seller, header, rows = product_export.export_rows(current_user, seller_id, args["include_drafts"])
        return download(args["format"], f"san-pham-{seller.id}", header, rows, "Products")
