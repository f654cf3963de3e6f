"""What a person does in the app, step by step, shared by the browser tests."""

import io
import random

from PIL import Image
from playwright.sync_api import expect


def sign_in(page, live, phone="0912 345 678", path="/"):
    page.goto(path)
    expect(page.locator("[data-screen=signin]")).to_be_visible()
    page.fill("input[name=phone]", phone)
    page.click("form button[type=submit]")
    code = page.locator("input[name=code]")
    expect(code).to_be_visible()
    e164 = "+84" + phone.replace(" ", "").lstrip("0")
    code.fill(live.last_code(e164))
    page.click("form button[type=submit]")
    expect(page.locator("[data-screen=signin]")).to_have_count(0)


def open_shop(page, name="Mật ong rừng nhà Mai", commune="na hang"):
    page.goto("/shop")
    expect(page.locator("[data-screen=shop]")).to_be_visible()
    page.fill("input[name=name]", name)
    page.fill("input[name=commune_search]", commune)
    expect(page.locator("select[name=commune_code] option").first).to_contain_text("Nà Hang")
    page.click("text=Lưu cửa hàng")
    expect(page.locator("#payout")).to_be_visible()


def camera_photo(width=4000, height=3000):
    """A phone-camera-like JPEG: 12 megapixels of texture, a few megabytes."""
    rng = random.Random(7)
    small = Image.new("RGB", (width // 8, height // 8))
    small.putdata([(rng.randrange(80, 200), rng.randrange(60, 160), rng.randrange(20, 90))
                   for _ in range(small.width * small.height)])
    photo = small.resize((width, height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def poll(page, script, seconds=30, what="the page"):
    """Ask the page `script` until it answers truthy. Polled from here: Playwright's in-page polling
    would need `eval`, which the app's CSP rightly forbids."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate(script):
                return
        except Exception:  # noqa: BLE001 - the page may be navigating; ask again
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"{what} never came")


def kept_on_the_phone(page, name, seconds=30):
    """Wait until the app has kept `name` (e.g. "lesson:vi:<slug>") in its IndexedDB cache."""
    poll(page, f"""() => new Promise((resolve) => {{
        const opening = indexedDB.open("choque");
        opening.onsuccess = () => {{
            const keys = opening.result.transaction("cache").objectStore("cache").getAllKeys();
            keys.onsuccess = () => {{ opening.result.close(); resolve(keys.result.some((key) => key[1] === {name!r})); }};
            keys.onerror = () => resolve(false);
        }};
        opening.onerror = () => resolve(false);
    }})""", seconds, f"{name} kept on the phone")


def controlled(page, seconds=30):
    """Wait until the service worker controls the page (the app is kept for offline use)."""
    poll(page, "() => navigator.serviceWorker.controller !== null", seconds, "the service worker's control of the page")


def kept_for_offline(page, seconds=30):
    """Wait until the app opens with no network: the service worker controls the page and has kept
    every screen (it keeps the rest of the app once someone has signed in)."""
    controlled(page, seconds)
    poll(page, """() => caches.match("/sw-kept-everything").then((kept) => Boolean(kept))""", seconds,
         "the whole app kept on the phone")
