"""Response headers that tell browsers how to treat what the app sends.

- `X-Content-Type-Options: nosniff` and a `Referrer-Policy` on every response.
- A Content-Security-Policy with `frame-ancestors 'none'` on HTML pages (the product page `/p/<id>`
  and the API docs), so that a page cannot run scripts it did not ship nor be framed by another site.
- `Cache-Control: no-store` on personal data, so that no browser, proxy or shared phone keeps it:
  `/api/v1/me…`, sign-in tokens, file exports, and anything answered to a signed-in request.
- `Strict-Transport-Security` when the app's public address is https (production).
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import urlsplit

from flask import current_app, g, request

from server.urls import public_url

REFERRER_POLICY = "strict-origin-when-cross-origin"
# One year; sub-domains are left out, since the app does not own every name under its domain.
HSTS = "max-age=31536000"
PERSONAL_PREFIXES = ("/api/v1/me",)
TOKEN_PATHS = ("/api/v1/auth/verify", "/api/v1/auth/refresh")
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def csp_nonce():
    """This request's nonce for the inline <style> of our pages (templates call it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _photo_sources():
    """Where our pages load pictures from: the app's public address and the storage's, if another."""
    sample = current_app.extensions["storage"].url("photos/x/y/large.jpg")
    origins = {_origin(public_url("/")), _origin(public_url(sample))}
    return " ".join(["'self'", *sorted(origin for origin in origins if origin)])


def page_policy():
    """Our own pages: no script at all, only their own nonce'd style, pictures from our photo origins
    and inlined (the VietQR)."""
    return "; ".join((
        "default-src 'none'",
        # data: for the shop's VietQR, a PNG of under 1 KB inlined rather than one more request on 3G.
        f"img-src {_photo_sources()} data:",
        f"style-src 'nonce-{csp_nonce()}'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ))


def docs_policy(body):
    """Swagger UI: its files from here, its one inline script allowed by hash, its inline styles."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' {hashes}",
        # Swagger UI (React) writes style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _is_personal(response, present):
    return (
        request.path.startswith(PERSONAL_PREFIXES)
        or request.path in TOKEN_PATHS
        or "Authorization" in request.headers
        or ("content-disposition" in present and response.headers["Content-Disposition"].startswith("attachment"))
    )


def add_security_headers(response):
    headers = response.headers
    # The names the response has, read in one pass: every answer comes through here, and each lookup
    # of a missing name in werkzeug's Headers raises and catches a KeyError.
    present = {name.lower() for name, _value in headers}
    if "x-content-type-options" not in present:
        headers.add("X-Content-Type-Options", "nosniff")
    if "referrer-policy" not in present:
        headers.add("Referrer-Policy", REFERRER_POLICY)
    if response.mimetype == "text/html" and "content-security-policy" not in present:
        if request.endpoint == DOCS_ENDPOINT:
            headers["Content-Security-Policy"] = docs_policy(response.get_data())
        else:
            headers["Content-Security-Policy"] = page_policy()
        headers.setdefault("X-Frame-Options", "DENY")
    if _is_personal(response, present):
        headers["Cache-Control"] = "no-store"
    if current_app.config["PUBLIC_BASE_URL"].startswith("https://") and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    return response


def init_app(app):
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
