"""Query arguments and response envelope for paginated lists (SPEC §5)."""

from functools import cache

import marshmallow as ma

from server.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


class PageArgs(ma.Schema):
    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=100_000),
        metadata={"description": "Page number, from 1."},
    )
    page_size = ma.fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Items per page, at most {MAX_PAGE_SIZE}."},
    )


@cache
def page_of(item_schema, count_limit=None):
    """A response schema `{items, total, page, page_size}` around `item_schema`; with `count_limit`,
    also `total_capped` (server.pagination.paginate)."""
    fields = {
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "total": ma.fields.Integer(required=True),
        "page": ma.fields.Integer(required=True),
        "page_size": ma.fields.Integer(required=True),
    }
    if count_limit is not None:
        fields["total"] = ma.fields.Integer(required=True, metadata={
            "description": f"How many match, counted up to {count_limit:,}."})
        fields["total_capped"] = ma.fields.Boolean(required=True, metadata={
            "description": f"True when more than {count_limit:,} match: `total` is then {count_limit:,}."})
    return ma.Schema.from_dict(fields, name=f"{item_schema.__name__.removesuffix('Schema')}Page")

