"""Reading provinces, communes and union branches."""

from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Commune, Province, UnionBranch
from server.pagination import paginate_list
from server.text import search_words


def normalize_province_code(code):
    """Accept "1" as well as the official "01"."""
    code = (code or "").strip()
    return code.zfill(2) if code.isdigit() else code


def list_provinces():
    return db.session.scalars(select(Province).order_by(Province.code)).all()


def get_province(code):
    """The province with this code; raises NotFound."""
    province = db.session.get(Province, normalize_province_code(code))
    if province is None:
        raise NotFound()
    return province


def communes_of(province_code):
    """Every commune of a province, by name; raises NotFound for an unknown province."""
    province = get_province(province_code)
    return db.session.scalars(
        select(Commune).where(Commune.province_code == province.code).order_by(Commune.name_folded)
    ).all()


class CommuneEntry(NamedTuple):
    """A commune as the search answers it, with its province's name."""

    code: str
    name: str
    division_type: str
    province_code: str
    province_name: str
    # " " + the folded name: a word of the name starts with `word` where " " + word is found in it.
    words: str


class CommuneIndex(NamedTuple):
    communes: list  # of CommuneEntry, by folded name then code, as the database orders them
    province_codes: frozenset


def _commune_index():
    """Every commune with its province, read once per process: reference data that only `flask setup`
    changes (it restarts no request, but a deploy restarts the workers), as the answers of
    /provinces and /provinces/<code>/communes are."""
    index = current_app.extensions.get("commune_index")
    if index is None:
        rows = db.session.execute(
            select(Commune.code, Commune.name, Commune.division_type, Commune.province_code, Province.name,
                   Commune.name_folded)
            .join(Province, Province.code == Commune.province_code)
            .order_by(Commune.name_folded, Commune.code)
        )
        communes = [CommuneEntry(*row[:5], " " + row.name_folded) for row in rows]
        province_codes = frozenset(db.session.scalars(select(Province.code)))
        index = current_app.extensions["commune_index"] = CommuneIndex(communes, province_codes)
    return index


def search_communes(query=None, province_code=None, page=1, page_size=20):
    """Communes whose name holds every word of the query, ignoring accents and case, each with
    its province's name; searched in the process's list, in the order of the database's."""
    index = _commune_index()
    found = index.communes
    if province_code:
        code = normalize_province_code(province_code)
        if code not in index.province_codes:
            raise InvalidInput(errors={"province": [_l("Unknown province code.")]})
        found = [commune for commune in found if commune.province_code == code]
    for word in search_words(query):
        start = " " + word
        found = [commune for commune in found if start in commune.words]
    return paginate_list(found, page, page_size)


def list_unions(province_code=None, kind=None):
    """Union branches, national ones first; filtered by province and kind."""
    statement = select(UnionBranch)
    if province_code:
        statement = statement.where(
            UnionBranch.province_code == normalize_province_code(province_code)
        )
    if kind:
        statement = statement.where(UnionBranch.kind == kind)
    statement = statement.order_by(
        UnionBranch.province_code.is_not(None), UnionBranch.province_code, UnionBranch.kind
    )
    return db.session.scalars(statement).all()


def union_display_name(branch):
    """The branch's name in the caller's language."""
    return branch.name_en if str(get_locale()) == "en" else branch.name_vi
