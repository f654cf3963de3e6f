"""Links to a seller's shops elsewhere."""

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import ROLE_MAY_NOT, Blueprint, Trimmed, login_required
from api.pagination import PageArgs, page_of
from server.pagination import paginate
from server.services import commerce

blp = Blueprint("channels", __name__, url_prefix="/api/v1/sellers", description="Sales channels")


class ChannelSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    channel = ma.fields.String(required=True, metadata={"enum": list(commerce.CHANNELS)})
    url = ma.fields.String(required=True)
    created_at = ma.fields.DateTime()


class ChannelCreateSchema(ma.Schema):
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(commerce.CHANNELS))
    url = Trimmed(required=True, validate=ma.validate.Length(min=8, max=500),
                  metadata={"example": "https://shopee.vn/matongnahang"})


@blp.route("/<id:seller_id>/channels")
class Channels(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ChannelSchema))
    def get(self, args, seller_id):
        """The shop's links elsewhere."""
        return paginate(commerce.list_channels(current_user, seller_id), args["page"], args["page_size"])

    @login_required
    @blp.arguments(ChannelCreateSchema)
    @blp.response(201, ChannelSchema)
    @blp.alt_response(200, schema=ChannelSchema, description="This link was already saved.")
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def post(self, body, seller_id):
        """Add a link to the shop on Shopee, Zalo, a provincial floor…"""
        link, created = commerce.add_channel(current_user, seller_id, body["channel"], body["url"])
        return link, 201 if created else 200


@blp.route("/<id:seller_id>/channels/<id:channel_id>")
class ChannelDetail(MethodView):
    @login_required
    @blp.response(204)
    @blp.alt_response(403, description=ROLE_MAY_NOT)
    def delete(self, seller_id, channel_id):
        """Remove a link."""
        commerce.delete_channel(current_user, seller_id, channel_id)
        return ""
