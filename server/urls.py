"""Absolute addresses of the app, built from PUBLIC_BASE_URL and never from the request's Host header."""

from flask import current_app


def public_url(path="", base=None):
    """`/p/123` -> "https://choque.example/p/123"; an address that is already absolute is kept.

    `base` is PUBLIC_BASE_URL, looked up here when not given (lists look it up once)."""
    if path.startswith(("http://", "https://")):
        return path
    base = base or current_app.config["PUBLIC_BASE_URL"]
    return f"{base}/{path.lstrip('/')}" if path else f"{base}/"
