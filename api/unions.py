"""Women's Union and Youth Union branches."""

import marshmallow as ma
from flask.views import MethodView

from api.access import Blueprint
from server.services import places
from server.services.reference_data import UNION_KINDS

blp = Blueprint("unions", __name__, url_prefix="/api/v1", description="Union branches")


class UnionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(UNION_KINDS)})
    name = ma.fields.Function(places.union_display_name, dump_only=True, metadata={"type": "string"})
    province_code = ma.fields.String(
        allow_none=True, metadata={"description": "Null for the national branch."}
    )


class UnionArgs(ma.Schema):
    province = ma.fields.String(validate=ma.validate.Length(max=2))
    kind = ma.fields.String(validate=ma.validate.OneOf(UNION_KINDS))


@blp.route("/unions")
class Unions(MethodView):
    @blp.arguments(UnionArgs, location="query")
    @blp.response(200, UnionSchema(many=True))
    def get(self, args):
        """Union branches: national, and one per province, for each union."""
        return places.list_unions(args.get("province"), args.get("kind"))
