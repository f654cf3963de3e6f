"""Every screen of a trainer and of a union admin at 360×640, once its data has arrived: no sideways
scrolling, thumb-sized targets, the outbox in the header, every word from the catalogs, in Vietnamese
and then in English."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.clock import vietnam_day
from server.extensions import db
from server.models import Commune
from server.services.accounts import create_staff_user
from tests.web.journeys import poll, sign_in
from tests.web.test_screens import too_small
from tests.web.test_trainer import Api, branch, failing_answers  # noqa: F401 - branch is a fixture

TRAINER, ADMIN = "0988 123 456", "0977 000 111"
LOCALES = Path(__file__).resolve().parents[2] / "locales"
# Taps of the staff screens beyond test_screens.TARGETS: ticked rows, a cohort, "back", the report's jumps.
STAFF_TARGETS = "main label.choice, main details > summary, main a.cohort-card, main a.back, main .jump a"


def staff_too_small(page):
    """test_screens.too_small, and the staff screens' own taps that are less than a thumb high."""
    return too_small(page) + page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter((element) => element.offsetParent !== null)
        .map((element) => ({ what: element.outerHTML.slice(0, 80), high: element.getBoundingClientRect().height }))
        .filter(({ high }) => high < 48)
        .map(({ what, high }) => `${what} ${Math.round(high)} px high`)""", STAFF_TARGETS)


def catalog_words():
    """{language: the app's words shown only in that language}: the Vietnamese of each message that has
    its own Vietnamese, and the English it replaces (placeholders left out: they are filled in)."""
    with open(LOCALES / "vi" / "LC_MESSAGES" / "app.po", "rb") as po:
        messages = [m for m in read_po(po) if m.id and m.string]
    pairs = [(english, vietnamese) for m in messages
             for english, vietnamese in zip(m.id if isinstance(m.id, tuple) else [m.id],
                                            m.string if isinstance(m.string, tuple) else [m.string])]
    pairs = [(en, vi) for en, vi in pairs if en != vi and "{" not in en + vi]
    return {"vi": {vi for _, vi in pairs}, "en": {en for en, _ in pairs}}


WORDS = catalog_words()


def words_of_the_other_language(page, language):
    """Texts on screen that are app words of the other language, outside what is marked as another
    language on purpose (the consent text read to a household in its own language, language names)."""
    other = WORDS["en" if language == "vi" else "vi"]
    shown = page.evaluate("""() => {
        const texts = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const ownLanguage = (element) => (element.closest("[lang]")?.lang || document.documentElement.lang)
            === document.documentElement.lang;
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (parent.offsetParent !== null && ownLanguage(parent)) texts.push(walker.currentNode.textContent.trim());
        }
        for (const element of document.body.querySelectorAll("[aria-label], [title], [placeholder]")) {
            if (!ownLanguage(element)) continue;
            for (const name of ["aria-label", "title", "placeholder"]) {
                texts.push((element.getAttribute(name) || "").trim());
            }
        }
        return texts;
    }""")
    return sorted({text for text in shown if text in other})


@pytest.fixture
def world(live, branch):
    """A trainer's cohort of two households (one failed a quiz three times), a session held, a
    household and a trainer invited who have not answered; the branch's union admin."""
    with live.app.app_context():
        create_staff_user(TRAINER, "trainer", union_id=branch)
        create_staff_user("0988 123 457", "trainer", union_id=branch)
        create_staff_user(ADMIN, "union_admin", union_id=branch)
        communes = db.session.scalar(
            select(func.count()).select_from(Commune).where(Commune.province_code == "08"))
    api = Api(live)
    trainer = api.sign_in("+84988123456")
    api.client.patch("/api/v1/me", headers=trainer, json={"full_name": "Trần Thị Hoa"})
    cohort = api.cohort(trainer, branch)
    mai = api.enrol(trainer, cohort["id"], "0912111222", "Lò Thị Mai")
    lan = api.enrol(trainer, cohort["id"], "0912111333", "Hà Thị Lan")
    lan_headers = api.sign_in("+84912111333")
    for _ in range(3):
        api.client.post("/api/v1/lessons/what-is-selling-online/attempts", headers=lan_headers,
                        json={"id": str(uuid.uuid4()), "answers": failing_answers(live)})
    api.sign_in("+84912111444")  # has an account already: enrolling the number sends an invitation
    assert api.enrol(trainer, cohort["id"], "0912111444", "Vi Thị Hà")["status"] == "pending"
    held = api.client.post(f"/api/v1/cohorts/{cohort['id']}/sessions", headers=trainer, json={
        "id": str(uuid.uuid4()), "held_on": (vietnam_day(datetime.now(UTC)) - timedelta(days=3)).isoformat(),
        "topic": "Chụp ảnh sản phẩm", "lesson_slugs": [], "attendee_ids": [mai["user_id"], lan["user_id"]]})
    assert held.status_code == 201
    admin = api.sign_in("+84977000111")
    invited = api.client.post(f"/api/v1/unions/{branch}/trainers", headers=admin, json={"phone": "0912 555 666"})
    assert invited.get_json()["status"] == "pending"
    return {"cohort": cohort, "communes": communes}


def cohorts_loaded(page, role, world):
    expect(page.locator(".cohort-card .badge")).to_have_text("1 hộ cần đến thăm" if page_language(page) == "vi"
                                                             else "1 household needs a visit")
    if role == "union_admin":
        # Two trainers and one invited.
        expect(page.locator("section.card li.row")).to_have_count(3)


def cohort_loaded(page, role, world):
    expect(page.locator("li.member")).to_have_count(2)
    expect(page.locator("li.member.needs-help .reason")).to_be_visible()
    expect(page.locator("section[aria-labelledby=invited-title] li.row")).to_have_count(1)
    if role == "union_admin":
        expect(page.locator("input[name=trainer_ids]")).to_have_count(2)


def enrol_loaded(page, role, world):
    expect(page.locator("[data-screen=enrol] p.meta")).to_have_text(world["cohort"]["name"])
    expect(page.locator("select[name=commune_code] option")).to_have_count(1)
    expect(page.locator("#consent-title")).to_be_visible()
    expect(page.locator("input[name=purposes]").first).to_be_visible()


def attendance_loaded(page, role, world):
    expect(page.locator("input[name=attendee_ids]")).to_have_count(2)
    expect(page.locator("input[name=lesson_slugs]").first).to_be_visible()
    expect(page.locator("section[aria-labelledby=past-title] li")).to_have_count(1)


def reports_loaded(page, role, world):
    expect(page.locator("#coverage table tbody tr")).to_have_count(1)
    expect(page.locator("#new-sellers table tbody tr")).to_have_count(world["communes"])
    expect(page.locator("#training table tbody tr").first).to_be_visible()
    expect(page.locator("section.report[aria-busy=true]")).to_have_count(0)


def page_language(page):
    return page.evaluate("document.documentElement.lang")


# path, screen, what shows its data has arrived, its h1 in Vietnamese and in English (None: the
# cohort's own name, checked by its first heading below it instead).
SCREENS = [
    ("/cohorts", "cohorts", cohorts_loaded, {"vi": "Lớp học", "en": "Cohorts"}),
    ("/cohorts/{id}", "cohort", cohort_loaded, None),
    ("/cohorts/{id}/enrol", "enrol", enrol_loaded, {"vi": "Ghi danh hộ", "en": "Enrol a household"}),
    ("/cohorts/{id}/attendance", "attendance", attendance_loaded, {"vi": "Điểm danh", "en": "Attendance"}),
    ("/reports", "reports", reports_loaded, {"vi": "Báo cáo", "en": "Reports"}),
]
MEMBERS_TITLE = {"vi": "Các hộ, ai cần đến thăm trước", "en": "Households, who needs a visit first"}


def check_screen(page, role, world, path, name, loaded, h1, language):
    page.goto(path.format(id=world["cohort"]["id"]))
    screen = page.locator(f"[data-screen={name}]")
    expect(screen).to_be_visible()
    assert page_language(page) == language
    loaded(page, role, world)
    where = f"{name} ({role}, {language})"
    if h1:
        expect(screen.locator("h1")).to_have_text(h1[language])
    else:
        expect(screen.locator("h1")).to_have_text(world["cohort"]["name"])
        expect(screen.locator("h2#members-title")).to_have_text(MEMBERS_TITLE[language])
    expect(page.locator("header [data-outbox-count]")).to_have_attribute("data-outbox-count", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{where} scrolls sideways"
    assert staff_too_small(page) == [], where
    assert page.evaluate("""async () => [...(await import("app/i18n.js")).missing]""") == [], where
    assert words_of_the_other_language(page, language) == [], where


@pytest.mark.parametrize("role, number, screens", [
    ("trainer", TRAINER, SCREENS[:4]),
    ("union_admin", ADMIN, SCREENS),
], ids=["trainer", "union_admin"])
def test_every_staff_screen_fits_a_small_phone_in_both_languages(page, live, world, role, number, screens):
    sign_in(page, live, phone=number)
    for path, name, loaded, h1 in screens:
        check_screen(page, role, world, path, name, loaded, h1, "vi")

    page.goto("/profile")
    page.select_option("select[name=locale]", "en")
    # The choice is kept with the person on the phone: the next screens open in English.
    poll(page, """() => new Promise((resolve) => {
        const opening = indexedDB.open("choque");
        opening.onsuccess = () => {
            const people = opening.result.transaction("people").objectStore("people").getAll();
            people.onsuccess = () => {
                opening.result.close();
                resolve(people.result.every((person) => person.user.locale === "en"));
            };
            people.onerror = () => resolve(false);
        };
        opening.onerror = () => resolve(false);
    })""", what="English kept with the person")
    expect(page.locator("[data-screen=profile] h1")).to_have_text(re.compile(r"^[A-Za-z ]+$"))
    expect(page.locator(".tabs a[href='/cohorts']")).to_have_text("Cohorts")
    for path, name, loaded, h1 in screens:
        check_screen(page, role, world, path, name, loaded, h1, "en")
