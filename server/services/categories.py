"""Product categories (SPEC §6), with localized names."""

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "agricultural_produce": _l("Agricultural produce"),
    "food": _l("Food"),
    "drinks": _l("Drinks"),
    "herbal": _l("Herbal and medicinal products"),
    "handicrafts": _l("Handicrafts"),
    "textiles": _l("Textiles and brocade"),
    "ornamental_plants": _l("Ornamental plants"),
    "community_tourism": _l("Community tourism"),
    "other": _l("Other"),
}


def list_categories():
    return [{"code": code, "name": str(name)} for code, name in CATEGORIES.items()]
