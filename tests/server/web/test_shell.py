"""The app shell on every route of SPEC §7, its files fingerprinted, compressed and cached forever."""

import gzip
import json
import re

import brotli
import pytest

from server.web import APP_ROUTES

PATHS = ["/", "/shop", "/products", "/products/new", "/products/3f2c9d0e-1b2a-4c5d-8e7f-001122334455", "/learn",
         "/learn/what-is-selling-online", "/sales", "/profile", "/cohorts", "/cohorts/12", "/cohorts/12/enrol",
         "/cohorts/12/attendance", "/reports"]


def import_map(html):
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', html, re.DOTALL).group(1))["imports"]


def test_every_route_of_the_app_answers_the_same_shell(client):
    assert len(PATHS) == len(APP_ROUTES)
    pages = [client.get(path) for path in PATHS]
    assert {page.status_code for page in pages} == {200}
    assert len({page.data for page in pages}) == 1
    page = pages[0]
    assert page.mimetype == "text/html"
    assert '<html lang="vi">' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-cache"


def test_the_shell_allows_only_its_own_scripts(client):
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy


def test_modules_are_fingerprinted_and_cached_forever(client):
    imports = import_map(client.get("/").get_data(as_text=True))
    assert {"preact", "idb", "app/main.js", "app/outbox.js", "app/screens/signin.js"} <= set(imports)
    url = imports["app/outbox.js"]
    assert re.fullmatch(r"/assets/app/outbox\.[0-9a-f]{12}\.js", url)
    module = client.get(url)
    assert module.status_code == 200
    assert module.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert module.mimetype == "text/javascript"
    assert client.get("/assets/app/outbox.000000000000.js").status_code == 404


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_files_go_out_compressed(client, encoding, decode):
    url = import_map(client.get("/").get_data(as_text=True))["preact"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert len(packed.data) < len(plain) / 2
    assert decode(packed.data) == plain


def test_the_shell_and_the_api_go_out_compressed(client):
    shell = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert shell.headers["Content-Encoding"] == "br"
    communes = client.get("/api/v1/communes?q=xa&page_size=100", headers={"Accept-Encoding": "gzip"})
    assert communes.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(communes.data))["total"] > 100


def test_the_translations_are_the_catalogs_of_the_app_domain(client):
    imports = import_map(client.get("/").get_data(as_text=True))
    vietnamese = client.get(imports["assets/i18n/vi.json"]).get_json()
    assert vietnamese["language"] == "vi"
    assert vietnamese["messages"]["Sign in"] == "Đăng nhập"
    assert vietnamese["messages"]["{count} change waiting to be sent"] == ["{count} thay đổi chờ gửi"]


def test_the_service_worker_knows_the_release_and_is_never_cached(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    body = worker.get_data(as_text=True)
    release = re.search(r'const VERSION = "([0-9a-f]{12})"', body).group(1)
    precached = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    after_sign_in = json.loads(re.search(r"const AFTER_SIGN_IN = (\[.*?\]);", body).group(1))
    imports = import_map(client.get("/").get_data(as_text=True))
    assert set(imports.values()) <= set(precached) | set(after_sign_in) and "/" in precached
    assert release


def test_the_service_worker_installs_the_sign_in_screen_and_keeps_the_rest_after_sign_in(client):
    body = client.get("/sw.js").get_data(as_text=True)
    precached = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    after_sign_in = json.loads(re.search(r"const AFTER_SIGN_IN = (\[.*?\]);", body).group(1))
    shell = client.get("/").get_data(as_text=True)
    imports = import_map(shell)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', shell))
    # Everything the signed-out first screen loads is there offline; nothing of the other screens.
    assert {imports["app/main.js"], imports["app/screens/signin.js"], imports["preact"], imports["idb"]} <= set(precached)
    assert preloaded <= set(precached)
    assert {imports["assets/i18n/vi.json"], imports["assets/i18n/en.json"]} <= set(precached)
    assert {imports["app/screens/reports.js"], imports["app/screens/home.js"], imports["app/charts.js"]} <= set(after_sign_in)
    assert not set(precached) & set(after_sign_in)


def test_the_manifest_makes_the_app_installable(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json()
    assert (body["lang"], body["start_url"], body["display"]) == ("vi", "/", "standalone")
    assert {icon["sizes"] for icon in body["icons"]} >= {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200
