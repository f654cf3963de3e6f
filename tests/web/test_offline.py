"""Offline-first: what is done with no network waits in the outbox, survives reloads, updates and
schema upgrades, and reaches the server exactly once."""


from playwright.sync_api import expect
from sqlalchemy import func, select

from server.content import load_content
from server.extensions import db
from server.models import ProgressEvent, QuizAttempt, Sale
from tests.web.journeys import kept_for_offline, kept_on_the_phone, open_shop, sign_in

LESSON = "what-is-selling-online"


def right_answers(app):
    lesson = next(l for l in load_content(app.config["TRAINING_CONTENT_DIR"]).lessons if l.slug == LESSON)
    return lesson.texts["vi"].quiz


def rows(live, model):
    with live.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_lesson_a_quiz_and_a_sale_offline_arrive_once(page, phone, live):
    sign_in(page, live)
    open_shop(page)
    page.goto("/learn")
    expect(page.locator("[data-screen=learn] a[href='/learn/what-is-selling-online']")).to_be_visible()
    kept_for_offline(page)
    kept_on_the_phone(page, f"lesson:vi:{LESSON}")  # the lessons of the first track, for offline use

    phone.set_offline(True)
    page.goto(f"/learn/{LESSON}")
    expect(page.locator("[data-screen=lesson] .lesson-card")).to_be_visible()
    while page.locator("button:has-text('Tiếp')").count():
        page.click("button:has-text('Tiếp')")
    page.click("button:has-text('Làm bài kiểm tra')")
    for question in right_answers(live.app).questions:
        for choice in sorted(question.correct):
            page.check(f"input[name='{question.id}'][value='{choice}']")
    page.click("button:has-text('Nộp bài')")
    expect(page.locator("text=sẽ được chấm khi có mạng")).to_be_visible()

    page.goto("/sales")
    page.fill("input[name=amount_vnd]", "120000")
    page.locator("label.tile:has(input[value=in_person])").click()
    page.click("button:has-text('Lưu lần bán này')")
    expect(page.locator("text=sẽ gửi khi có mạng")).to_be_visible()
    cards = len(next(l for l in load_content(live.app.config["TRAINING_CONTENT_DIR"]).lessons
                     if l.slug == LESSON).texts["vi"].cards)
    waiting = str(cards + 1 + 1 + 1)  # cards viewed, opened, the quiz, the sale
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", waiting)

    page.reload()
    expect(page.locator("[data-screen=sales]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", waiting)
    assert rows(live, Sale) == 0

    phone.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "0", timeout=20_000)
    assert (rows(live, ProgressEvent), rows(live, QuizAttempt), rows(live, Sale)) == (cards + 1, 1, 1)
    page.reload()
    page.goto("/learn")
    lesson = page.locator(f"[data-screen=learn] li:has(a[href='/learn/{LESSON}'])")
    expect(lesson).to_have_class("done")
