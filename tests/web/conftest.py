"""The phone app in real Chromium (Debian's /usr/bin/chromium, driven by Playwright) at 360×640, against
the app served for real on a free port (werkzeug, threaded) on the test database."""

import io
import json
import os
import re
import threading
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from server import create_app
from tests.conftest import _free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# What a sandboxed, offline machine needs: no sandbox as root, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2,
         "locale": "vi-VN"}
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")

expect.set_options(timeout=15_000)


class LiveServer:
    """The app on a real port, so that the browser, its service worker and its fetches meet a real server."""

    def __init__(self, settings):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings["PUBLIC_BASE_URL"] = self.url
        self.settings = settings
        self.app = create_app(settings)
        self.requests = []
        self.server = make_server("127.0.0.1", self.port, self._recording(self.app.wsgi_app), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()

    def _recording(self, wsgi_app):
        """Note the method, path and body size of every request, as the server received them."""

        def app(environ, start_response):
            self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                  int(environ.get("CONTENT_LENGTH") or 0)))
            return wsgi_app(environ, start_response)

        return app

    def sms(self):
        path = Path(self.settings["SMS_OUTBOX_PATH"])
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    def last_code(self, phone):
        message = [m for m in self.sms() if m["to"] == phone][-1]
        return re.search(r"\b(\d{6})\b", message["body"]).group(1)

    def api(self):
        """A client of the same app, to check from outside what reached the server."""
        return self.app.test_client()


@pytest.fixture
def live(settings):
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live):
    """A fresh phone: its own storage, service worker and IndexedDB."""
    context = browser.new_context(base_url=live.url, **PHONE)
    yield context
    context.close()


@pytest.fixture
def page(phone):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert not errors, f"the page threw: {errors}"


def screenshot(page, name):
    """Keep a picture of the screen for the README when SCREENSHOTS_DIR is set: CSS pixels, 256 colours,
    so that the committed pictures stay small."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        picture = Image.open(io.BytesIO(page.screenshot(scale="css"))).convert("RGB")
        picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(Path(SCREENSHOTS) / f"{name}.png", optimize=True)
