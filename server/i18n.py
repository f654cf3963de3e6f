"""Language choice for each request, and the Babel catalogs in `locales/`."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from flask import current_app, has_request_context, request

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


def select_locale():
    """Accept-Language decides, Vietnamese when it names nothing we speak."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return request.accept_languages.best_match(SUPPORTED_LOCALES, default=DEFAULT_LOCALE)


def _pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


def _paths(locales_dir):
    locales = Path(locales_dir)
    return locales, locales / f"{DOMAIN}.pot", locales / "babel.cfg"


def extract(locales_dir):
    """Collect every marked string of the project into the template catalog."""
    locales, template, mapping = _paths(locales_dir)
    _pybabel(
        "extract", "-F", str(mapping), "-k", "_l", "--no-location", "--sort-output",
        "-o", str(template), str(locales.parent),
    )


def update(locales_dir):
    """Merge the template into each language's catalog."""
    locales, template, _ = _paths(locales_dir)
    _pybabel("update", "-i", str(template), "-d", str(locales), "--no-fuzzy-matching")


def compile_catalogs(locales_dir):
    """Compile the .po catalogs into the .mo files the app reads."""
    locales, _, _ = _paths(locales_dir)
    _pybabel("compile", "-d", str(locales), "--statistics")


def compile_for_app():
    """Compile the catalogs of the running app."""
    compile_catalogs(current_app.config["LOCALES_DIR"])
