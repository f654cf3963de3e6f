"""A union trainer in the field: a cohort, households enrolled offline with their consent, attendance
offline, who needs a visit first, and help with a household's products (never its money)."""

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.content import load_content
from server.extensions import db
from server.models import CohortMember, Consent, SessionAttendee, TrainingSession, UnionBranch
from server.services.accounts import create_staff_user
from tests.web.conftest import screenshot
from tests.web.journeys import kept_for_offline, sign_in

TRAINER = "0988 123 456"
NA_HANG = "02221"
CONSENT = {"version": "2025-1", "purposes": ["account", "training"]}


@pytest.fixture
def branch(live):
    with live.app.app_context():
        return db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))


@pytest.fixture
def trainer(live, branch):
    with live.app.app_context():
        create_staff_user(TRAINER, "trainer", union_id=branch)
    return "+84988123456"


def rows(live, model, *where):
    with live.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


class Api:
    """The trainer and households through the API, to set the scene and check what arrived."""

    def __init__(self, live):
        self.live, self.client = live, live.api()

    def sign_in(self, phone):
        self.client.post("/api/v1/auth/otp", json={"phone": phone})
        tokens = self.client.post("/api/v1/auth/verify", json={"phone": phone, "code": self.live.last_code(phone)}).get_json()
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    def cohort(self, headers, branch, name="Lớp Nà Hang khóa 1"):
        return self.client.post("/api/v1/cohorts", headers=headers, json={
            "name": name, "union_id": branch, "commune_codes": [NA_HANG], "starts_on": "2026-11-01",
            "track_slugs": ["getting-started"]}).get_json()

    def enrol(self, headers, cohort_id, phone, name):
        return self.client.post(f"/api/v1/cohorts/{cohort_id}/members", headers=headers, json={
            "phone": phone, "full_name": name, "commune_code": NA_HANG, "consent": CONSENT}).get_json()


def test_a_trainer_creates_a_cohort_and_enrols_a_household_offline(page, phone, live, trainer):
    sign_in(page, live, phone=TRAINER)
    expect(page.locator("[data-screen=cohorts]")).to_be_visible()
    page.click("summary:has-text('Tạo lớp mới')")
    page.fill("input[name=name]", "Lớp bán hàng online Nà Hang khóa 1")
    page.fill("input[name=commune_search]", "na hang")
    page.check(f"input[name=commune_codes][value='{NA_HANG}']")
    page.locator("input[name=track_slugs]").first.check()
    page.click("button:has-text('Tạo lớp')")
    expect(page.locator("[data-screen=cohort] h1")).to_have_text("Lớp bán hàng online Nà Hang khóa 1")
    cohort_id = int(page.url.rsplit("/", 1)[1])

    page.click("a:has-text('Ghi danh hộ')")
    expect(page.locator("[data-screen=enrol] h2#consent-title")).to_be_visible()
    screenshot(page, "enrol")
    phone.set_offline(True)
    page.fill("input[name=phone]", "0912 111 222")
    page.fill("input[name=full_name]", "Lò Thị Mai")
    assert not page.locator("input[name=purposes]:checked").count(), "nothing is ticked for the household"
    page.check("input[name=purposes][value=account]")
    page.check("input[name=purposes][value=training]")
    page.click("button:has-text('Ghi danh và gửi tin nhắn')")
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "1")
    assert rows(live, CohortMember) == 0

    phone.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "0")
    expect(page.locator("text=Đã ghi danh. Đã gửi tin nhắn mời.")).to_be_visible()
    assert rows(live, CohortMember, CohortMember.cohort_id == cohort_id) == 1
    with live.app.app_context():
        consent = db.session.scalars(select(Consent)).one()
        assert (consent.purposes, consent.on_behalf) == (["account", "training"], True)
    assert [sms["to"] for sms in live.sms() if "tai khoan ban hang" in sms["body"]] == ["+84912111222"]

    page.goto(f"/cohorts/{cohort_id}")
    expect(page.locator("li.member")).to_have_count(1)
    expect(page.locator("li.member .title")).to_have_text("Lò Thị Mai")
    screenshot(page, "cohort")
    page.goto("/cohorts")
    expect(page.locator(".cohort-card .badge")).to_be_visible()
    screenshot(page, "cohorts")


def test_attendance_offline_arrives_once(page, phone, live, trainer, branch):
    api = Api(live)
    headers = api.sign_in(trainer)
    cohort = api.cohort(headers, branch)
    member = api.enrol(headers, cohort["id"], "0912111222", "Lò Thị Mai")
    sign_in(page, live, phone=TRAINER)
    page.goto(f"/cohorts/{cohort['id']}/attendance")
    expect(page.locator("input[name=attendee_ids]")).to_have_count(1)
    kept_for_offline(page)  # the app opens again with no network

    phone.set_offline(True)
    page.fill("input[name=topic]", "Chụp ảnh sản phẩm bằng điện thoại")
    page.check(f"input[name=attendee_ids][value='{member['user_id']}']")
    page.click("button:has-text('Lưu điểm danh')")
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "1")
    screenshot(page, "attendance")
    page.reload()
    expect(page.locator("[data-screen=attendance]")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "1")

    phone.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "0")
    assert rows(live, TrainingSession) == 1
    assert rows(live, SessionAttendee, SessionAttendee.user_id == member["user_id"]) == 1


def failing_answers(live):
    lesson = next(l for l in load_content(live.app.config["TRAINING_CONTENT_DIR"]).lessons
                  if l.slug == "what-is-selling-online")
    return {q.id: [next(c.id for c in q.choices if c.id not in q.correct)] for q in lesson.texts["vi"].quiz.questions}


def test_the_household_that_failed_a_quiz_three_times_comes_first_with_the_reason(page, live, trainer, branch):
    api = Api(live)
    headers = api.sign_in(trainer)
    cohort = api.cohort(headers, branch)
    api.enrol(headers, cohort["id"], "0912111222", "Lò Thị Mai")
    struggling = api.enrol(headers, cohort["id"], "0912111333", "Hà Thị Lan")
    lan = api.sign_in("+84912111333")
    for _ in range(3):
        api.client.post("/api/v1/lessons/what-is-selling-online/attempts", headers=lan,
                        json={"id": str(uuid.uuid4()), "answers": failing_answers(live)})

    sign_in(page, live, phone=TRAINER)
    page.goto(f"/cohorts/{cohort['id']}")
    first = page.locator("li.member").first
    expect(first.locator(".title")).to_have_text("Hà Thị Lan")
    expect(first.locator(".reason")).to_contain_text("3 lần chưa qua bài kiểm tra")
    expect(first.locator(f"a[href='tel:{struggling['phone']}']")).to_be_visible()
    expect(first.locator("a[href='https://zalo.me/0912111333']")).to_be_visible()


def test_a_trainer_helps_with_a_households_products_but_never_its_money(page, live, trainer, branch):
    api = Api(live)
    headers = api.sign_in(trainer)
    cohort = api.cohort(headers, branch)
    member = api.enrol(headers, cohort["id"], "0912111333", "Hà Thị Lan")
    sign_in(page, live, phone=TRAINER)
    page.goto(f"/cohorts/{cohort['id']}")
    page.click("li.member button:has-text('Giúp đăng sản phẩm')")

    expect(page.locator(".helping")).to_contain_text("Đang giúp: Hà Thị Lan")
    expect(page.locator("[data-screen=products] h1")).to_have_text("Sản phẩm của Hà Thị Lan")
    page.click("text=Thêm sản phẩm")
    page.fill("input[name=title]", "Măng khô Nà Hang loại 1 gói 500g")
    page.fill("input[name=price_vnd]", "90000")
    page.click("text=Lưu và thêm ảnh")
    # Saved when the product's own screen (photos, status) is shown and its "waiting" mark has gone:
    # the outbox count alone reads 0 before the save has even queued the product.
    expect(page.locator("[data-screen=product] input[type=file][capture=environment]")).to_be_attached()
    expect(page.locator(".status-line .badge.draft")).to_be_visible()
    expect(page.locator(".status-line .badge.waiting")).to_have_count(0)
    expect(page.locator(".helping")).to_contain_text("Đang giúp: Hà Thị Lan")
    expect(page.locator("[data-outbox-count]")).to_have_attribute("data-outbox-count", "0")
    screenshot(page, "helping")
    products = api.client.get(f"/api/v1/sellers/{member['seller_id']}/products", headers=headers).get_json()
    assert [p["title"] for p in products["items"]] == ["Măng khô Nà Hang loại 1 gói 500g"]

    loaded = {"/products": "[data-screen=products] li:has-text('Măng khô Nà Hang')",
              page.url.removeprefix(live.url): "[data-screen=product] section[aria-labelledby=photos-title]"}
    for path, screen in loaded.items():
        page.goto(path)
        expect(page.locator(screen)).to_be_visible()
        expect(page.locator("#payout, [name=account_number], [name=bank_bin], .vietqr")).to_have_count(0)
        expect(page.locator("a[href='/shop'], button:has-text('Xóa sản phẩm')")).to_have_count(0)

    page.click("button:has-text('Thôi giúp')")
    expect(page.locator("[data-screen=cohort]")).to_be_visible()
    expect(page.locator(".helping")).to_have_count(0)
