"""Provinces and communes: the official reference list, and commune search."""

import marshmallow as ma
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from api.access import Blueprint
from api.pagination import PageArgs, page_of
from server.services import places

blp = Blueprint(
    "places", __name__, url_prefix="/api/v1", description="Provinces and communes (reference data)"
)

DIVISION_TYPE_LABELS = {
    "tinh": _l("Province"),
    "thanh_pho_trung_uong": _l("Centrally-run city"),
    "xa": _l("Commune"),
    "phuong": _l("Ward"),
    "dac_khu": _l("Special zone"),
}


def _division_type_label(place):
    return str(DIVISION_TYPE_LABELS.get(place.division_type, place.division_type))


class ProvinceSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "01"})
    name = ma.fields.String(required=True, metadata={"example": "Thành phố Hà Nội"})
    division_type = ma.fields.String(
        required=True, metadata={"enum": ["tinh", "thanh_pho_trung_uong"]}
    )
    division_type_label = ma.fields.Function(
        _division_type_label, dump_only=True, metadata={"type": "string"}
    )


class CommuneSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "00070"})
    name = ma.fields.String(required=True, metadata={"example": "Phường Hoàn Kiếm"})
    division_type = ma.fields.String(required=True, metadata={"enum": ["xa", "phuong", "dac_khu"]})
    division_type_label = ma.fields.Function(
        _division_type_label, dump_only=True, metadata={"type": "string"}
    )
    province_code = ma.fields.String(required=True, metadata={"example": "01"})
    province_name = ma.fields.Function(
        lambda commune: commune.province.name, dump_only=True, metadata={"type": "string"}
    )


class CommuneSearchArgs(PageArgs):
    q = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={"description": "Words of the name; accents and case are ignored."},
    )
    province = ma.fields.String(
        validate=ma.validate.Length(max=2), metadata={"description": "Province code, e.g. 01."}
    )


@blp.route("/provinces")
class Provinces(MethodView):
    @blp.response(200, ProvinceSchema(many=True))
    def get(self):
        """All 34 provinces and centrally-run cities."""
        return places.list_provinces()


@blp.route("/provinces/<code>/communes")
class ProvinceCommunes(MethodView):
    @blp.response(200, CommuneSchema(many=True))
    @blp.alt_response(404, description="No province has this code.")
    def get(self, code):
        """Every commune, ward and special zone of a province."""
        return places.communes_of(code)


@blp.route("/communes")
class Communes(MethodView):
    @blp.arguments(CommuneSearchArgs, location="query")
    @blp.response(200, page_of(CommuneSchema))
    def get(self, args):
        """Search communes by name, ignoring accents and case ("xuan" finds "Xuân")."""
        return places.search_communes(
            args.get("q"), args.get("province"), args["page"], args["page_size"]
        )
