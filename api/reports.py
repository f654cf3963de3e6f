"""Reports for programme managers and union admins: counts per commune, province, union, cohort."""


import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from flask_jwt_extended import current_user

from api.access import Blueprint, Day, Digits, login_required
from server.clock import now, vietnam_day
from server.services.reports import scope as report_scope
from server.services.reports import selling, training
from server.services.reports.sheets import filters_line, report_sheet
from server.spreadsheets import FORMATS, XLSX_MIMETYPE, download

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Programme reports (counts only)")

FORMATS_WITH_JSON = ("json", *FORMATS)
# Status codes as integers, as @blp.response writes them: the two 200s merge into one response with
# three content types (a "200" string would replace the JSON one).
REPORT_RESPONSES = {
    200: {
        "description": (
            "JSON by default; CSV (UTF-8 with byte-order mark) or XLSX with `format`. A file starts with two "
            "lines, the report's title and the filters chosen (period or day, area, union branches, grouping), "
            "then the header row, one row per group and a last row of totals; the coverage file also has the "
            "30% target, the communes it needs and the gap. The XLSX sheet is named after the report."
        ),
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    403: {"$ref": "#/components/responses/DEFAULT_ERROR"},
}


def _today():
    return vietnam_day(now())


class PeriodArgs(ma.Schema):
    date_from = Day(data_key="from", metadata={"description": "First day (Vietnam time), included."})
    date_to = Day(data_key="to", metadata={"description": "Last day (Vietnam time), included."})
    province = Digits((1, 2))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS_WITH_JSON))

    @ma.post_load
    def default_period(self, data, **_kwargs):
        """Without dates: the current month up to today."""
        today = _today()
        data.setdefault("date_to", today)
        data.setdefault("date_from", data["date_to"].replace(day=1))
        return data


class NewActiveArgs(PeriodArgs):
    group_by = ma.fields.String(load_default="commune", validate=ma.validate.OneOf(selling.GROUPS))
    by = ma.fields.String(validate=ma.validate.OneOf(tuple(selling.SPLITS)))


class CoverageArgs(ma.Schema):
    as_of = Day(metadata={"description": "Day (Vietnam time); today by default."})
    threshold = ma.fields.Integer(load_default=5, validate=ma.validate.Range(1, 1000))
    province = Digits((1, 2))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS_WITH_JSON))


class TrainingArgs(PeriodArgs):
    group_by = ma.fields.String(load_default="province", validate=ma.validate.OneOf(training.GROUPS))


class SplitSchema(ma.Schema):
    household = ma.fields.Integer()
    cooperative = ma.fields.Integer()
    female = ma.fields.Integer()
    male = ma.fields.Integer()
    other = ma.fields.Integer()
    unknown = ma.fields.Integer()


class NewActiveRowSchema(ma.Schema):
    month = ma.fields.String()
    commune_code = ma.fields.String()
    commune_name = ma.fields.String()
    province_code = ma.fields.String(allow_none=True)
    province_name = ma.fields.String()
    union_id = ma.fields.Integer()
    union_name = ma.fields.String()
    union_kind = ma.fields.String()
    cohort_id = ma.fields.Integer()
    cohort_name = ma.fields.String()
    new_active = ma.fields.Integer(required=True)
    active_total = ma.fields.Integer(required=True)
    new_active_by = ma.fields.Nested(SplitSchema)
    active_total_by = ma.fields.Nested(SplitSchema)


class NewActiveSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NewActiveRowSchema), required=True)
    totals = ma.fields.Nested(NewActiveRowSchema, required=True)


class CoverageRowSchema(ma.Schema):
    province_code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    communes = ma.fields.Integer(required=True)
    covered_communes = ma.fields.Integer(required=True)
    percent = ma.fields.Float(required=True)


class CoverageTotalsSchema(ma.Schema):
    communes = ma.fields.Integer(required=True)
    covered_communes = ma.fields.Integer(required=True)
    percent = ma.fields.Float(required=True)
    target_percent = ma.fields.Integer(required=True)
    target_communes = ma.fields.Integer(metadata={"description": "Communes needed for the target."})
    gap = ma.fields.Integer(required=True, metadata={"description": "Communes still missing to reach the target."})


class CoverageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CoverageRowSchema), required=True)
    totals = ma.fields.Nested(CoverageTotalsSchema, required=True)
    as_of = ma.fields.String()
    threshold = ma.fields.Integer()


class TrainingRowSchema(ma.Schema):
    province_code = ma.fields.String(allow_none=True)
    province_name = ma.fields.String()
    union_id = ma.fields.Integer()
    union_name = ma.fields.String()
    union_kind = ma.fields.String()
    cohort_id = ma.fields.Integer()
    cohort_name = ma.fields.String()
    learners = ma.fields.Integer(required=True, metadata={"description": "People who worked on a lesson in the period."})
    lessons_completed = ma.fields.Integer(required=True)
    completion_rate = ma.fields.Float(
        required=True, metadata={"description": "Percent of the lessons worked on in the period that were completed."})
    median_days_to_first_listing = ma.fields.Float(
        allow_none=True, metadata={"description": "Of cohort members enrolled in the period who have listed a product."})


class TrainingSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TrainingRowSchema), required=True)
    totals = ma.fields.Nested(TrainingRowSchema, required=True)


def _respond(name, report, args, filename, filters):
    if args["format"] == "json":
        # The services build their rows as plain JSON values with exactly the documented fields
        # (tests/api/test_reports.py holds them to the schemas): sent as they are, since copying
        # 3,321 commune rows through marshmallow cost more than the report's query.
        return jsonify(report)
    sheet = report_sheet(name, report, filters(), args.get("by"))
    return download(args["format"], filename, sheet.header, sheet.rows, sheet.sheet_title, sheet.preamble,
                    sheet.totals)


def _period_filters(scope, args):
    """The filters line of a report over a period, as a function: JSON answers never need it."""
    return lambda: filters_line(scope, first_day=args["date_from"], last_day=args["date_to"],
                                group_by=args["group_by"], by=args.get("by"))


@blp.route("/new-active-sellers")
class NewActiveSellers(MethodView):
    @login_required
    @blp.arguments(NewActiveArgs, location="query")
    @blp.response(200, NewActiveSchema)
    @blp.doc(responses=REPORT_RESPONSES)
    def get(self, args):
        """Sellers activated in the period and active at its end, per commune (zeros included) or group."""
        scope = report_scope.resolve(current_user, args.get("province"))
        report = selling.new_active_sellers(scope, args["date_from"], args["date_to"], args["group_by"], args.get("by"))
        return _respond("new-active-sellers", report, args, f"nguoi-ban-moi-{args['date_from']}-{args['date_to']}",
                        _period_filters(scope, args))


@blp.route("/commune-coverage")
class CommuneCoverage(MethodView):
    @login_required
    @blp.arguments(CoverageArgs, location="query")
    @blp.response(200, CoverageSchema)
    @blp.doc(responses=REPORT_RESPONSES)
    def get(self, args):
        """Communes with at least `threshold` active sellers, per province, against the 30% target."""
        scope = report_scope.resolve(current_user, args.get("province"))
        as_of = args.get("as_of") or _today()
        report = selling.commune_coverage(scope, as_of, args["threshold"])
        return _respond("commune-coverage", report, args, f"do-phu-xa-{as_of}",
                        lambda: filters_line(scope, as_of=as_of, threshold=args["threshold"]))


@blp.route("/training")
class Training(MethodView):
    @login_required
    @blp.arguments(TrainingArgs, location="query")
    @blp.response(200, TrainingSchema)
    @blp.doc(responses=REPORT_RESPONSES)
    def get(self, args):
        """Learners, lessons completed, completion rate and days to first listing, by province, union or cohort."""
        scope = report_scope.resolve(current_user, args.get("province"))
        report = training.training(scope, args["date_from"], args["date_to"], args["group_by"])
        return _respond("training", report, args, f"tap-huan-{args['date_from']}-{args['date_to']}",
                        _period_filters(scope, args))


