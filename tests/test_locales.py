"""The vi and en catalogs are complete and in step with the code."""

from pathlib import Path

from babel.messages.pofile import read_po

from server import i18n

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _catalog(language):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_every_vietnamese_message_is_translated():
    untranslated = [m.id for m in _catalog("vi") if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_catalogs_hold_every_string_of_the_code(tmp_path):
    i18n.extract(LOCALES, output=tmp_path / "messages.pot")
    with (tmp_path / "messages.pot").open("rb") as pot:
        in_code = {m.id for m in read_po(pot) if m.id}
    for language in ("vi", "en"):
        in_catalog = {m.id for m in _catalog(language) if m.id}
        missing = in_code - in_catalog
        assert not missing, f"run `flask --app wsgi translate update`: {sorted(missing)[:5]}"
