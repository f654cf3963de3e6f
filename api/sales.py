"""Sales a seller records, online or face to face; safe to retry from an offline phone."""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import format_currency
from flask_jwt_extended import current_user

from api.access import ROLE_MAY_NOT, Blueprint, Day, login_required
from api.pagination import PageArgs, page_of
from server.pagination import paginate
from server.services import commerce

blp = Blueprint("sales", __name__, url_prefix="/api/v1/sellers", description="Sales")


class SaleSchema(ma.Schema):
    id = ma.fields.String(required=True)
    occurred_on = ma.fields.Date(required=True)
    channel = ma.fields.String(required=True, metadata={"enum": list(commerce.SALE_CHANNELS)})
    amount_vnd = ma.fields.Integer(required=True)
    amount_display = ma.fields.Function(lambda sale: format_currency(sale.amount_vnd, "VND"),
                                        metadata={"type": "string"})
    quantity = ma.fields.Integer(allow_none=True)
    product_id = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class SaleCreateSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "Client-generated; retries never duplicate."})
    occurred_on = Day(required=True)
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(commerce.SALE_CHANNELS))
    amount_vnd = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(1, 10_000_000_000))
    quantity = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(1, 1_000_000))
    product_id = ma.fields.UUID(allow_none=True)


class SaleListArgs(PageArgs):
    date_from = Day(data_key="from")
    date_to = Day(data_key="to")


@blp.route("/<id:seller_id>/sales")
class Sales(MethodView):
    @login_required
    @blp.arguments(SaleListArgs, location="query")
    @blp.response(200, page_of(SaleSchema))
    def get(self, args, seller_id):
        """The shop's sales, newest first."""
        statement = commerce.list_sales(current_user, seller_id, args.get("date_from"), args.get("date_to"))
        return paginate(statement, args["page"], args["page_size"])

    @login_required
    @blp.arguments(SaleCreateSchema)
    @blp.response(201, SaleSchema)
    @blp.alt_response(200, schema=SaleSchema, description="Already recorded: the first result again.")
    @blp.alt_response(409, description="This id was used for a different sale.")
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, body, seller_id):
        """Record a sale."""
        sale, created = commerce.record_sale(current_user, seller_id, body)
        return sale, 201 if created else 200
