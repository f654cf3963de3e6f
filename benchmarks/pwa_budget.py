"""Bytes the phone app costs on the wire (SPEC §8), measured in Debian's Chromium at 360×640.

Run from the project root:  .venv/bin/python benchmarks/pwa_budget.py
Prints, per screen, the compressed bytes fetched from the network on a first visit (no HTTP cache, no
service worker), by kind, next to the budget; then what a repeat visit fetches (the shell must come from
the service worker: only API data may travel). Exits non-zero when a budget is broken.

Every byte counts where it leaves the server (status line, headers, compressed body, as written to the
socket), whoever asked for it: the page, its service worker (what it keeps for offline use when it
installs, and the rest of the app once someone has signed in), the browser fetching the worker's
script. A visit ends when the service worker has kept what it keeps and no request has been open for
half a second. The household's screens are measured signed in as the household, the cohorts as a
trainer, /reports as a provincial programme manager (a province of 124 communes with demo sellers, so
the report data is measured too); one person's phone at a time, so that nothing else is counted.

Budgets: first load of the signed-out `/` ≤ 100 KB in all, of which JavaScript ≤ 35 KB; every other
screen ≤ 150 KB on its first visit; a repeat visit fetches nothing but API data.
"""

import sys
import time
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served_app import CHROMIUM_ARGS, MANAGER_PHONE, PHONE, TRAINER_PHONE, ServedApp  # noqa: E402

KB = 1024
FIRST_LOAD_BUDGET, FIRST_LOAD_JS_BUDGET, SCREEN_BUDGET = 100 * KB, 35 * KB, 150 * KB
# The service worker's mark that it has kept every screen (server/web/templates/sw.js).
KEPT_EVERYTHING = "/sw-kept-everything"
KINDS = ("html", "js", "css", "json", "image", "font", "api")


def kind(path, content_type):
    if path.startswith(("/api/", "/healthz")):
        return "api"
    for name, marker in (("html", "html"), ("js", "javascript"), ("css", "css"), ("json", "json"), ("font", "font")):
        if marker in content_type:
            return name
    return "image"


class Meter:
    """What one phone (a browser context) costs: the bytes the server sent since `reset()`, by kind, and
    the addresses the phone fetched past its service worker's cache.

    Playwright reports the service worker's own requests on the context, not the page; its sizes miss
    the worker's script. So bytes are counted at the server, and the context's events only say which
    requests the worker did not answer from its cache and when the phone's network is quiet."""

    def __init__(self, context, served):
        self.served = served
        self.start = len(served.sent)
        self.past_the_worker = []
        self.in_flight = set()
        self.last_activity = time.monotonic()
        context.on("request", self._started)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._ended)

    def _started(self, request):
        self.in_flight.add(request)
        self.last_activity = time.monotonic()

    def _ended(self, request):
        self.in_flight.discard(request)
        self.last_activity = time.monotonic()

    def _finished(self, request):
        self._ended(request)
        response = request.response()
        # A response the worker gave the page is not a fetch; the worker's own fetch, if it made one, is.
        if response is not None and not response.from_service_worker:
            self.past_the_worker.append(response.url)

    def settle(self, page, quiet=0.5, seconds=60):
        """Wait until no request of the page or of its service worker has been open for `quiet` s."""
        deadline = time.monotonic() + seconds
        while self.in_flight or time.monotonic() - self.last_activity < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"requests never ended: {[r.url for r in self.in_flight]}")
            page.wait_for_timeout(100)

    def reset(self):
        self.start = len(self.served.sent)
        self.past_the_worker.clear()

    @property
    def sent(self):
        return self.served.sent[self.start:]

    @property
    def bytes(self):
        counted = defaultdict(int)
        for sent in self.sent:
            counted[kind(sent.path, sent.content_type)] += sent.size
        return counted

    @property
    def total(self):
        return sum(sent.size for sent in self.sent)


def poll(page, script, what, seconds=60):
    """Ask the page `script` until it answers truthy (polled from here: the app's CSP forbids eval)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never came")
        page.wait_for_timeout(100)


def kept(page, meter, signed_in):
    """Wait until the service worker has kept what it keeps: the sign-in screen's files when it
    installs, every screen's once someone is signed in."""
    poll(page, "navigator.serviceWorker.ready.then(() => true)", "the service worker")
    if signed_in:
        poll(page, f"caches.match({KEPT_EVERYTHING!r}).then(Boolean)", "the whole app kept after sign-in")
    meter.settle(page)


def forget_the_app(page, cdp, meter):
    """As a phone that never opened the app: no HTTP cache, no service worker, no cached shell; the
    person stays signed in (IndexedDB is kept)."""
    meter.settle(page)
    page.evaluate("""async () => {
        for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
        for (const name of await caches.keys()) await caches.delete(name);
    }""")
    cdp.send("Network.clearBrowserCache")


def visit(page, meter, url, screen, signed_in=True):
    page.goto(url)
    page.wait_for_selector(f"[data-screen={screen}]")
    kept(page, meter, signed_in)


def row(name, meter, budget):
    counted = meter.bytes
    cells = [f"{counted.get(k, 0) / KB:6.1f}" for k in KINDS]
    verdict = "ok" if meter.total <= budget else "OVER"
    return f"| {name:<28} | " + " | ".join(cells) + f" | {meter.total / KB:6.1f} | {budget / KB:5.0f} | {verdict} |"


def first_visits(phone, served, screens, lines, failures):
    page, cdp, meter = phone
    for path, screen in screens:
        forget_the_app(page, cdp, meter)
        meter.reset()
        visit(page, meter, f"{served.url}{path}", screen)
        lines.append(row(f"{path[:28]}", meter, SCREEN_BUDGET))
        if meter.total > SCREEN_BUDGET:
            failures.append(f"{path} is {meter.total / KB:.1f} KB on its first visit")


def repeat_visits(phone, served, screens, lines, failures):
    """Each screen once more, then measured: the second time the person opens it (its photos, too, are
    then kept), with the service worker in place."""
    page, _, meter = phone
    for path, screen in screens:
        visit(page, meter, f"{served.url}{path}", screen)
    for path, screen in screens:
        meter.reset()
        visit(page, meter, f"{served.url}{path}", screen)
        others = [url for url in meter.past_the_worker if "/api/" not in url]
        others += [served.url + sent.path for sent in meter.sent if not sent.path.startswith("/api/")]
        lines.append(f"| {path} | {meter.total / KB:.1f} KB ({meter.bytes['api'] / KB:.1f} KB API) | "
                     f"{'yes' if not others else 'NO: ' + ', '.join(sorted(set(others)))} |")
        if others:
            failures.append(f"a repeat visit of {path} fetched {sorted(set(others))}")


def phone_of(browser, served):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    page = context.new_page()
    return context, (page, context.new_cdp_session(page), Meter(context, served))


def main():
    served = ServedApp()
    failures = []
    header = "| screen (first visit)         | " + " | ".join(f"{k:>6}" for k in KINDS) + " |  total | budget |    |"
    lines = [header, "|" + "---|" * (len(KINDS) + 4)]
    repeats = ["| repeat visit (service worker in place) | bytes sent | only API data? |", "|---|---|---|"]
    # (who, their home screen, the screens measured on their phone)
    people = [
        (PHONE, "home", [("/", "home"), ("/shop", "shop"), ("/products", "products"),
                         (f"/products/{served.product_id}", "product"), ("/learn", "learn"),
                         ("/learn/what-is-selling-online", "lesson"), ("/sales", "sales"), ("/profile", "profile")]),
        (TRAINER_PHONE, "cohorts", [("/cohorts", "cohorts"), (f"/cohorts/{served.cohort_id}", "cohort"),
                                    (f"/cohorts/{served.cohort_id}/enrol", "enrol"),
                                    (f"/cohorts/{served.cohort_id}/attendance", "attendance")]),
        (MANAGER_PHONE, "reports", [("/reports", "reports")]),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for number, home, screens in people:
            context, phone = phone_of(browser, served)
            page, _, meter = phone
            if number == PHONE:
                # The household's phone first opens the app signed out: the sign-in screen.
                visit(page, meter, f"{served.url}/", "signin", signed_in=False)
                js = meter.bytes["js"]
                lines.append(row("/ signed out", meter, FIRST_LOAD_BUDGET))
                lines.append(f"| (of which JavaScript)        | {js / KB:.1f} KB, budget {FIRST_LOAD_JS_BUDGET / KB:.0f} KB |")
                if meter.total > FIRST_LOAD_BUDGET or js > FIRST_LOAD_JS_BUDGET:
                    failures.append(f"signed-out / is {meter.total / KB:.1f} KB, JS {js / KB:.1f} KB")
            served.sign_in(page, number, screen=home)
            kept(page, meter, signed_in=True)
            first_visits(phone, served, screens, lines, failures)
            repeat_visits(phone, served, screens, repeats, failures)
            context.close()
        browser.close()
    served.close()
    print("\n".join([*lines, "", *repeats]))
    if failures:
        print("\nBudgets broken:\n- " + "\n- ".join(failures))
        return 1
    print("\nAll budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
