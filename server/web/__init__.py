"""The phone app (SPEC §7): its shell on every route, its files, its service worker and its manifest.

Every route of the app answers the same shell, so that a link from an SMS, Zalo or a bookmark opens
the right screen; the app's router picks the screen from the address. No build step: the files under
`static/` are served as they are, fingerprinted and compressed by `assets.py`.
"""

import base64
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import NotFound

from server.web.assets import Assets
from server.web.i18n import translation_files

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The paths of SPEC §7; the service worker answers them with the shell when offline.
APP_ROUTES = (
    "/", "/shop", "/products", "/products/new", "/products/<product_id>", "/learn", "/learn/<slug>", "/sales",
    "/profile", "/cohorts", "/cohorts/<int:cohort_id>", "/cohorts/<int:cohort_id>/enrol",
    "/cohorts/<int:cohort_id>/attendance", "/reports",
)
# The same paths as patterns for the service worker's navigation handling.
ROUTE_PATTERNS = [
    "^" + "/".join("[^/]+" if part.startswith("<") else part for part in route.split("/")) + "/?$"
    for route in APP_ROUTES
]
SHELL_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"

blp = Blueprint("web", __name__, template_folder="templates")


def assets():
    return current_app.extensions["web_assets"]


def _shell():
    """The shell's HTML and its CSP, made once per process (they change only with a release)."""
    cached = current_app.extensions.get("web_shell")
    if cached is None:
        import_map = json.dumps(assets().import_map(), separators=(",", ":"))
        preloaded = sorted(assets().static_imports(*SIGN_IN) - {"app/main.js"})
        html = render_template("shell.html", import_map=import_map, asset=assets().url,
                               preload=[assets().url(name) for name in preloaded])
        digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
        cached = current_app.extensions["web_shell"] = (html, _policy(digest))
    return cached


# The entry module and the first screen of a phone that never signed in. Every module they import
# statically is preloaded by the shell (fetched in parallel with the entry module instead of one after
# another), and kept by the service worker when it installs; the other screens' modules are kept once
# someone has signed in on the phone (SPEC §8: the signed-out first load is the smallest).
SIGN_IN = ("app/main.js", "app/screens/signin.js")


def kept_by_the_worker():
    """(at install, after sign-in): the shell and the files of the sign-in screen (its modules, the
    style, the icons, the translations); then every other screen's modules, for offline use once
    someone has signed in."""
    sign_in_modules = assets().static_imports(*SIGN_IN)
    at_install, after_sign_in = ["/"], []
    for file in sorted(assets().by_name.values(), key=lambda a: a.url):
        later = file.name.endswith(".js") and file.name not in sign_in_modules
        (after_sign_in if later else at_install).append(file.url)
    return at_install, after_sign_in


def _policy(import_map_digest):
    from server.security_headers import _photo_sources as photo_sources

    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'sha256-{import_map_digest}'",
        "style-src 'self'",
        f"img-src {photo_sources()} data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def shell(**_route_values):
    """The app shell; the screen is chosen in the phone from the address."""
    html, policy = _shell()
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = SHELL_CACHE
    response.headers["Content-Security-Policy"] = policy
    response.add_etag()
    return response.make_conditional(request)


for _route in APP_ROUTES:
    blp.add_url_rule(_route, f"shell:{_route}", shell)


@blp.route("/assets/<path:path>")
def asset(path):
    """A fingerprinted file, compressed as the phone accepts, cached by it for a year."""
    found = assets().find(f"/assets/{path}")
    if found is None:
        raise NotFound()
    encoding = next((e for e in ("br", "gzip") if e in request.accept_encodings and found.compressible),
                    "identity")
    response = Response(assets().encoded(found, encoding), content_type=found.content_type)
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.headers["Cache-Control"] = IMMUTABLE
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{found.digest}-{encoding}")
    return response.make_conditional(request)


@blp.route("/sw.js")
def service_worker():
    """The service worker: its version changes with every release, which is how phones learn of one."""
    at_install, after_sign_in = kept_by_the_worker()
    body = render_template("sw.js", version=assets().version, precache=json.dumps(at_install),
                           after_sign_in=json.dumps(after_sign_in), routes=json.dumps(ROUTE_PATTERNS))
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    # The browser asks for the worker on every update check: unchanged, it costs a 304.
    response.add_etag()
    return response.make_conditional(request)


@blp.route("/manifest.webmanifest")
def manifest():
    body = {
        "name": "Chợ Quê Online",
        "short_name": "Chợ Quê",
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fffaf0",
        "theme_color": "#1f6f43",
        "icons": [
            {"src": assets().url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": assets().url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": assets().url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app):
    app.extensions["web_assets"] = Assets(STATIC_DIR, translation_files(app.config["LOCALES_DIR"]))
    app.register_blueprint(blp)
