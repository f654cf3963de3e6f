"""Lighthouse 12 (mobile, its default simulated throttling) on the phone app's sign-in, home, product
and lesson screens, on a trainer's /cohorts and /cohorts/{id}, and on /reports for a programme manager,
in Debian's Chromium (SPEC §8).

Run from the project root:  .venv/bin/python benchmarks/lighthouse.py [--runs 3]   (CI: one run, three below a bar)
It installs Lighthouse 12.2.3 from benchmarks/lighthouse/package-lock.json when missing (`npm ci`),
serves the app on a fresh database with one household, a provincial manager and demo sellers, signs
the household in through the app (then the manager, for /reports), and runs Lighthouse on each screen
as a first visit (no HTTP cache, no service worker; the signed-in screens keep the person's sign-in in
IndexedDB: Lighthouse keeps the storage, and the HTTP cache is cleared before each run). Prints the
median of each score per screen next to the bars: performance ≥ 95, accessibility 100, best practices
≥ 95; exits non-zero below them.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served_app import CHROMIUM_ARGS, MANAGER_PHONE, PHONE, TRAINER_PHONE, ServedApp, free_port  # noqa: E402

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
BARS = {"performance": 95, "accessibility": 100, "best-practices": 95}
# SPEC §8 sets all three bars on the household's screens; issue 12 sets accessibility and best
# practices on the staff screens (performance is printed for them, not held to 95).
STAFF_BARS = {"accessibility": 100, "best-practices": 95}


def install():
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True)


def forget_the_app(page, served):
    """A first visit: no service worker, no cached shell and no HTTP cache; the sign-in in IndexedDB
    stays. Lighthouse's --disable-storage-reset, which keeps the sign-in, also keeps the HTTP cache, so
    it is cleared here, in the Chromium Lighthouse drives. The page waits off the app meanwhile."""
    served.wait_until_quiet()
    page.goto(f"{served.url}/healthz")
    forget = """async () => {
        for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
        for (const name of await caches.keys()) await caches.delete(name);
        return (await caches.keys()).length === 0;
    }"""
    page.evaluate(forget)
    # A worker that was still keeping files may have opened its cache again meanwhile.
    served.wait_until_quiet()
    assert page.evaluate(forget)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.detach()


def lighthouse(url, port, keep_storage, out):
    command = [str(LIGHTHOUSE), url, f"--port={port}", "--output=json", f"--output-path={out}", "--quiet",
               "--only-categories=performance,accessibility,best-practices", "--max-wait-for-load=30000"]
    if keep_storage:
        command.append("--disable-storage-reset")
    subprocess.run(command, check=True, timeout=180)
    report = json.loads(Path(out).read_text())
    if os.environ.get("LIGHTHOUSE_METRICS"):
        print(url, {audit: report["audits"][audit]["displayValue"] for audit in
                    ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")})
        for item in report["audits"].get("layout-shift-elements", {}).get("details", {}).get("items", []):
            print("  shift", item.get("score"), item.get("node", {}).get("snippet", "")[:160])
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    failing = [audit["id"] for audit in report["audits"].values()
               if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"]
    return scores, failing


def median_scores(runs):
    return {category: statistics.median(r[0][category] for r in runs) for category in BARS}


def below(runs, bars):
    scores = median_scores(runs)
    return any(scores[category] < bar for category, bar in bars.items())


def again_up_to(runs):
    """How many runs a screen below a bar gets in all: twice as many, and at least three."""
    return max(2 * runs, 3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per screen (median reported)")
    args = parser.parse_args()
    install()
    served = ServedApp()
    port = free_port()
    profile = tempfile.mkdtemp(prefix="choque-lighthouse-")
    # (screen, path, who is signed in): the household's screens, a trainer's, a manager's.
    screens = [("sign-in", "/", None), ("home", "/", "household"),
               ("product", f"/products/{served.product_id}", "household"),
               ("lesson", "/learn/what-is-selling-online", "household"), ("cohorts", "/cohorts", "trainer"),
               ("cohort", f"/cohorts/{served.cohort_id}", "trainer"), ("reports", "/reports", "manager")]
    people = {"household": (PHONE, "home"), "trainer": (TRAINER_PHONE, "cohorts"), "manager": (MANAGER_PHONE, "reports")}
    results = []
    with sync_playwright() as playwright:
        # One Chromium for Playwright (which signs in) and Lighthouse (which connects to its port).
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"])
        page = context.pages[0] if context.pages else context.new_page()
        signed_in_now = None
        for name, path, who in screens:
            signed_in = who is not None
            if who and who != signed_in_now:
                # The next person signs in on the same phone (the others stay on it, signed in too).
                page.goto(f"{served.url}/healthz")
                page.evaluate("localStorage.removeItem('choque.person')")
                served.sign_in(page, *people[who])
                signed_in_now = who
            bars = STAFF_BARS if who in ("trainer", "manager") else BARS
            runs = []
            # A busy machine can slow one run: a screen below a bar is run again, and judged on the median
            # of at least three runs, before it fails.
            for run in range(again_up_to(args.runs)):
                if run == args.runs and not below(runs, bars):
                    break
                if signed_in:
                    forget_the_app(page, served)
                out = Path(profile) / f"{name}-{run}.json"
                runs.append(lighthouse(f"{served.url}{path}", port, signed_in, out))
            scores = median_scores(runs)
            results.append((name, path, who, scores, sorted({audit for r in runs for audit in r[1]})))
        context.close()
    served.close()
    if not os.environ.get("LIGHTHOUSE_METRICS"):
        shutil.rmtree(profile, ignore_errors=True)

    print("| screen | performance | accessibility | best practices | audits below 0.9 |")
    print("|---|---|---|---|---|")
    failures = []
    for name, path, who, scores, failing in results:
        print(f"| {name} (`{path}`) | {scores['performance']:.0f} | {scores['accessibility']:.0f} | "
              f"{scores['best-practices']:.0f} | {', '.join(failing) or '—'} |")
        bars = STAFF_BARS if who in ("trainer", "manager") else BARS
        failures += [f"{name}: {category} {scores[category]:.0f} < {bar}"
                     for category, bar in bars.items() if scores[category] < bar]
    print(f"\nBars: performance ≥ {BARS['performance']} (household screens), accessibility {BARS['accessibility']}, "
          f"best practices ≥ {BARS['best-practices']}; median of {args.runs} run(s) per screen "
          f"({again_up_to(args.runs)} when the first ones were below a bar).")
    if failures:
        print("Below the bar:\n- " + "\n- ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
