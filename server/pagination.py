"""One bounded pagination helper for every list of SPEC §5."""

from dataclasses import dataclass

from sqlalchemy import func, literal, select

from server.extensions import db

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def inline(value):
    """`value` written into the SQL instead of sent beside it as a parameter.

    PostgreSQL plans a prepared statement once for all its parameters only when a plan for any values
    costs no more than one for the values at hand. Behind `LIMIT $1` it cannot know that a page is 20
    rows, nor use an index of published products behind `status = $1`: a catalog page was planned
    again on every request (0.5–0.8 ms each, issue 13). Written in, they are planned once."""
    return literal(value, literal_execute=True)


@dataclass
class Page:
    items: list
    total: int
    page: int
    page_size: int
    # True when there are more than `total` results: the count stopped at its limit.
    total_capped: bool = False


def count_of(statement, count_limit=None):
    """SELECT count(*) of the rows `statement` selects; with `count_limit`, of the first count_limit + 1.

    Up to a limit, the statement's order is kept: walking an index in that order is how the database
    stops early. Without a limit, every row is counted, in no order."""
    counted = statement.order_by(None) if count_limit is None else statement.limit(inline(count_limit + 1))
    return select(func.count()).select_from(counted.subquery())


def capped(total, count_limit=None):
    """(the total to tell, whether the count stopped at `count_limit`) of a count made by count_of()."""
    over = count_limit is not None and total > count_limit
    return (count_limit if over else total), over


def count_up_to(statement, count_limit=None):
    """(how many rows `statement` selects, whether the count stopped at `count_limit`)."""
    return capped(db.session.scalar(count_of(statement, count_limit)), count_limit)


def _bounded(page, page_size):
    """The page (from 1) and page size (1 to MAX_PAGE_SIZE) asked for, within their bounds."""
    return max(1, page), max(1, min(page_size, MAX_PAGE_SIZE))


def paginate_list(items, page=1, page_size=DEFAULT_PAGE_SIZE):
    """One page of a list already in memory, with the list's length as the total."""
    page, page_size = _bounded(page, page_size)
    first = (page - 1) * page_size
    return Page(items=items[first:first + page_size], total=len(items), page=page, page_size=page_size)


def paginate(statement, page=1, page_size=DEFAULT_PAGE_SIZE, count_limit=None):
    """Run a select for one page of results, with the total count of all of them.

    With `count_limit`, counting stops there (`total_capped` says so): a public list over a million
    rows must not count them all on every page."""
    page, page_size = _bounded(page, page_size)
    total, capped = count_up_to(statement, count_limit)
    items = db.session.scalars(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=list(items), total=total, page=page, page_size=page_size, total_capped=capped)
