"""A union admin on the phone: the branch's trainers, a trainer invited by phone (only the number shows
until they accept in their own app), assigned to a cohort and another one removed; and the cohort's
export buttons, which download with the person's token files holding the households on screen."""

import csv
import io
import re
import uuid

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import CohortTrainer, Invitation, RoleGrant
from server.services.accounts import create_staff_user
from tests.web.conftest import screenshot
from tests.web.journeys import sign_in
from tests.web.test_trainer import Api, branch, failing_answers, rows  # noqa: F401 - branch is a fixture

ADMIN = "0977 000 111"
HOA, NAM, THU = "+84988123456", "+84988123457", "+84912555666"  # two trainers of the branch; one to invite


def named(api, phone, full_name):
    """`phone` signed in through the API with its name given; its headers."""
    headers = api.sign_in(phone)
    api.client.patch("/api/v1/me", headers=headers, json={"full_name": full_name})
    return headers


def user_id(api, headers):
    return api.client.get("/api/v1/me", headers=headers).get_json()["id"]


def requests(live, method, path):
    """How many times the app asked the server `method path`."""
    return sum(1 for seen_method, seen_path, _ in live.requests if (seen_method, seen_path) == (method, path))


def trainers_of(live, cohort_id):
    with live.app.app_context():
        return set(db.session.scalars(select(CohortTrainer.user_id).where(CohortTrainer.cohort_id == cohort_id)))


@pytest.fixture
def scene(live, branch):
    """A union admin of the Women's Union of Tuyên Quang; two trainers, Hoa and Nam, running a cohort;
    Thu, who has an account with her name but does not train yet."""
    with live.app.app_context():
        create_staff_user(ADMIN, "union_admin", union_id=branch)
        create_staff_user(HOA, "trainer", union_id=branch)
        create_staff_user(NAM, "trainer", union_id=branch)
    api = Api(live)
    hoa = named(api, HOA, "Trần Thị Hoa")
    nam = named(api, NAM, "Nguyễn Văn Nam")
    thu = named(api, THU, "Phạm Thị Thu")
    cohort = api.cohort(hoa, branch)
    admin = api.sign_in("+84977000111")
    ids = {"hoa": user_id(api, hoa), "nam": user_id(api, nam), "thu": user_id(api, thu)}
    assigned = api.client.put(f"/api/v1/cohorts/{cohort['id']}/trainers", headers=admin,
                              json={"trainer_ids": [ids["hoa"], ids["nam"]]})
    assert assigned.status_code == 200
    return {"api": api, "cohort": cohort, "thu": thu, "ids": ids, "branch": branch}


def test_a_union_admin_invites_assigns_and_removes_trainers(page, live, scene):
    api, cohort, ids, branch = scene["api"], scene["cohort"], scene["ids"], scene["branch"]
    sign_in(page, live, phone=ADMIN)
    page.goto("/cohorts")
    trainers = page.get_by_role("region", name=re.compile(r"^Tập huấn viên của "))
    expect(trainers.locator("li.row")).to_have_count(2)
    expect(trainers.locator("li.row").nth(0)).to_contain_text("Nguyễn Văn Nam")
    expect(trainers.locator("li.row").nth(1)).to_contain_text("Trần Thị Hoa")
    expect(page.locator(".cohort-card .title")).to_have_text([cohort["name"]])

    # Invited by phone: the number typed and "waiting", never the name of the account behind it.
    trainers.locator("input[name=phone]").fill("0912 555 666")
    trainers.locator("button[type=submit]").click()
    sent = "Đã gửi lời mời. Người đó thành tập huấn viên khi đồng ý trong ứng dụng."
    expect(trainers.get_by_text(sent)).to_be_visible()
    invited = trainers.locator("li.row", has_text="0912 555 666")
    expect(invited).to_be_visible()
    expect(invited.locator(".badge.waiting")).to_have_text("Chờ xác nhận")
    expect(trainers.locator("input[name=phone]")).to_have_value("")
    expect(trainers.get_by_text("Phạm Thị Thu")).to_have_count(0)
    screenshot(page, "union-trainers")
    with live.app.app_context():
        invitations = db.session.scalars(select(Invitation).where(Invitation.phone == THU)).all()
        assert [(i.kind, i.union_id, i.status) for i in invitations] == [("union_trainer", branch, "pending")]
        invitation_id = invitations[0].id
    assert requests(live, "POST", f"/api/v1/unions/{branch}/trainers") == 1
    assert len([sms for sms in live.sms() if sms["to"] == THU and "tap huan vien" in sms["body"]]) == 1
    assert rows(live, RoleGrant, RoleGrant.user_id == ids["thu"]) == 0

    # Thu accepts in her own app; the admin opens the screen again and sees her as a trainer.
    mine = api.client.get("/api/v1/me/invitations", headers=scene["thu"]).get_json()
    assert [i["id"] for i in mine] == [invitation_id]
    accepted = api.client.post(f"/api/v1/me/invitations/{invitation_id}/accept", headers=scene["thu"])
    assert accepted.status_code == 200
    page.reload()
    expect(trainers.locator("li.row")).to_have_count(3)
    expect(trainers.locator("li.row", has_text="Phạm Thị Thu")).to_contain_text("0912 555 666")
    expect(trainers.locator(".badge.waiting")).to_have_count(0)
    assert rows(live, RoleGrant, RoleGrant.user_id == ids["thu"], RoleGrant.role == "trainer",
                RoleGrant.union_id == branch) == 1

    # Thu runs the cohort too.
    page.click(f".cohort-card[href='/cohorts/{cohort['id']}']")
    form = page.locator("form[aria-labelledby=trainers-title]")
    expect(form.locator("input[name=trainer_ids]")).to_have_count(3)
    expect(form.locator("input[name=trainer_ids]:checked")).to_have_count(2)
    form.locator("label.choice", has_text="Phạm Thị Thu").click()
    form.locator("button[type=submit]").click()
    expect(form.get_by_text("Đã lưu.")).to_be_visible()
    assert trainers_of(live, cohort["id"]) == {ids["hoa"], ids["nam"], ids["thu"]}
    assert requests(live, "PUT", f"/api/v1/cohorts/{cohort['id']}/trainers") == 1
    assert rows(live, CohortTrainer, CohortTrainer.user_id == ids["thu"]) == 1

    # Nam stops training for the branch: asked first, then gone from the list and from the cohort.
    page.goto("/cohorts")
    nam = trainers.locator("li.row", has_text="Nguyễn Văn Nam")
    expect(nam).to_be_visible()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    nam.get_by_role("button", name="Xóa").click()
    expect(trainers.locator("li.row")).to_have_count(2)
    expect(trainers.get_by_text("Nguyễn Văn Nam")).to_have_count(0)
    assert questions == ["Thôi để Nguyễn Văn Nam làm tập huấn viên của hội?"]
    assert requests(live, "DELETE", f"/api/v1/unions/{branch}/trainers/{ids['nam']}") == 1
    assert rows(live, RoleGrant, RoleGrant.user_id == ids["nam"], RoleGrant.role == "trainer") == 0
    assert trainers_of(live, cohort["id"]) == {ids["hoa"], ids["thu"]}

    # The cohort no longer offers Nam, and its trainers can still be changed.
    page.click(f".cohort-card[href='/cohorts/{cohort['id']}']")
    expect(form.locator("input[name=trainer_ids]")).to_have_count(2)
    expect(form.get_by_text("Nguyễn Văn Nam")).to_have_count(0)
    form.locator("label.choice", has_text="Trần Thị Hoa").click()
    form.locator("button[type=submit]").click()
    expect(form.get_by_text("Đã lưu.")).to_be_visible()
    assert trainers_of(live, cohort["id"]) == {ids["thu"]}


def members_on_screen(page):
    """{name: (phone as written, onboarding percent, why a visit is needed)} of the cohort's households."""
    members = page.locator("li.member").evaluate_all(
        """members => members.map((member) => [
            member.querySelector(".title").innerText,
            member.querySelector("a[href^='tel:']").getAttribute("href").replace("tel:+84", "0"),
            member.querySelector("progress").getAttribute("value"),
            member.querySelector(".reason")?.innerText.replace("Cần đến thăm:", "").trim() || ""])""")
    return {name: (phone, int(percent), reason) for name, phone, percent, reason in members}


def members_in_file(header, body):
    name, phone, percent, reason = (header.index(title) for title in
                                    ("Họ tên", "Số điện thoại", "Hoàn thành hồ sơ (%)", "Lý do"))
    return {row[name]: (str(row[phone]).replace(" ", ""), int(row[percent]), row[reason] or "") for row in body}


def downloaded(page, button):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def test_the_cohort_downloads_as_csv_and_xlsx_with_the_households_on_screen(page, live, scene):
    api, cohort = scene["api"], scene["cohort"]
    hoa = api.sign_in(HOA)
    api.enrol(hoa, cohort["id"], "0912111222", "Lò Thị Mai")
    lan = api.enrol(hoa, cohort["id"], "0912111333", "Hà Thị Lan")
    api.enrol(hoa, cohort["id"], "0912111444", "Đinh Văn Tú")
    lan_headers = api.sign_in("+84912111333")
    for _ in range(3):
        api.client.post("/api/v1/lessons/what-is-selling-online/attempts", headers=lan_headers,
                        json={"id": str(uuid.uuid4()), "answers": failing_answers(live)})

    sign_in(page, live, phone="0988 123 456")
    page.goto(f"/cohorts/{cohort['id']}")
    expect(page.locator("li.member")).to_have_count(3)
    expect(page.locator("li.member").first.locator(".reason")).to_contain_text("3 lần chưa qua bài kiểm tra")
    shown = members_on_screen(page)
    assert set(shown) == {"Lò Thị Mai", "Hà Thị Lan", "Đinh Văn Tú"}
    assert shown["Hà Thị Lan"][0] == lan["phone"].replace("+84", "0") and shown["Hà Thị Lan"][2]

    name, data = downloaded(page, "Tải Excel (XLSX)")
    assert name == f"lop-{cohort['id']}.xlsx"
    sheet = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]
    assert members_in_file(sheet[0], sheet[1:]) == shown

    name, data = downloaded(page, "Tải CSV")
    assert name == f"lop-{cohort['id']}.csv"
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to show Vietnamese"
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert members_in_file(table[0], table[1:]) == shown

    # Both came from the API with the trainer's token, each once; nothing went wrong on screen.
    assert requests(live, "GET", f"/api/v1/cohorts/{cohort['id']}/export") == 2
    expect(page.locator("[data-screen=cohort] .notice.error")).to_have_count(0)


def test_a_tick_made_on_an_older_copy_keeps_its_meaning_when_the_servers_answer_comes(page, live, scene):
    """The phone shows the cohort as it last read it while the server's answer is on its way: Hoa alone.
    Meanwhile another phone added Nam. The admin unticks Hoa on the older copy: when the answer comes,
    Nam stays ticked and Hoa does not, and that is what is saved."""
    api, cohort, ids = scene["api"], scene["cohort"], scene["ids"]
    admin = api.sign_in("+84977000111")
    trainers_url = f"/api/v1/cohorts/{cohort['id']}/trainers"
    assert api.client.put(trainers_url, headers=admin, json={"trainer_ids": [ids["hoa"]]}).status_code == 200
    sign_in(page, live, phone=ADMIN)
    page.goto(f"/cohorts/{cohort['id']}")
    form = page.locator("form[aria-labelledby=trainers-title]")
    hoa, nam = (form.locator("label.choice", has_text=name).locator("input") for name in ("Trần Thị Hoa", "Nguyễn Văn Nam"))
    expect(hoa).to_be_checked()
    expect(nam).not_to_be_checked()

    assert api.client.put(trainers_url, headers=admin, json={"trainer_ids": [ids["hoa"], ids["nam"]]}).status_code == 200
    held = []  # the first answer only: any later request goes through
    page.route(f"**/api/v1/cohorts/{cohort['id']}", lambda route: held.append(route), times=1)
    page.reload()
    expect(hoa).to_be_checked()  # the copy on the phone
    expect(nam).not_to_be_checked()
    form.locator("label.choice", has_text="Trần Thị Hoa").click()
    expect(hoa).not_to_be_checked()
    held[0].continue_()

    expect(nam).to_be_checked()  # the server's answer, with the admin's tick over it
    expect(hoa).not_to_be_checked()
    form.locator("button[type=submit]").click()
    expect(form.get_by_text("Đã lưu.")).to_be_visible()
    assert trainers_of(live, cohort["id"]) == {ids["nam"]}
