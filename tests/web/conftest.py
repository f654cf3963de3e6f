"""The phone app in real Chromium (Debian's /usr/bin/chromium, driven by Playwright) at 360×640, against
the app served for real on a free port (werkzeug, threaded) on the test database."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError, expect, sync_playwright

from tests.live_server import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# What a sandboxed, offline machine needs: no sandbox as root, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2,
         "locale": "vi-VN"}
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")

expect.set_options(timeout=15_000)


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def page(request, phone):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed:
        print(what_the_screen_shows(page))
    assert not errors, f"the page threw: {errors}"


def what_the_screen_shows(page):
    """What the person saw when a test failed, for CI's log (which keeps no pictures). Every step has a
    timeout: a page stuck behind a dialog the test left open must not hang the run."""
    try:
        online = page.wait_for_function("() => String(navigator.onLine)", timeout=5_000).json_value()
        text = page.inner_text("body", timeout=5_000)
    except PlaywrightError as error:
        return f"The screen at {page.url} could not be read: {error.message}"
    return f"The screen at {page.url} when the test failed (navigator.onLine: {online}):\n{text}"


def screenshot(page, name):
    """Keep a picture of the screen for the README when SCREENSHOTS_DIR is set: CSS pixels, 256 colours,
    so that the committed pictures stay small."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        picture = Image.open(io.BytesIO(page.screenshot(scale="css"))).convert("RGB")
        picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(Path(SCREENSHOTS) / f"{name}.png", optimize=True)
