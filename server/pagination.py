"""One bounded pagination helper for every list of SPEC §5."""

from dataclasses import dataclass

from sqlalchemy import func, select

from server.extensions import db

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    items: list
    total: int
    page: int
    page_size: int


def paginate(statement, page=1, page_size=DEFAULT_PAGE_SIZE):
    """Run a select for one page of results, with the total count of all of them."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=list(items), total=total, page=page, page_size=page_size)
