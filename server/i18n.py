"""Language choice for each request, and the Babel catalogs in `locales/`."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from flask import current_app, has_request_context, request
from flask_jwt_extended import get_current_user, verify_jwt_in_request

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


def select_locale():
    """The signed-in user's saved language, else Accept-Language, else Vietnamese."""
    if not has_request_context():
        return DEFAULT_LOCALE
    saved = _saved_locale()
    if saved in SUPPORTED_LOCALES:
        return saved
    return request.accept_languages.best_match(SUPPORTED_LOCALES, default=DEFAULT_LOCALE)


def _saved_locale():
    # A bad or missing token must never break the translation of an error message.
    try:
        verify_jwt_in_request(optional=True)
        user = get_current_user()
    except Exception:  # noqa: BLE001
        return None
    return user.locale if user is not None else None


def _pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


def _paths(locales_dir):
    locales = Path(locales_dir)
    return locales, locales / f"{DOMAIN}.pot", locales / "babel.cfg"


def extract(locales_dir, output=None):
    """Collect every marked string of the project into the template catalog (or `output`)."""
    locales, template, mapping = _paths(locales_dir)
    _pybabel(
        "extract", "-F", str(mapping), "-k", "_l", "--no-location", "--sort-output",
        "-o", str(output or template), str(locales.parent),
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
