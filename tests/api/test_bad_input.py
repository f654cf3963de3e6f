"""Hostile or broken input gets a clear 4xx in our JSON error shape, never a 500."""

import base64
import io
import json
import uuid

import pytest
from openpyxl import load_workbook

from tests.api.helpers import HONEY, listed_product, open_shop
from tests.api.test_errors import assert_error_shape

DEEP = "[" * 30_000 + "]" * 30_000
LONG_NUMBER = '{"phone": ' + "1" * 5000 + "}"


@pytest.fixture
def shop(client, auth):
    owner = auth.person()
    return owner, open_shop(client, owner)


def post_json(client, path, raw, headers=None):
    return client.post(path, data=raw, content_type="application/json", headers=headers or {})


@pytest.mark.parametrize(
    "raw, message",
    [(DEEP, "The data sent is nested too deeply."),
     (LONG_NUMBER, "A number in the data sent has too many digits."),
     ('{"phone": "0912', "The data sent is not valid JSON.")],
)
def test_json_the_parser_cannot_take_is_a_400_without_signing_in(client, raw, message):
    response = post_json(client, "/api/v1/auth/otp", raw, {"Accept-Language": "en"})
    body = assert_error_shape(response, 400)
    assert body["errors"] == {"json": [message]}


def test_json_errors_are_in_vietnamese_by_default(client):
    body = assert_error_shape(post_json(client, "/api/v1/auth/otp", DEEP), 400)
    assert body["errors"]["json"] == ["Dữ liệu gửi lên lồng nhau quá sâu."]


@pytest.mark.parametrize("raw", [DEEP, '{"kind": "household", "name": ' + "9" * 4301 + "}"])
def test_json_the_parser_cannot_take_is_a_400_when_signed_in_too(client, auth, raw):
    person = auth.person()
    assert_error_shape(post_json(client, "/api/v1/sellers", raw, person.headers), 400)


@pytest.mark.parametrize("title", ["Mật ong rừng \ud800 Na Hang", "Mật ong rừng \udfff Na Hang"])
def test_a_lone_surrogate_is_refused(client, shop, title):
    owner, seller_id = shop
    # json.dumps writes the surrogate as the escape `\ud800`, as a buggy or hostile client would.
    response = post_json(client, f"/api/v1/sellers/{seller_id}/products", json.dumps({**HONEY, "title": title}),
                         {**owner.headers, "Accept-Language": "en"})
    body = assert_error_shape(response, 422)
    assert body["errors"] == {"json": ["Text contains a broken character (half of a surrogate pair)."]}
    listing = client.get(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers).get_json()
    assert listing["total"] == 0


def test_a_lone_surrogate_in_a_key_is_refused_without_signing_in(client):
    response = post_json(client, "/api/v1/auth/otp", '{"phone": "0912345678", "\\uDC00": 1}')
    assert_error_shape(response, 422)


def test_emoji_written_as_an_escaped_surrogate_pair_are_fine(client, shop):
    owner, seller_id = shop
    raw = '{"title": "M\\u1eadt ong r\\u1eebng Na Hang \\ud83c\\udf6f", "category": "food"}'
    response = post_json(client, f"/api/v1/sellers/{seller_id}/products", raw, owner.headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "Mật ong rừng Na Hang 🍯"


def cursor(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [cursor("2026-11-02T03:00:00|0b7c3f8e-5d1a-4c2e-9f3b-6a1d2e4c8b70"),  # a time without a zone
     cursor("2026-11-02T03:00:00+00:00|' OR 1=1 --"),       # not a product id
     cursor("2026-11-02T03:00:00+00:00"),                   # no id at all
     "%%%"],
)
def test_a_feed_cursor_the_feed_did_not_write_is_422_on_cursor(client, value):
    response = client.get("/api/v1/feeds/products", query_string={"cursor": value})
    body = assert_error_shape(response, 422)
    assert list(body["errors"]) == ["cursor"]


def test_the_cursors_the_feed_writes_still_work(client, shop):
    owner, seller_id = shop
    for title in ("Mật ong rừng Na Hang nguyên chất", "Chè Shan tuyết cổ thụ Hà Giang"):
        listed_product(client, owner, seller_id, title=title)
    first = client.get("/api/v1/feeds/products?limit=1").get_json()
    rest = client.get("/api/v1/feeds/products", query_string={"limit": 1, "cursor": first["next_cursor"]})
    assert rest.status_code == 200 and len(rest.get_json()["items"]) == 1


@pytest.mark.parametrize(
    "path",
    ["/media/demo/photos/.", "/media/demo/photos/..", "/media/demo/photos/", "/media/demo/photos//x.jpg",
     "/media/demo/photos/a\\b.jpg", "/media/photos", "/media/photos/", "/media/.", "/media/demo"],
)
def test_odd_media_keys_are_a_json_404(client, path, settings):
    # Folders exist for some of these: a stored photo makes photos/<product>/<photo>/.
    (io.open(_touch(settings["MEDIA_ROOT"], "photos/p/ph/large.jpg"), "wb")).close()
    assert_error_shape(client.get(path), 404)


def test_stored_media_are_still_served(client, settings):
    with io.open(_touch(settings["MEDIA_ROOT"], "photos/p/ph/large.jpg"), "wb") as file:
        file.write(b"\xff\xd8\xff")
    response = client.get("/media/photos/p/ph/large.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def _touch(root, key):
    from pathlib import Path

    path = Path(root) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    "url",
    ["https://evil.com\\@shopee.vn/x", "https://evil.com\\\\@shopee.vn/x", "https://shopee.vn@evil.com/x",
     "https://user:secret@shopee.vn/x", "https://user@shopee.vn/x", "https://evil.com\\.shopee.vn/x",
     "https://evil.com%2F@shopee.vn/", "https://shopee.vn.evil.com/x", "https:\\\\evil.com/shopee.vn"],
)
def test_links_that_a_browser_opens_elsewhere_are_refused(client, shop, url):
    owner, seller_id = shop
    response = client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers,
                           json={"channel": "shopee", "url": url})
    body = assert_error_shape(response, 422)
    assert "url" in body["errors"]
    links = client.get(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers).get_json()
    assert links["total"] == 0


def test_links_are_stored_as_a_browser_reads_them(client, shop):
    owner, seller_id = shop
    url = "/api/v1/sellers/%d/channels" % seller_id
    first = client.post(url, headers=owner.headers, json={"channel": "shopee", "url": "HTTPS://Shopee.VN:443/mat ong"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["url"] == "https://shopee.vn/mat%20ong"
    again = client.post(url, headers=owner.headers, json={"channel": "shopee", "url": "https://shopee.vn/mat%20ong"})
    assert again.status_code == 200
    assert client.get(url, headers=owner.headers).get_json()["total"] == 1


def test_a_bell_character_in_a_cohort_name_breaks_no_report(client, auth, app):
    from sqlalchemy import select

    from server.extensions import db
    from server.models import UnionBranch
    from tests.factories import CohortFactory, CohortMemberFactory, SellerFactory

    with app.app_context():
        branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
        cohort = CohortFactory(union_id=branch, name="Lớp\x07 Nà Hang")
        shop = SellerFactory()
        CohortMemberFactory(cohort_id=cohort.id, user_id=shop.owner_id, seller_id=shop.id,
                            enrolled_by_id=shop.owner_id)
        cohort_id = cohort.id
    for person in (auth.person("union_admin", union=branch), auth.person("manager")):
        for report in ("new-active-sellers", "training"):
            response = client.get(f"/api/v1/reports/{report}", headers=person.headers,
                                  query_string={"group_by": "cohort", "format": "xlsx"})
            assert response.status_code == 200, response.get_json()
            names = [cell.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()
                     for cell in row]
            assert "Lớp Nà Hang" in names, (report, names)
    trainer = auth.person("union_admin", union=branch)
    export = client.get(f"/api/v1/cohorts/{cohort_id}/export?format=xlsx", headers=trainer.headers)
    assert export.status_code == 200
    load_workbook(io.BytesIO(export.data))


def test_json_bodies_stop_at_64_kb_before_they_are_read(client, auth):
    person = auth.person()
    padded = {"kind": "household", "name": "Hộ bà Mai", "commune_code": "02221", "description": "x" * 65 * 1024}
    assert_error_shape(client.post("/api/v1/sellers", headers=person.headers, json=padded), 413)
    assert_error_shape(post_json(client, "/api/v1/auth/otp", '{"phone": "' + " " * 70_000 + '0912345678"}'), 413)
    assert_error_shape(post_json(client, "/api/v1/auth/otp", DEEP * 2), 413)


def test_the_largest_product_a_person_can_write_fits(client, shop):
    owner, seller_id = shop
    # 5,000 letters, each sent as a \u escape by a client that escapes everything: 30 KB.
    raw = json.dumps({**HONEY, "description": "ữ" * 5000}, ensure_ascii=True)
    assert len(raw) > 30_000
    response = post_json(client, f"/api/v1/sellers/{seller_id}/products", raw, owner.headers)
    assert response.status_code == 201, response.get_json()


def events(count, lesson, at="2026-11-02T10:15:30.123456+07:00", **fields):
    return [{"id": str(uuid.uuid4()), "lesson": lesson, "kind": "card_viewed", "card": 0, "at": at,
             "seconds": 86_400, **fields} for _ in range(count)]


def test_500_events_of_the_longest_kind_fit_in_a_batch(client, auth, clock):
    from server.services.lessons import current_index

    learner = auth.person()
    with client.application.app_context():
        lesson = max(current_index().lessons, key=len)
    raw = json.dumps({"events": events(500, lesson)}, indent=2)
    response = post_json(client, "/api/v1/progress/events", raw, learner.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["accepted"] == 500


@pytest.mark.parametrize("batch", [
    pytest.param(lambda: events(500, "x" * 30_000), id="500 events of 30 KB each"),
    pytest.param(lambda: events(80_000, "getting-started"), id="80,000 events, 15.5 MB"),
])
def test_a_huge_progress_batch_is_refused_before_it_is_parsed(client, auth, batch):
    learner = auth.person()
    response = client.post("/api/v1/progress/events", headers=learner.headers, json={"events": batch()})
    assert_error_shape(response, 413)
