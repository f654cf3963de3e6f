"""Reading provinces, communes and union branches."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from server.errors import InvalidInput, NotFound
from server.extensions import db
from server.models import Commune, Province, UnionBranch
from server.pagination import paginate
from server.text import search_words, word_start


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


def search_communes(query=None, province_code=None, page=1, page_size=20):
    """Communes whose name holds every word of the query, ignoring accents and case, each with
    its province (loaded in the same query: the answer names it)."""
    statement = select(Commune).options(joinedload(Commune.province))
    for word in search_words(query):
        statement = statement.where(word_start(Commune.name_folded, word))
    if province_code:
        province = db.session.get(Province, normalize_province_code(province_code))
        if province is None:
            raise InvalidInput(errors={"province": [_l("Unknown province code.")]})
        statement = statement.where(Commune.province_code == province.code)
    statement = statement.order_by(Commune.name_folded, Commune.code)
    return paginate(statement, page, page_size)


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
