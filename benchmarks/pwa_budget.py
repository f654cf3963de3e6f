"""Bytes the phone app costs on the wire (SPEC §8), measured in Debian's Chromium at 360×640.

Run from the project root:  .venv/bin/python benchmarks/pwa_budget.py
Prints, per screen, the compressed bytes fetched from the network on a first visit (no HTTP cache, no
service worker: everything it needs, including what the service worker stores for offline use), by
kind, next to the budget; then what a repeat visit fetches (the shell must come from the service
worker: only API data may travel). Exits non-zero when a budget is broken. The household's screens are
measured signed in as the household; /reports signed in as a provincial programme manager (a province
of 124 communes with demo sellers, so the report data is measured too).

Budgets: first load of the signed-out `/` ≤ 100 KB in all, of which JavaScript ≤ 35 KB; every other
screen ≤ 150 KB on its first visit; a repeat visit fetches nothing but API data.
"""

import sys
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served_app import CHROMIUM_ARGS, MANAGER_PHONE, TRAINER_PHONE, ServedApp  # noqa: E402

KB = 1024
FIRST_LOAD_BUDGET, FIRST_LOAD_JS_BUDGET, SCREEN_BUDGET = 100 * KB, 35 * KB, 150 * KB
KINDS = ("html", "js", "css", "json", "image", "font", "api")


def kind(response):
    url, content_type = response.url, response.headers.get("content-type", "")
    if "/api/" in url or url.endswith("/healthz"):
        return "api"
    if "html" in content_type:
        return "html"
    if "javascript" in content_type:
        return "js"
    if "css" in content_type:
        return "css"
    if "json" in content_type:
        return "json"
    if "font" in content_type:
        return "font"
    return "image"


class Meter:
    """Compressed bytes that came over the network (not from the service worker), by kind."""

    def __init__(self, page):
        self.bytes = defaultdict(int)
        self.urls = []
        page.on("requestfinished", self._count)

    def _count(self, request):
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        self.bytes[kind(response)] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.urls.append(response.url)

    def reset(self):
        self.bytes.clear()
        self.urls.clear()

    @property
    def total(self):
        return sum(self.bytes.values())


def forget_the_app(page, cdp):
    """As a phone that never opened the app: no HTTP cache, no service worker, no cached shell; the
    person stays signed in (IndexedDB is kept)."""
    page.evaluate("""async () => {
        for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
        for (const name of await caches.keys()) await caches.delete(name);
    }""")
    cdp.send("Network.clearBrowserCache")


def visit(page, url, screen):
    page.goto(url)
    page.wait_for_selector(f"[data-screen={screen}]")
    page.wait_for_load_state("networkidle")
    # The service worker stores the app for offline use in the background: count that too.
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_load_state("networkidle")


def row(name, meter, budget):
    cells = [f"{meter.bytes.get(k, 0) / KB:6.1f}" for k in KINDS]
    verdict = "ok" if meter.total <= budget else "OVER"
    return f"| {name:<28} | " + " | ".join(cells) + f" | {meter.total / KB:6.1f} | {budget / KB:5.0f} | {verdict} |"


def first_visits(page, cdp, meter, served, screens, lines, failures):
    for path, screen in screens:
        forget_the_app(page, cdp)
        meter.reset()
        visit(page, f"{served.url}{path}", screen)
        lines.append(row(f"{path[:28]}", meter, SCREEN_BUDGET))
        if meter.total > SCREEN_BUDGET:
            failures.append(f"{path} is {meter.total / KB:.1f} KB on its first visit")


def repeat_visits(page, meter, served, screens, lines, failures):
    for path, screen in screens:
        meter.reset()
        visit(page, f"{served.url}{path}", screen)
        others = [url for url in meter.urls if "/api/" not in url]
        lines.append(f"| {path} | {meter.total / KB:.1f} KB ({meter.bytes['api'] / KB:.1f} KB API) | "
                     f"{'yes' if not others else 'NO: ' + ', '.join(others)} |")
        if others:
            failures.append(f"a repeat visit of {path} fetched {others}")


def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    page = context.new_page()
    return context, page, context.new_cdp_session(page), Meter(page)


def main():
    served = ServedApp()
    failures = []
    header = "| screen (first visit)         | " + " | ".join(f"{k:>6}" for k in KINDS) + " |  total | budget |    |"
    lines = [header, "|" + "---|" * (len(KINDS) + 4)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context, page, cdp, meter = phone(browser)

        visit(page, f"{served.url}/", "signin")
        lines.append(row("/ signed out", meter, FIRST_LOAD_BUDGET))
        if meter.total > FIRST_LOAD_BUDGET or meter.bytes["js"] > FIRST_LOAD_JS_BUDGET:
            failures.append(f"signed-out / is {meter.total / KB:.1f} KB, JS {meter.bytes['js'] / KB:.1f} KB")
        lines.append(f"| (of which JavaScript)        | {meter.bytes['js'] / KB:.1f} KB, budget {FIRST_LOAD_JS_BUDGET / KB:.0f} KB |")

        served.sign_in(page)
        screens = [("/", "home"), ("/shop", "shop"), ("/products", "products"),
                   (f"/products/{served.product_id}", "product"), ("/learn", "learn"),
                   ("/learn/what-is-selling-online", "lesson"), ("/sales", "sales"), ("/profile", "profile")]
        first_visits(page, cdp, meter, served, screens, lines, failures)

        # A trainer's phone: their cohorts.
        trainer_context, trainer_page, trainer_cdp, trainer_meter = phone(browser)
        served.sign_in(trainer_page, TRAINER_PHONE, screen="cohorts")
        trainer_screens = [("/cohorts", "cohorts"), (f"/cohorts/{served.cohort_id}", "cohort"),
                           (f"/cohorts/{served.cohort_id}/enrol", "enrol"),
                           (f"/cohorts/{served.cohort_id}/attendance", "attendance")]
        first_visits(trainer_page, trainer_cdp, trainer_meter, served, trainer_screens, lines, failures)

        # A programme manager's phone: their reports.
        manager_context, manager_page, manager_cdp, manager_meter = phone(browser)
        served.sign_in(manager_page, MANAGER_PHONE, screen="reports")
        manager_screens = [("/reports", "reports")]
        first_visits(manager_page, manager_cdp, manager_meter, served, manager_screens, lines, failures)

        lines.append("")
        lines.append("| repeat visit (service worker in place) | bytes not from the service worker | only API data? |")
        lines.append("|---|---|---|")
        repeat_visits(page, meter, served, screens, lines, failures)
        repeat_visits(trainer_page, trainer_meter, served, trainer_screens, lines, failures)
        repeat_visits(manager_page, manager_meter, served, manager_screens, lines, failures)
        trainer_context.close()
        manager_context.close()
        browser.close()
    served.close()
    print("\n".join(lines))
    if failures:
        print("\nBudgets broken:\n- " + "\n- ".join(failures))
        return 1
    print("\nAll budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
