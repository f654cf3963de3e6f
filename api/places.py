"""Provinces and communes: the official reference list, and commune search."""

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from api.access import Blueprint
from api.answers import written_once
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
        # Reference data: written once per process (issue 13: /provinces ran at 0.15 of a bare Flask endpoint).
        return written_once("provinces", lambda: ProvinceSchema(many=True).dump(places.list_provinces()))


@blp.route("/provinces/<code>/communes")
class ProvinceCommunes(MethodView):
    @blp.response(200, CommuneSchema(many=True))
    @blp.alt_response(404, description="No province has this code.")
    def get(self, code):
        """Every commune, ward and special zone of a province."""
        # An unknown code raises NotFound while building, so that nothing is kept for it.
        return written_once(f"communes of {places.normalize_province_code(code)}",
                            lambda: CommuneSchema(many=True).dump(places.communes_of(code)))


@blp.route("/communes")
class Communes(MethodView):
    @blp.arguments(CommuneSearchArgs, location="query")
    @blp.response(200, page_of(CommuneSchema))
    def get(self, args):
        """Search communes by name, ignoring accents and case ("xuan" finds "Xuân")."""
        page = places.search_communes(args.get("q"), args.get("province"), args["page"], args["page_size"])
        # Written as CommuneSchema would, without it: a page of plain rows (issue 13).
        labels = {division_type: str(label) for division_type, label in DIVISION_TYPE_LABELS.items()}
        items = [{
            "code": commune.code,
            "name": commune.name,
            "division_type": commune.division_type,
            "division_type_label": labels.get(commune.division_type, commune.division_type),
            "province_code": commune.province_code,
            "province_name": commune.province_name,
        } for commune in page.items]
        return jsonify({"items": items, "total": page.total, "page": page.page, "page_size": page.page_size})
