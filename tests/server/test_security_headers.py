"""Security headers: nosniff and a referrer policy everywhere, a CSP on HTML pages, no caching of
personal data, HSTS in production."""

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from server import create_app
from tests.api.helpers import listed_product, open_shop


@pytest.fixture
def product(client, auth):
    owner = auth.person()
    shop = open_shop(client, owner)
    return owner, shop, listed_product(client, owner, shop)


def sign_in(client, settings, phone="0912345678"):
    assert client.post("/api/v1/auth/otp", json={"phone": phone}).status_code == 202
    lines = Path(settings["SMS_OUTBOX_PATH"]).read_text(encoding="utf-8").splitlines()
    code = re.search(r"\b(\d{6})\b", json.loads(lines[-1])["body"]).group(1)
    return client.post("/api/v1/auth/verify", json={"phone": phone, "code": code})


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


def test_every_response_says_nosniff_and_its_referrer_policy(client, product, settings):
    owner, shop, item = product
    responses = [client.get("/api/v1/provinces"), client.get("/api/v1/nope"), client.get(f"/p/{item['id']}"),
                 client.get(item["photos"][0]["urls"]["thumb"].removeprefix("http://localhost")),
                 client.get("/healthz"), client.get("/api/v1/openapi.json"), client.get("/api/v1/docs")]
    for response in responses:
        assert response.status_code < 500
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.request.path
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_product_page_runs_no_script_and_cannot_be_framed(client, product):
    owner, shop, item = product
    page = client.get(f"/p/{item['id']}")
    policy = directives(page)
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'none'"
    assert "script-src" not in policy and "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    # Its one <style> carries this response's nonce; photos come from the app's own address.
    nonce = re.search(r'<style nonce="([^"]+)">', page.get_data(as_text=True)).group(1)
    assert policy["style-src"] == f"'nonce-{nonce}'"
    assert "http://localhost" in policy["img-src"].split()
    assert directives(client.get(f"/p/{item['id']}"))["style-src"] != policy["style-src"]


def test_the_missing_product_page_has_the_policy_too(client):
    page = client.get("/p/no-such-product")
    assert page.status_code == 404
    nonce = re.search(r'<style nonce="([^"]+)">', page.get_data(as_text=True)).group(1)
    assert directives(page)["style-src"] == f"'nonce-{nonce}'"
    assert ' style="' not in page.get_data(as_text=True)


def test_photos_on_s3_are_allowed_on_the_product_page(settings, s3_endpoint, auth, monkeypatch):
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_CONFIG_FILE", os.devnull), ("AWS_SHARED_CREDENTIALS_FILE", os.devnull),
                        ("AWS_EC2_METADATA_DISABLED", "true")):
        monkeypatch.setenv(name, value)
    settings.update(STORAGE_BACKEND="s3", S3_BUCKET="choque-headers", S3_ENDPOINT_URL=s3_endpoint,
                    S3_PUBLIC_URL="https://cdn.choque.example")
    app = create_app(settings)
    app.extensions["storage"].ensure_bucket()
    client = app.test_client()
    owner = auth.person()
    item = listed_product(client, owner, open_shop(client, owner))
    assert item["photos"][0]["urls"]["large"].startswith("https://cdn.choque.example/")
    assert "https://cdn.choque.example" in directives(client.get(f"/p/{item['id']}"))["img-src"].split()


def test_the_api_docs_allow_exactly_their_own_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = directives(page)
    assert policy["frame-ancestors"] == "'none'"
    [script] = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_personal_data_is_never_stored_by_a_cache(client, product, settings, auth):
    owner, shop, item = product
    manager = auth.person("manager")
    personal = [
        client.get("/api/v1/me", headers=owner.headers),
        client.get("/api/v1/me/export", headers=owner.headers),
        client.get("/api/v1/me/progress", headers=owner.headers),
        client.get(f"/api/v1/sellers/{shop}/products/export?format=csv", headers=owner.headers),
        client.get(f"/api/v1/sellers/{shop}/products/export?format=xlsx", headers=owner.headers),
        client.get("/api/v1/reports/new-active-sellers?format=csv", headers=manager.headers),
        client.get(f"/api/v1/sellers/{shop}", headers=owner.headers),
        client.get("/api/v1/me"),  # even the refusal
    ]
    for response in personal:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    tokens = sign_in(client, settings)
    assert tokens.status_code == 200 and tokens.headers["Cache-Control"] == "no-store"
    refreshed = client.post("/api/v1/auth/refresh",
                            headers={"Authorization": f"Bearer {tokens.get_json()['refresh_token']}"})
    assert refreshed.status_code == 200 and refreshed.headers["Cache-Control"] == "no-store"


def test_public_pages_and_the_feed_stay_cacheable(client, product):
    owner, shop, item = product
    for path in ("/api/v1/catalog", "/api/v1/feeds/products", f"/p/{item['id']}", "/api/v1/provinces"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path


def test_hsts_only_when_the_public_address_is_https(settings):
    assert "Strict-Transport-Security" not in create_app(settings).test_client().get("/healthz").headers
    settings["PUBLIC_BASE_URL"] = "https://choque.example"
    response = create_app(settings).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
