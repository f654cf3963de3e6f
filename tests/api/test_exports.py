"""Spreadsheets that open right: each download read back as a person's tool reads it (openpyxl for XLSX,
the csv module for CSV), in Vietnamese and English."""

import csv
import io
import math
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from server.extensions import db
from server.models import Seller
from tests.api.helpers import listed_product, open_shop
from tests.factories import (
    CohortFactory,
    CohortMemberFactory,
    LessonProgressFactory,
    SellerActivityFactory,
    SellerFactory,
    UserFactory,
)

NA_HANG, HOAN_KIEM = "02221", "00070"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
CONSENT = {"version": "2025-1", "purposes": ["account", "training"]}
FORMULA = '=HYPERLINK("http://evil.example","Bấm")'


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def csv_rows(response):
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def workbook(response):
    assert response.status_code == 200, response.data[:300]
    return load_workbook(io.BytesIO(response.data))


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def no_formulas(response):
    """True when no cell of the XLSX file holds a formula (an <f> element in the sheet's XML)."""
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        return all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)


# --- cohort export: real dates, text kept as typed -------------------------------------------------

@pytest.fixture
def cohort(client, trainer, branch):
    response = client.post("/api/v1/cohorts", headers=trainer.headers, json={
        "name": "Lớp bán hàng online Nà Hang khóa 1", "union_id": branch, "commune_codes": [NA_HANG],
        "starts_on": "2026-11-01", "track_slugs": ["getting-started"]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def enrol(client, trainer, cohort, full_name="Lò Thị Mai"):
    response = client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=trainer.headers, json={
        "phone": "0912 111 222", "full_name": full_name, "seller_kind": "household", "commune_code": NA_HANG,
        "consent": CONSENT})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


@pytest.fixture
def member_with_dates(app, client, trainer, cohort):
    """A member activated at 20:00 UTC on 1 March 2026 (2 March in Vietnam), last active at 18:00 UTC on
    3 January (4 January in Vietnam): day and month read the other way round would be other dates."""
    member = enrol(client, trainer, cohort)
    with app.app_context():
        shop = db.session.get(Seller, member["seller_id"])
        shop.activated_at = utc(2026, 3, 1, 20, 0)
        LessonProgressFactory(user_id=member["user_id"], lesson_slug="what-is-selling-online",
                              started_at=utc(2026, 1, 3, 17, 0), last_activity_at=utc(2026, 1, 3, 18, 0))
        db.session.commit()
    return member


DATE_TITLES = {"vi": ("Hoạt động gần nhất", "Ngày kích hoạt"), "en": ("Last active", "Activated on")}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_cohort_csv_dates_are_iso_days_in_vietnam(client, trainer, cohort, member_with_dates, language):
    rows = csv_rows(client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=csv",
                               headers={**trainer.headers, "Accept-Language": language}))
    header, row = rows[0], rows[1]
    last_active, activated = (row[header.index(title)] for title in DATE_TITLES[language])
    assert (last_active, activated) == ("2026-01-04", "2026-03-02")


@pytest.mark.parametrize("language, number_format", [("vi", "dd/mm/yyyy"), ("en", "yyyy-mm-dd")])
def test_cohort_xlsx_dates_are_date_cells(client, trainer, cohort, member_with_dates, language, number_format):
    sheet = workbook(client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=xlsx",
                                headers={**trainer.headers, "Accept-Language": language})).active
    header = [cell.value for cell in sheet[1]]
    last_active, activated = (sheet.cell(2, header.index(title) + 1) for title in DATE_TITLES[language])
    assert last_active.is_date and activated.is_date
    assert (last_active.value, activated.value) == (datetime(2026, 1, 4), datetime(2026, 3, 2))
    assert last_active.number_format == activated.number_format == number_format


def test_cohort_xlsx_keeps_a_formula_as_the_text_typed(client, trainer, cohort):
    enrol(client, trainer, cohort, full_name=FORMULA)
    response = client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=xlsx", headers=trainer.headers)
    cell = workbook(response).active["A2"]
    assert cell.data_type == "s" and cell.value == FORMULA
    assert no_formulas(response)
    # CSV has no cell types: there the guard stays.
    rows = csv_rows(client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=csv", headers=trainer.headers))
    assert rows[1][0] == "'" + FORMULA


# --- report exports: title, filters, names, totals, target and gap ----------------------------------

def active_seller(commune=NA_HANG, kind="household"):
    """A seller activated on 10 November 2026 and selling that day."""
    owner = UserFactory(gender="female")
    shop = SellerFactory(owner=owner, commune_code=commune, kind=kind, activated_at=utc(2026, 11, 10),
                         last_activity_day=date(2026, 11, 10))
    SellerActivityFactory(seller_id=shop.id, day=date(2026, 11, 10))
    return shop


def report(client, person, name, language="vi", **query):
    return client.get(f"/api/v1/reports/{name}", headers={**person.headers, "Accept-Language": language},
                      query_string=query)


def test_new_active_csv_has_title_filters_header_rows_and_totals(client, app, manager):
    with app.app_context():
        for _ in range(3):
            active_seller()
        active_seller(kind="cooperative")
    json_report = report(client, manager, "new-active-sellers", by="kind", **NOVEMBER).get_json()
    rows = csv_rows(report(client, manager, "new-active-sellers", format="csv", by="kind", **NOVEMBER))

    assert rows[0] == ["Người bán mới hoạt động và đang hoạt động"]
    assert rows[1] == [("Thời gian: từ 1 tháng 11, 2026 đến 30 tháng 11, 2026 · Địa bàn: Tuyên Quang · "
                        "Theo: xã/phường · Chia theo: loại người bán")]
    header, body, totals = rows[2], rows[3:-1], rows[-1]
    assert header[:6] == ["Mã xã", "Xã/phường", "Mã tỉnh", "Tỉnh", "Người bán mới hoạt động",
                          "Người bán đang hoạt động"]
    assert all(len(row) == len(header) for row in rows[2:])
    assert len(body) == len(json_report["items"])
    na_hang = next(row for row in body if row[0] == NA_HANG)
    assert na_hang[4:] == ["4", "4", "3", "1", "3", "1"]
    assert totals[0] == "Tổng cộng" and totals[1:4] == ["", "", ""]
    expected = json_report["totals"]
    assert totals[4:] == [str(n) for n in (expected["new_active"], expected["active_total"],
                                           *expected["new_active_by"].values(), *expected["active_total_by"].values())]


@pytest.mark.parametrize("group_by", ["commune", "province", "union", "cohort", "month"])
def test_every_grouping_ends_with_the_json_totals(client, app, manager, branch, group_by):
    with app.app_context():
        cohort = CohortFactory(union_id=branch)
        for kind in ("household", "household", "cooperative"):
            shop = active_seller(kind=kind)
            CohortMemberFactory(cohort_id=cohort.id, user_id=shop.owner_id, seller_id=shop.id,
                                enrolled_by_id=shop.owner_id, enrolled_at=utc(2026, 11, 2))
    query = {"group_by": group_by, "by": "kind", "from": "2026-10-01", "to": "2026-11-30"}
    expected = report(client, manager, "new-active-sellers", **query).get_json()
    rows = csv_rows(report(client, manager, "new-active-sellers", format="csv", **query))
    header, body, totals = rows[2], rows[3:-1], rows[-1]
    assert len(body) == len(expected["items"]) and totals[0] == "Tổng cộng"
    in_file = {title: totals[header.index(title)] for title in (
        "Người bán mới hoạt động", "Người bán đang hoạt động", "Người bán mới hoạt động – hợp tác xã")}
    assert in_file == {"Người bán mới hoạt động": str(expected["totals"]["new_active"]),
                       "Người bán đang hoạt động": str(expected["totals"]["active_total"]),
                       "Người bán mới hoạt động – hợp tác xã": str(expected["totals"]["new_active_by"]["cooperative"])}
    assert (in_file["Người bán mới hoạt động"], in_file["Người bán đang hoạt động"]) == ("3", "3")


def test_union_rows_say_the_union_by_name_in_the_reader_language(client, app, manager, branch):
    with app.app_context():
        cohort = CohortFactory(union_id=branch, name="Lớp Nà Hang")
        shop = active_seller()
        CohortMemberFactory(cohort_id=cohort.id, user_id=shop.owner_id, seller_id=shop.id,
                            enrolled_by_id=shop.owner_id, enrolled_at=utc(2026, 11, 2))
    rows = csv_rows(report(client, manager, "new-active-sellers", format="csv", group_by="union", **NOVEMBER))
    header = rows[2]
    kinds = {row[header.index("Tổ chức hội")]: row[header.index("Đoàn thể")] for row in rows[3:-1]}
    assert kinds["Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang"] == "Hội Liên hiệp Phụ nữ"
    assert kinds["Đoàn Thanh niên tỉnh Tuyên Quang"] == "Đoàn Thanh niên"
    assert "womens_union" not in response_text(rows) and "youth_union" not in response_text(rows)
    assert "Theo: tổ chức hội" in rows[1][0]

    sheet = workbook(report(client, manager, "new-active-sellers", "en", format="xlsx", group_by="cohort",
                            **NOVEMBER)).active
    header = [cell.value for cell in sheet[3]]
    cohort_row = dict(zip(header, [cell.value for cell in sheet[4]], strict=True))
    assert cohort_row["Cohort"] == "Lớp Nà Hang"
    assert cohort_row["Union branch"] == "Women's Union of Tuyên Quang province"
    assert cohort_row["Newly active sellers"] == 1


def response_text(rows):
    return "\n".join(",".join(row) for row in rows)


def test_coverage_xlsx_has_the_30_percent_target_and_the_gap(client, app, national):
    with app.app_context():
        for _ in range(5):
            active_seller()
    coverage = report(client, national, "commune-coverage", as_of="2026-11-30").get_json()
    book = workbook(report(client, national, "commune-coverage", format="xlsx", as_of="2026-11-30"))
    assert book.sheetnames == ["Độ phủ xã phường"]
    sheet = book.active
    assert sheet["A1"].value == "Số xã, phường đủ người bán đang hoạt động, so với mục tiêu 30% cả nước"
    assert sheet["A2"].value == ("Tính đến: 30 tháng 11, 2026 · Xã, phường được tính khi có từ 5 người bán "
                                 "đang hoạt động · Địa bàn: cả nước")
    rows = values(sheet)
    header, body, totals = rows[2], rows[3:-1], rows[-1]
    assert header == ["Mã tỉnh", "Tỉnh", "Số xã, phường", "Số xã đủ người bán hoạt động", "Tỷ lệ (%)",
                      "Mục tiêu (%)", "Số xã cần có để đạt mục tiêu", "Số xã còn thiếu"]
    assert len(body) == 34
    tuyen_quang = next(row for row in body if row[0] == "08")
    communes = tuyen_quang[2]
    assert tuyen_quang[3:] == [1, round(100 / communes, 1), 30, math.ceil(communes * 0.3), math.ceil(communes * 0.3) - 1]
    # The totals row holds the JSON's totals: 30% of 3,321 communes is 997, one is covered.
    assert totals == ["Tổng cộng", None, 3321, 1, coverage["totals"]["percent"], 30, 997, 996]
    assert (coverage["totals"]["target_communes"], coverage["totals"]["gap"]) == (997, 996)
    assert sheet["A1"].font.bold and sheet.cell(sheet.max_row, 1).font.bold
    assert sheet.freeze_panes == "A4"


def test_training_export_in_english_is_named_after_the_report(client, manager):
    book = workbook(report(client, manager, "training", "en", format="xlsx", **NOVEMBER))
    assert book.sheetnames == ["Training"]
    rows = values(book.active)
    assert rows[0][0] == "Training: learners and lessons completed"
    assert rows[1][0] == "Period: November 1, 2026 to November 30, 2026 · Area: Tuyên Quang · By: province"
    assert rows[2] == ["Province code", "Province", "Learners", "Lessons completed", "Completion rate (%)",
                       "Median days to first listing"]
    assert rows[3][:2] == ["08", "Tuyên Quang"]
    assert rows[-1] == ["Total", None, 0, 0, 0, None]


def test_a_union_admin_export_names_the_branch_it_counts(client, auth, branch):
    admin = auth.person("union_admin", union=branch)
    rows = csv_rows(report(client, admin, "new-active-sellers", format="csv", group_by="cohort", **NOVEMBER))
    assert "Tổ chức hội: Hội Liên hiệp Phụ nữ tỉnh Tuyên Quang" in rows[1][0]
    # No cohort yet: the header and a totals row all the same.
    assert rows[2:] == [["", "Người bán mới hoạt động", "Người bán đang hoạt động"], ["Tổng cộng", "0", "0"]]


# --- the product mass-upload sheet ----------------------------------------------------------------

@pytest.fixture
def shop(client, auth):
    mai = auth.person()
    seller_id = open_shop(client, mai, NA_HANG, name="Hộ bà Mai")
    honey = listed_product(client, mai, seller_id, title="+84 Mật ong rừng Na Hang 500ml", sku="MO-500")
    tea = listed_product(client, mai, seller_id, title="Chè Shan tuyết cổ thụ 200g", category="drinks",
                         weight_g=250, length_cm=20, width_cm=10, height_cm=8)
    draft = listed_product(client, mai, seller_id, publish=False, title="Bánh chưng Nà Hang gói lá dong")
    archived = listed_product(client, mai, seller_id, title="Măng khô Nà Hang túi 500g")
    client.patch(f"/api/v1/products/{archived['id']}", headers=mai.headers, json={"status": "archived"})
    return {"owner": mai, "id": seller_id, "honey": honey, "tea": tea, "draft": draft}


def products_sheet(client, shop, file_format, language="vi", **query):
    return client.get(f"/api/v1/sellers/{shop['id']}/products/export",
                      headers={**shop["owner"].headers, "Accept-Language": language},
                      query_string={"format": file_format, **query})


def test_mass_upload_sheet_has_published_products_with_brand_sku_weight_and_size(client, app, shop):
    sheet = workbook(products_sheet(client, shop, "xlsx", "en")).active
    rows = values(sheet)
    header = rows[0]
    assert header == ["Category", "Product name", "Description", "SKU", "Price (VND)", "Stock", "Cover image",
                      *[f"Image {n}" for n in range(1, 9)], "Shipping weight (g)", "Length (cm)", "Width (cm)",
                      "Height (cm)", "Brand"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"+84 Mật ong rừng Na Hang 500ml", "Chè Shan tuyết cổ thụ 200g"}
    tea = by_name["Chè Shan tuyết cổ thụ 200g"]
    assert (tea["Shipping weight (g)"], tea["Length (cm)"], tea["Width (cm)"], tea["Height (cm)"]) == (250, 20, 10, 8)
    assert tea["Brand"] == "Hộ bà Mai" and tea["Category"] == "Drinks"
    assert tea["Cover image"].startswith("http")
    assert by_name["+84 Mật ong rừng Na Hang 500ml"]["SKU"] == "MO-500"
    # Without a SKU of its own a product gets one made from its id, the same on every export.
    assert tea["SKU"] == "CQ-" + shop["tea"]["id"].replace("-", "").upper()
    again = values(workbook(products_sheet(client, shop, "xlsx", "en")).active)
    assert {row[3] for row in again[1:]} == {"MO-500", tea["SKU"]}


def test_mass_upload_xlsx_text_reaches_the_marketplace_as_typed(client, shop):
    response = products_sheet(client, shop, "xlsx")
    sheet = workbook(response).active
    honey = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == "MO-500")
    assert honey[1].data_type == "s" and honey[1].value == "+84 Mật ong rừng Na Hang 500ml"
    assert no_formulas(response)
    rows = csv_rows(products_sheet(client, shop, "csv"))
    assert "'+84 Mật ong rừng Na Hang 500ml" in [row[1] for row in rows[1:]]


def test_drafts_only_when_asked_and_archived_never(client, shop):
    names = [row[1] for row in csv_rows(products_sheet(client, shop, "csv", include_drafts="true"))[1:]]
    assert sorted(names) == sorted(["'+84 Mật ong rừng Na Hang 500ml", "Chè Shan tuyết cổ thụ 200g",
                                    "Bánh chưng Nà Hang gói lá dong"])
    assert products_sheet(client, shop, "csv", include_drafts="maybe").status_code == 422


def test_drafts_of_another_shop_stay_hidden(client, auth, shop):
    stranger = auth.person()
    response = client.get(f"/api/v1/sellers/{shop['id']}/products/export?include_drafts=true",
                          headers=stranger.headers)
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_every_csv_download_says_its_charset_once(client, shop, manager, trainer, cohort):
    responses = [
        products_sheet(client, shop, "csv"),
        client.get(f"/api/v1/cohorts/{cohort['id']}/export?format=csv", headers=trainer.headers),
        *(report(client, manager, name, format="csv") for name in ("new-active-sellers", "commune-coverage",
                                                                  "training")),
    ]
    for response in responses:
        assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
        assert response.headers["Content-Type"].count("charset") == 1
