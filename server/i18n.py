"""Language choice for each request, and the Babel catalogs in `locales/`."""

from pathlib import Path

from babel import Locale
from babel.messages.frontend import CommandLineInterface
from flask import current_app, has_request_context, request
from flask_jwt_extended import get_current_user, verify_jwt_in_request

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"
# Parsed once per process: Flask-Babel takes a Locale as it is, and would parse a name per request.
LOCALES = {name: Locale.parse(name) for name in SUPPORTED_LOCALES}


def select_locale():
    """The signed-in user's saved language, else Accept-Language, else Vietnamese."""
    if not has_request_context():
        return LOCALES[DEFAULT_LOCALE]
    saved = _saved_locale()
    if saved in SUPPORTED_LOCALES:
        return LOCALES[saved]
    return LOCALES[request.accept_languages.best_match(SUPPORTED_LOCALES, default=DEFAULT_LOCALE)]


def _saved_locale():
    # Tokens travel only in the Authorization header (Flask-JWT-Extended's default location): without
    # one there is no user to ask, and no token to look for.
    if "Authorization" not in request.headers:
        return None
    # A bad or missing token must never break the translation of an error message.
    try:
        try:
            user = get_current_user()  # the token its view has checked already
        except RuntimeError:
            verify_jwt_in_request(optional=True)
            user = get_current_user()
    except Exception:  # noqa: BLE001
        return None
    return user.locale if user is not None else None


# Two domains in one set of catalogs: "messages" for the API (Python, Jinja), "app" for the phone app's
# JavaScript. Each has its template (locales/<domain>.pot), extraction map and keywords.
DOMAINS = {
    "messages": {"mapping": "babel.cfg", "keywords": ["-k", "_l"]},
    "app": {"mapping": "babel-app.cfg", "keywords": ["--no-default-keywords", "-k", "t", "-k", "tn:1,2", "-k", "N_"]},
}


def _pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


def template_path(locales_dir, domain=DOMAIN):
    return Path(locales_dir) / f"{domain}.pot"


def catalog_path(locales_dir, language, domain=DOMAIN):
    return Path(locales_dir) / language / "LC_MESSAGES" / f"{domain}.po"


def extract(locales_dir, output=None, domain=DOMAIN):
    """Collect every marked string of a domain into its template catalog (or `output`)."""
    locales = Path(locales_dir)
    spec = DOMAINS[domain]
    _pybabel(
        "extract", "-F", str(locales / spec["mapping"]), *spec["keywords"], "--no-location", "--sort-output",
        "-o", str(output or template_path(locales, domain)), str(locales.parent),
    )


def update(locales_dir, domain=DOMAIN):
    """Merge a domain's template into each language's catalog (creating it the first time)."""
    locales = Path(locales_dir)
    for language in SUPPORTED_LOCALES:
        command = "update" if catalog_path(locales, language, domain).exists() else "init"
        _pybabel(command, "-i", str(template_path(locales, domain)), "-d", str(locales), "-D", domain,
                 "-l", language, *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []))


def compile_catalogs(locales_dir):
    """Compile the .po catalogs of every domain into the .mo files the app reads."""
    for domain in DOMAINS:
        _pybabel("compile", "-d", str(locales_dir), "-D", domain, "--statistics")


def compile_for_app():
    """Compile the catalogs of the running app."""
    compile_catalogs(current_app.config["LOCALES_DIR"])
