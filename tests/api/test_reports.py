"""Reports: small worlds with known answers, checked to the unit, and who may read them."""

import csv
import io
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.extensions import db
from server.models import Commune, UnionBranch
from tests.factories import (
    CohortFactory, CohortMemberFactory, LessonProgressFactory, ProductFactory, SellerActivityFactory, SellerFactory,
    UserFactory,
)

NA_HANG, THUONG_LAM, HOAN_KIEM = "02221", "02269", "00070"  # two in Tuyên Quang (08), one in Hà Nội (01)
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def seller(commune=NA_HANG, activated=None, activity=(), kind="household", gender="female"):
    """A seller with its activation moment and its selling days."""
    owner = UserFactory(gender=gender)
    shop = SellerFactory(owner=owner, commune_code=commune, kind=kind, activated_at=activated,
                         last_activity_day=max(activity, default=None))
    for day in activity:
        SellerActivityFactory(seller_id=shop.id, day=day)
    return shop


def get(client, person, path, **query):
    return client.get(path, headers=person.headers, query_string=query)


def by_commune(report):
    return {row["commune_code"]: row for row in report["items"]}


def test_activation_days_are_vietnam_days_from_and_to_included(client, app, manager):
    with app.app_context():
        seller(activated=utc(2026, 10, 31, 17, 0))       # 1 Nov 00:00 in Vietnam: inside
        seller(activated=utc(2026, 10, 31, 16, 59, 59))  # 31 Oct 23:59:59 in Vietnam: outside
        seller(activated=utc(2026, 11, 30, 16, 59, 59))  # 30 Nov 23:59:59 in Vietnam: inside
        seller(activated=utc(2026, 11, 30, 17, 0))       # 1 Dec in Vietnam: outside
        seller(activated=None)
    report = get(client, manager, "/api/v1/reports/new-active-sellers", **NOVEMBER).get_json()
    assert by_commune(report)[NA_HANG]["new_active"] == 2
    assert report["totals"]["new_active"] == 2


def test_active_as_of_the_end_follows_the_90_day_rule(client, app, manager):
    end = date(2026, 11, 30)
    with app.app_context():
        seller(activated=utc(2026, 1, 5), activity=[end - timedelta(days=89)])       # first day of the window
        seller(activated=utc(2026, 1, 5), activity=[end - timedelta(days=90)])       # a day too early: lapsed
        seller(activated=utc(2026, 1, 5), activity=[end])                              # last day of the window
        seller(activated=utc(2026, 11, 30, 17, 0), activity=[end])                     # activated after the end
        seller(activated=None, activity=[end])                                          # never activated
    report = get(client, manager, "/api/v1/reports/new-active-sellers", **NOVEMBER).get_json()
    assert by_commune(report)[NA_HANG]["active_total"] == 2


def test_every_commune_in_scope_has_a_row_with_its_province(client, app, manager):
    report = get(client, manager, "/api/v1/reports/new-active-sellers", **NOVEMBER).get_json()
    with app.app_context():
        communes_of_08 = db.session.scalars(select(Commune.code).where(Commune.province_code == "08")).all()
    assert sorted(row["commune_code"] for row in report["items"]) == sorted(communes_of_08)
    assert all(row["province_code"] == "08" and row["province_name"] == "Tuyên Quang" for row in report["items"])
    assert all(row["new_active"] == 0 and row["active_total"] == 0 for row in report["items"])
    assert not any(key in str(report) for key in ("phone", "full_name", "seller_id"))


def test_exactly_four_and_exactly_five_active_sellers(client, app, national):
    as_of = date(2026, 11, 30)
    with app.app_context():
        for _ in range(5):
            seller(NA_HANG, activated=utc(2026, 3, 1), activity=[as_of])
        for _ in range(4):
            seller(THUONG_LAM, activated=utc(2026, 3, 1), activity=[as_of])
        for _ in range(5):
            seller(HOAN_KIEM, activated=utc(2026, 3, 1), activity=[as_of - timedelta(days=100)])
    report = get(client, national, "/api/v1/reports/commune-coverage", as_of="2026-11-30").get_json()
    rows = {row["province_code"]: row for row in report["items"]}
    assert (rows["08"]["covered_communes"], rows["01"]["covered_communes"]) == (1, 0)
    assert rows["08"]["percent"] == round(100 / rows["08"]["communes"], 1)
    totals = report["totals"]
    assert (totals["communes"], totals["covered_communes"], totals["target_percent"]) == (3321, 1, 30)
    assert totals["gap"] == 997 - 1  # 30% of 3,321 communes is 996.3, so 997 are needed

    lower = get(client, national, "/api/v1/reports/commune-coverage", as_of="2026-11-30", threshold=4).get_json()
    assert {r["province_code"]: r["covered_communes"] for r in lower["items"]}["08"] == 2


def test_splits_by_kind_and_gender(client, app, manager):
    with app.app_context():
        seller(activated=utc(2026, 11, 10), activity=[date(2026, 11, 10)], kind="cooperative", gender="male")
        seller(activated=utc(2026, 11, 10), activity=[date(2026, 11, 10)], gender="female")
        seller(activated=utc(2026, 11, 10), gender=None)
    kind = get(client, manager, "/api/v1/reports/new-active-sellers", by="kind", **NOVEMBER).get_json()
    assert by_commune(kind)[NA_HANG]["new_active_by"] == {"household": 2, "cooperative": 1}
    assert by_commune(kind)[NA_HANG]["active_total_by"] == {"household": 1, "cooperative": 1}
    gender = get(client, manager, "/api/v1/reports/new-active-sellers", by="gender", **NOVEMBER).get_json()
    assert gender["totals"]["new_active_by"] == {"female": 1, "male": 1, "other": 0, "unknown": 1}


def test_group_by_province_and_month(client, app, national):
    with app.app_context():
        seller(NA_HANG, activated=utc(2026, 10, 5), activity=[date(2026, 10, 5)])
        seller(HOAN_KIEM, activated=utc(2026, 11, 5), activity=[date(2026, 11, 5)])
    provinces = get(client, national, "/api/v1/reports/new-active-sellers", group_by="province",
                    **{"from": "2026-10-01", "to": "2026-11-30"}).get_json()
    assert len(provinces["items"]) == 34
    rows = {r["province_code"]: r for r in provinces["items"]}
    assert (rows["08"]["new_active"], rows["01"]["new_active"]) == (1, 1)
    months = get(client, national, "/api/v1/reports/new-active-sellers", group_by="month",
                 **{"from": "2026-10-01", "to": "2026-11-30"}).get_json()
    assert [(m["month"], m["new_active"], m["active_total"]) for m in months["items"]] == [
        ("2026-10", 1, 1), ("2026-11", 1, 2)]


def test_group_by_union_and_cohort(client, app, auth):
    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
        first, second = CohortFactory(union_id=branch), CohortFactory(union_id=branch)
        shop = seller(activated=utc(2026, 11, 3), activity=[date(2026, 11, 3)])
        for cohort in (first, second):  # one seller in two cohorts of one branch
            CohortMemberFactory(cohort_id=cohort.id, user_id=shop.owner_id, seller_id=shop.id,
                                enrolled_by_id=shop.owner_id)
        seller(activated=utc(2026, 11, 3))  # in no cohort
        first_id, second_id = first.id, second.id
    admin = auth.person("union_admin", union=branch)
    unions = get(client, admin, "/api/v1/reports/new-active-sellers", group_by="union", **NOVEMBER).get_json()
    assert [(r["union_id"], r["new_active"]) for r in unions["items"]] == [(branch, 1)]
    assert unions["totals"]["new_active"] == 1
    cohorts = get(client, admin, "/api/v1/reports/new-active-sellers", group_by="cohort", **NOVEMBER).get_json()
    assert {r["cohort_id"]: r["new_active"] for r in cohorts["items"]} == {first_id: 1, second_id: 1}


def test_report_numbers_equal_a_direct_count(client, app, national):
    """A random world, counted again here by hand from the rows the app wrote."""
    rng = random.Random(7)
    communes = [NA_HANG, THUONG_LAM, HOAN_KIEM]
    end, start = date(2026, 11, 30), date(2026, 11, 1)
    expected_new, expected_active = {}, {}
    with app.app_context():
        for _ in range(60):
            commune = rng.choice(communes)
            activated = None if rng.random() < 0.3 else utc(2026, 8, 1) + timedelta(hours=rng.randrange(0, 24 * 130))
            activity = sorted({end - timedelta(days=rng.randrange(0, 200)) for _ in range(rng.randrange(0, 4))})
            seller(commune, activated=activated, activity=activity)
            vietnam_day = (activated + timedelta(hours=7)).date() if activated else None
            if vietnam_day and start <= vietnam_day <= end:
                expected_new[commune] = expected_new.get(commune, 0) + 1
            if vietnam_day and vietnam_day <= end and any(end - timedelta(days=89) <= d <= end for d in activity):
                expected_active[commune] = expected_active.get(commune, 0) + 1
    report = by_commune(get(client, national, "/api/v1/reports/new-active-sellers", **NOVEMBER).get_json())
    for commune in communes:
        assert report[commune]["new_active"] == expected_new.get(commune, 0)
        assert report[commune]["active_total"] == expected_active.get(commune, 0)


def test_csv_keeps_vietnamese_and_xlsx_opens(client, app, manager):
    with app.app_context():
        seller(activated=utc(2026, 11, 10), activity=[date(2026, 11, 10)])
    response = get(client, manager, "/api/v1/reports/new-active-sellers", format="csv", **NOVEMBER)
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    # A title line and a filters line, then the header (tests/api/test_exports.py reads them).
    assert rows[2][:4] == ["Mã xã", "Xã/phường", "Mã tỉnh", "Tỉnh"]
    na_hang = next(row for row in rows if row[0] == NA_HANG)
    assert na_hang[1:4] == ["Xã Nà Hang", "08", "Tuyên Quang"] and na_hang[4:6] == ["1", "1"]

    xlsx = get(client, manager, "/api/v1/reports/commune-coverage", format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    # Title, filters, header, Tuyên Quang, totals.
    assert sheet.max_row == 5 and sheet["B4"].value == "Tuyên Quang"


def test_training_report(client, app, manager, clock):
    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
        cohort = CohortFactory(union_id=branch)
        learner = seller(activated=None)
        CohortMemberFactory(cohort_id=cohort.id, user_id=learner.owner_id, seller_id=learner.id,
                            enrolled_by_id=learner.owner_id, enrolled_at=utc(2026, 11, 2))
        base = {"user_id": learner.owner_id, "started_at": utc(2026, 11, 3)}
        LessonProgressFactory(lesson_slug="a", status="completed", last_activity_at=utc(2026, 11, 4),
                              completed_at=utc(2026, 11, 4), **base)
        LessonProgressFactory(lesson_slug="b", last_activity_at=utc(2026, 11, 5), **base)
        ProductFactory(seller_id=learner.id, published_at=utc(2026, 11, 12), status="published")
    report = get(client, manager, "/api/v1/reports/training", **NOVEMBER).get_json()
    row = report["items"][0]
    assert (row["province_code"], row["learners"], row["lessons_completed"]) == ("08", 1, 1)
    assert row["completion_rate"] == 50.0
    assert row["median_days_to_first_listing"] == 10.0
    assert report["totals"]["learners"] == 1


@pytest.mark.parametrize("group_by", ["union", "cohort"])
def test_a_cohort_counts_the_same_learners_whoever_reads_it(client, app, manager, national, group_by):
    """A member enrolled before having a shop is in no commune, so in no province: a provincial manager
    cannot count them, and a national one does not either, so that one cohort has one set of figures."""
    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
        cohort = CohortFactory(union_id=branch)
        learner, shopless = seller(activated=None), UserFactory()
        for user_id, seller_id in ((learner.owner_id, learner.id), (shopless.id, None)):
            CohortMemberFactory(cohort_id=cohort.id, user_id=user_id, seller_id=seller_id,
                                enrolled_by_id=user_id, enrolled_at=utc(2026, 11, 2))
            LessonProgressFactory(user_id=user_id, lesson_slug="a", status="completed", started_at=utc(2026, 11, 3),
                                  last_activity_at=utc(2026, 11, 4), completed_at=utc(2026, 11, 4))
    figures = [get(client, reader, "/api/v1/reports/training", group_by=group_by, **NOVEMBER).get_json()
               for reader in (manager, national)]
    assert [report["totals"]["learners"] for report in figures] == [1, 1]
    key = "union_id" if group_by == "union" else "cohort_id"
    rows = [next(row for row in report["items"] if row[key] == (branch if group_by == "union" else cohort.id))
            for report in figures]
    assert rows[0] == rows[1] and rows[0]["learners"] == 1


REPORT_PATHS = ["/api/v1/reports/new-active-sellers", "/api/v1/reports/commune-coverage", "/api/v1/reports/training"]


@pytest.mark.parametrize(
    "role, province, status",
    [("anonymous", None, 401), ("seller", None, 403), ("trainer", None, 403), ("manager_08", None, 200),
     ("manager_08", "08", 200), ("manager_08", "01", 403), ("national", "01", 200), ("union_admin", None, 200),
     ("union_admin", "01", 403), ("admin", "01", 200)],
)
@pytest.mark.parametrize("path", REPORT_PATHS)
def test_report_access(client, auth, app, role, province, status, path):
    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
    people = {
        "seller": lambda: auth.person(),
        "trainer": lambda: auth.person("trainer", union=branch),
        "manager_08": lambda: auth.person("manager", province="08"),
        "national": lambda: auth.person("manager"),
        "union_admin": lambda: auth.person("union_admin", union=branch),
        "admin": lambda: auth.person("admin"),
    }
    headers = {} if role == "anonymous" else people[role]().headers
    query = {"province": province} if province else {}
    assert client.get(path, headers=headers, query_string=query).status_code == status


def test_bad_report_parameters(client, national):
    for query in ({"from": "2026-12-01", "to": "2026-11-01"}, {"group_by": "village"}, {"by": "age"},
                  {"format": "pdf"}, {"province": "99"}, {"from": "yesterday"}):
        assert get(client, national, "/api/v1/reports/new-active-sellers", **query).status_code == 422, query


def test_active_as_of_a_past_day_reads_the_days_of_sellers_active_since(client, app, national):
    """A seller active again after D is judged on its days up to D, not on its latest one."""
    with app.app_context():
        seller(activated=utc(2026, 1, 5), activity=[date(2026, 6, 1), date(2026, 11, 20)])  # quiet before Oct
        seller(activated=utc(2026, 1, 5), activity=[date(2026, 9, 15), date(2026, 11, 20)])  # active on 30 Sep
    report = get(client, national, "/api/v1/reports/new-active-sellers", group_by="province",
                 **{"from": "2026-09-01", "to": "2026-09-30"}).get_json()
    assert report["totals"]["active_total"] == 1


def test_recording_activity_keeps_the_latest_day(client, auth, clock, app):
    from server.models import Seller

    owner = auth.person()
    shop = client.post("/api/v1/sellers", headers=owner.headers,
                       json={"kind": "household", "name": "Hộ Mai", "commune_code": NA_HANG}).get_json()
    for day in ("2026-10-20", "2026-09-01"):
        client.post(f"/api/v1/sellers/{shop['id']}/sales", headers=owner.headers,
                    json={"id": str(uuid.uuid4()), "occurred_on": day, "channel": "zalo",
                          "amount_vnd": 50_000})
    with app.app_context():
        assert db.session.get(Seller, shop["id"]).last_activity_day == date(2026, 10, 20)


@pytest.mark.parametrize("path, query", [
    ("/api/v1/reports/new-active-sellers", {"group_by": group_by, **split})
    for group_by in ("commune", "province", "union", "cohort", "month") for split in ({}, {"by": "kind"}, {"by": "gender"})
] + [("/api/v1/reports/commune-coverage", {}), *[("/api/v1/reports/training", {"group_by": group_by})
                                                  for group_by in ("province", "union", "cohort")]])
def test_report_rows_hold_exactly_the_documented_fields(client, app, auth, path, query):
    """Report rows are sent as the services build them: nothing beyond the schema, nothing missing."""
    from api.reports import CoverageSchema, NewActiveSchema, TrainingSchema

    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
        cohort = CohortFactory(union_id=branch)
        shop = seller(activated=utc(2026, 11, 3), activity=[date(2026, 11, 3)])
        CohortMemberFactory(cohort_id=cohort.id, user_id=shop.owner_id, seller_id=shop.id, enrolled_by_id=shop.owner_id)
    admin = auth.person("union_admin", union=branch)
    body = get(client, admin, path, **query, **({} if "coverage" in path else NOVEMBER)).get_json()
    schema = {"new-active": NewActiveSchema, "coverage": CoverageSchema, "training": TrainingSchema}
    schema = next(value for key, value in schema.items() if key in path)()
    assert body["items"], "a row for the branch's area"
    assert schema.validate(body) == {}
    assert schema.dump(body) == body
