"""The vi and en catalogs are complete and in step with the code: the API's ("messages") and the phone
app's ("app") alike."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server import i18n

LOCALES = Path(__file__).resolve().parent.parent / "locales"
APP_SCRIPTS = LOCALES.parent / "server" / "web" / "static" / "app"


def _catalog(language, domain):
    with i18n.catalog_path(LOCALES, language, domain).open("rb") as po:
        return read_po(po)


def _msgid(message):
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.mark.parametrize("domain", list(i18n.DOMAINS))
def test_every_vietnamese_message_is_translated(domain):
    untranslated = [_msgid(m) for m in _catalog("vi", domain)
                    if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert untranslated == []


def _extracted(domain, tmp_path):
    i18n.extract(LOCALES, output=tmp_path / f"{domain}.pot", domain=domain)
    with (tmp_path / f"{domain}.pot").open("rb") as pot:
        return {_msgid(m) for m in read_po(pot) if m.id}


@pytest.mark.parametrize("domain", list(i18n.DOMAINS))
def test_catalogs_hold_every_string_of_the_code(domain, tmp_path):
    in_code = _extracted(domain, tmp_path)
    for language in ("vi", "en"):
        in_catalog = {_msgid(m) for m in _catalog(language, domain) if m.id}
        missing = in_code - in_catalog
        assert not missing, f"run `flask --app wsgi translate update`: {sorted(missing)[:5]}"


CALL = re.compile(r'\b(?:t|tn|N_)\(\s*"((?:[^"\\]|\\.)*)"')


def test_the_extractor_sees_every_string_of_the_app(tmp_path):
    """Babel's JavaScript lexer loses its place on some code inside htm templates (object literals and
    blocks inside ${…}); whatever it misses would show in English in a Vietnamese app."""
    written = {match.group(1) for path in APP_SCRIPTS.rglob("*.js") for match in CALL.finditer(path.read_text())}
    assert written - _extracted("app", tmp_path) == set()
