"""/reports for a provincial manager: the coverage chart and table of their province only, a change of
period, downloads (XLSX through openpyxl, CSV) holding the numbers of the table, the last figures seen
when offline, and a layout that fits a 360×640 phone and a laptop."""

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.clock import VIETNAM, vietnam_day
from server.extensions import db
from server.models import Commune
from server.services.accounts import create_staff_user
from tests.factories import LessonProgressFactory, SellerActivityFactory, SellerFactory, UserFactory
from tests.web.conftest import screenshot
from tests.web.journeys import kept_for_offline, sign_in
from tests.web.test_screens import too_small

NA_HANG, THUONG_LAM, HOAN_KIEM = "02221", "02269", "00070"  # two communes of Tuyên Quang (08), one of Hà Nội
MANAGER_PHONE = "0987 654 321"
LAPTOP = {"width": 1280, "height": 800}


def _seller(commune, activated, activity, kind="household", gender="female"):
    owner = UserFactory(gender=gender)
    shop = SellerFactory(owner=owner, commune_code=commune, kind=kind, activated_at=activated,
                         last_activity_day=max(activity))
    for day in activity:
        SellerActivityFactory(seller_id=shop.id, day=day)
    return shop


@pytest.fixture
def world(live):
    """A manager of Tuyên Quang; sellers there (Nà Hang reaches 5 active ones) and in Hà Nội."""
    now = datetime.now(UTC)
    today = vietnam_day(now)
    last_month = today.replace(day=1) - timedelta(days=1)
    last_month_noon = datetime.combine(last_month, time(12), tzinfo=VIETNAM)
    with live.app.app_context():
        create_staff_user(MANAGER_PHONE, "manager", province_codes=["08"])
        learners = [_seller(NA_HANG, now, [today], gender=gender)
                    for gender in ("female", "female", "female", "male", "male")]
        _seller(NA_HANG, last_month_noon, [last_month, today])
        _seller(THUONG_LAM, now, [today], kind="cooperative")
        _seller(THUONG_LAM, now, [today], gender="male")
        for _ in range(6):
            _seller(HOAN_KIEM, now, [today])
        # Two learners: one lesson completed, one begun.
        for learner, done in zip(learners, (now, None)):
            LessonProgressFactory(user_id=learner.owner_id, lesson_slug="what-is-selling-online", started_at=now,
                                  last_activity_at=now, completed_at=done, status="completed" if done else "in_progress")
        communes = db.session.scalar(select(func.count()).select_from(Commune).where(Commune.province_code == "08"))
    return {"today": today, "last_month": last_month, "communes_08": communes}


def numbers(cells):
    """Table cells as numbers, the way the person reads them ("1.234", "12,5%")."""
    return [float(cell.replace(".", "").replace(",", ".").rstrip("%").strip()) for cell in cells]


def table(page, section, rows):
    """{row heading: [its numbers]} of a report's table, as shown, once its `rows` are all drawn."""
    expect(page.locator(f"#{section} table tbody tr")).to_have_count(rows)
    return dict(page.locator(f"#{section} table tbody tr").evaluate_all(
        """rows => rows.map((row) => [row.querySelector("th").innerText,
                                     [...row.querySelectorAll("td.num")].map((cell) => cell.innerText)])"""))


def downloaded(page, section, file_format):
    with page.expect_download() as info:
        page.click(f"#{section} button[data-format={file_format}]")
    download = info.value
    assert download.suggested_filename.endswith(f".{file_format}")
    return download.path().read_bytes()


def sheet_rows(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_on_screen(header, body):
    """{commune: numbers} of a downloaded sheet, its columns in the table's order: the newly active
    sellers then their split, the active sellers then theirs."""
    new, active = "Người bán mới hoạt động", "Người bán đang hoạt động"
    order = [header.index(new), *[i for i, title in enumerate(header) if title.startswith(f"{new} – ")],
             header.index(active), *[i for i, title in enumerate(header) if title.startswith(f"{active} – ")]]
    assert len(order) == 10  # all, women, men, other, not stated; twice
    name = header.index("Xã/phường")
    return {row[name]: [float(row[i]) for i in order] for row in body}


def fits_the_phone(page):
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "scrolls sideways"
    assert too_small(page) == []


def test_a_manager_sees_their_province_changes_the_period_and_downloads_the_same_numbers(page, live, world):
    sign_in(page, live, phone=MANAGER_PHONE)
    expect(page.locator("[data-screen=reports]")).to_be_visible()
    assert page.url.split("?")[0].endswith("/reports")

    # Their province only: nothing else is offered, nothing else is counted.
    options = page.locator("select[name=province] option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Tuyên Quang")
    assert options.first.get_attribute("value") == "08"
    expect(page.locator("#coverage table tbody tr")).to_have_count(1)
    coverage = table(page, "coverage", 1)
    share = round(100 / world["communes_08"], 1)
    assert list(coverage) == ["Tuyên Quang"]
    assert numbers(coverage["Tuyên Quang"]) == [world["communes_08"], 1, share]
    expect(page.get_by_text("Hà Nội")).to_have_count(0)

    chart = page.locator("#coverage .chart svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile(r"^Tỷ lệ xã, phường đạt chuẩn, theo tỉnh, ngày"))
    expect(chart).to_have_accessible_description(re.compile(r"mục tiêu 30%"))
    assert chart.locator("title").text_content()
    assert [label.text_content() for label in chart.locator("text.bar-label").all()] == ["Tuyên Quang"]
    expect(chart.locator(".target line")).to_have_count(1)
    expect(chart.locator(".target text")).to_contain_text("30")
    expect(page.locator("#coverage .figures")).to_contain_text("Tuyên Quang")

    # Newly active sellers, commune by commune, for the month so far.
    expect(page.locator("#new-sellers select[name=group_by]")).to_have_value("commune")
    expect(page.locator("input[name=from]")).to_have_value(world["today"].replace(day=1).isoformat())
    expect(page.locator("input[name=to]")).to_have_value(world["today"].isoformat())
    sellers = {name: numbers(cells) for name, cells in table(page, "new-sellers", world["communes_08"]).items()}
    assert len(sellers) == world["communes_08"]
    assert sellers["Xã Nà Hang"] == [5, 6] and sellers["Xã Thượng Lâm"] == [2, 2]
    assert "Phường Hoàn Kiếm" not in sellers
    fits_the_phone(page)
    screenshot(page, "reports")

    # Another period: last month had one newly active seller, in Nà Hang.
    page.click("#main .chips button:has-text('Tháng trước')")
    expect(page.locator("input[name=to]")).to_have_value(world["last_month"].isoformat())
    expect(page.locator("#new-sellers tfoot td.num").first).to_have_text("1")
    sellers = {name: numbers(cells) for name, cells in table(page, "new-sellers", world["communes_08"]).items()}
    assert sellers["Xã Nà Hang"] == [1, 1] and sellers["Xã Thượng Lâm"] == [0, 0]
    assert f"to={world['last_month'].isoformat()}" in page.url

    # Back to this month, split by gender: the XLSX downloaded by the button holds the table's numbers.
    page.fill("input[name=from]", world["today"].replace(day=1).isoformat())
    page.fill("input[name=to]", world["today"].isoformat())
    page.locator("input[name=to]").dispatch_event("change")
    page.select_option("#new-sellers select[name=by]", "gender")
    expect(page.locator("#new-sellers tfoot td.num")).to_have_count(10)
    expect(page.locator("#new-sellers tfoot td.num").first).to_have_text("7")
    on_screen = {name: numbers(cells) for name, cells in table(page, "new-sellers", world["communes_08"]).items()}
    assert on_screen["Xã Nà Hang"] == [5, 3, 2, 0, 0, 6, 4, 2, 0, 0]
    fits_the_phone(page)
    page.locator("#new-sellers .figures").scroll_into_view_if_needed()
    screenshot(page, "reports-phone-split")

    # A title line and a filters line, the header, a row per commune, the totals row.
    rows = sheet_rows(downloaded(page, "new-sellers", "xlsx"))
    header, body, totals = rows[2], rows[3:-1], rows[-1]
    assert as_on_screen(header, body) == on_screen
    assert totals[0] == "Tổng cộng" and totals[header.index("Người bán mới hoạt động")] == 7

    text = downloaded(page, "new-sellers", "csv")
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert as_on_screen(lines[2], lines[3:-1]) == on_screen

    coverage_sheet = sheet_rows(downloaded(page, "coverage", "xlsx"))
    assert len(coverage_sheet) == 5
    sheet_header = coverage_sheet[2]
    values = dict(zip(sheet_header, coverage_sheet[3]))
    assert values["Tỉnh"] == "Tuyên Quang"
    assert [values["Số xã, phường"], values["Số xã đủ người bán hoạt động"], values["Tỷ lệ (%)"]] == numbers(
        coverage["Tuyên Quang"])

    missing = page.evaluate("""async () => [...(await import("app/i18n.js")).missing]""")
    assert missing == []


def test_the_last_figures_seen_stay_readable_offline_and_downloads_say_they_need_a_connection(page, phone, live, world):
    sign_in(page, live, phone=MANAGER_PHONE)
    expect(page.locator("#coverage table tbody tr")).to_have_count(1)
    expect(page.locator("#training table")).to_be_visible()
    kept_for_offline(page)
    page.wait_for_load_state("networkidle")

    phone.set_offline(True)
    page.reload()
    expect(page.locator("[data-screen=reports]")).to_be_visible()
    expect(page.locator("#coverage .notice.warn")).to_contain_text("Không có mạng")
    expect(page.locator("#coverage table tbody th")).to_have_text("Tuyên Quang")
    expect(page.locator("#new-sellers table tbody tr")).to_have_count(world["communes_08"])
    expect(page.locator("#coverage button[data-format=xlsx]")).to_be_disabled()
    expect(page.locator("#coverage .exports .hint")).to_be_visible()
    screenshot(page, "reports-offline")


def test_on_a_laptop_the_chart_sits_beside_its_table(browser, live, world):
    context = browser.new_context(base_url=live.url, viewport=LAPTOP, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, live, phone=MANAGER_PHONE)
        expect(page.locator("#coverage table")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        chart = page.locator("#new-sellers .chart").bounding_box()
        grid = page.locator("#new-sellers .table-box").bounding_box()
        assert chart["x"] + chart["width"] <= grid["x"] and abs(chart["y"] - grid["y"]) < 40
        # The chart is drawn at the width it is shown: its words stay the page's size.
        svg = page.locator("#new-sellers .chart svg")
        assert abs(float(svg.get_attribute("width")) - svg.bounding_box()["width"]) < 2
        screenshot(page, "reports-laptop")
    finally:
        context.close()
