"""Public catalog, feeds for e-commerce floors, the shareable page, and the export sheet."""

import csv
import io
import pytest
from openpyxl import load_workbook

from tests.api.helpers import listed_product, open_shop
from tests.api.test_round_trips import statements
from tests.images import phone_jpeg, upload

HOAN_KIEM = "00070"


@pytest.fixture
def market(client, auth):
    """Two shops in two provinces with a few products."""
    mai, lan = auth.person(), auth.person()
    na_hang = open_shop(client, mai, "02221", name="Hộ bà Mai")
    hanoi = open_shop(client, lan, HOAN_KIEM, name="Hộ chị Lan")
    honey = listed_product(client, mai, na_hang, ocop_stars=4)
    tea = listed_product(client, mai, na_hang, title="Chè Shan tuyết cổ thụ Hà Giang 200g",
                         description="Chè búp khô", category="drinks")
    draft = listed_product(client, lan, hanoi, publish=False, title="Bánh cốm Hàng Than hộp 10 chiếc")
    silk = listed_product(client, lan, hanoi, title="Khăn lụa Vạn Phúc dệt tay", category="textiles",
                          description="Lụa tơ tằm")
    return {"mai": mai, "lan": lan, "honey": honey, "tea": tea, "draft": draft, "silk": silk,
            "na_hang": na_hang, "hanoi": hanoi}


def ids(response):
    return {item["id"] for item in response.get_json()["items"]}


def test_catalog_shows_published_products_only(client, market):
    response = client.get("/api/v1/catalog")
    assert response.status_code == 200
    assert ids(response) == {market["honey"]["id"], market["tea"]["id"], market["silk"]["id"]}
    item = next(i for i in response.get_json()["items"] if i["id"] == market["honey"]["id"])
    assert item["seller"]["province_name"] == "Tuyên Quang"
    assert item["photos"][0]["urls"]["thumb"].startswith("http")
    assert "stock" not in item


@pytest.mark.parametrize(
    "query, expected",
    [
        ("province=08", {"honey", "tea"}),
        ("province=1", {"silk"}),
        (f"commune={HOAN_KIEM}", {"silk"}),
        ("category=drinks", {"tea"}),
        ("ocop=4", {"honey"}),
        ("ocop=5", set()),
        ("q=mat ong na hang", {"honey"}),
        ("q=MẬT ONG", {"honey"}),
        ("q=lua to tam", {"silk"}),
        ("q=mat ong ha giang", set()),
    ],
)
def test_catalog_filters(client, market, query, expected):
    assert ids(client.get(f"/api/v1/catalog?{query}")) == {market[name]["id"] for name in expected}


def test_catalog_paging(client, market):
    first = client.get("/api/v1/catalog?page_size=2").get_json()
    second = client.get("/api/v1/catalog?page_size=2&page=2").get_json()
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1


def test_a_catalog_page_comes_with_its_count_in_one_statement_and_a_page_past_the_end_still_counts(client, market, app):
    with statements(app) as sent:
        body = client.get("/api/v1/catalog?page_size=2").get_json()
    assert (body["total"], len(body["items"])) == (3, 2)
    assert len(sent) == 2  # the page with its count; the photos
    past = client.get("/api/v1/catalog?page_size=2&page=5").get_json()
    assert (past["total"], past["total_capped"], past["items"]) == (3, False, [])


def test_catalog_counts_its_matches_up_to_a_limit_and_says_when_there_are_more(client, market, monkeypatch):
    from server.services import catalog

    page = client.get("/api/v1/catalog").get_json()
    assert (page["total"], page["total_capped"]) == (3, False)
    monkeypatch.setattr(catalog, "COUNT_LIMIT", 2)
    page = client.get("/api/v1/catalog?page_size=1").get_json()
    assert (page["total"], page["total_capped"], len(page["items"])) == (2, True, 1)
    page = client.get("/api/v1/catalog?category=drinks").get_json()
    assert (page["total"], page["total_capped"]) == (1, False)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_lists_show_each_product_as_its_own_catalog_entry_does(client, market, language):
    """The catalog and the feed read their pages as rows; a product's own entry is the full model
    through CatalogProductSchema. Both must say the same, photos and places and prices included."""
    honey = market["honey"]
    second = client.post(f"/api/v1/products/{honey['id']}/photos", headers=market["mai"].headers,
                         data=upload(phone_jpeg(480, 640)), content_type="multipart/form-data").get_json()
    headers = {"Accept-Language": language}
    listed = client.get("/api/v1/catalog", headers=headers).get_json()["items"]
    fed = client.get("/api/v1/feeds/products", headers=headers).get_json()["items"]
    assert len(listed) == len(fed) == 3
    for item in listed:
        assert item == client.get(f"/api/v1/catalog/{item['id']}", headers=headers).get_json()
    # The feed's entry is the catalog's, with the stock floors need (tests/api/test_feeds.py).
    for item in fed:
        stock = {"stock": item.pop("stock"), "availability": item.pop("availability")}
        assert item == client.get(f"/api/v1/catalog/{item['id']}", headers=headers).get_json()
        assert stock == {"stock": 20, "availability": "in_stock"}  # as every product of the market
    honey_listed = next(item for item in listed if item["id"] == honey["id"])
    assert [photo["id"] for photo in honey_listed["photos"]] == [honey["photos"][0]["id"], second["id"]]
    assert honey_listed["price_display"] == ("180.000\xa0₫" if language == "vi" else "₫180,000")


def test_a_common_search_gives_the_same_pages_from_the_newest_products_or_from_all(app, client, market,
                                                                                   monkeypatch):
    """A search matching more than COUNT_LIMIT products first looks among the newest SEARCH_WINDOW
    products; pages it cannot fill there are read from all of them. Buyers see one order either way."""
    from server.services import catalog

    for number in range(5):
        listed_product(client, market["lan"], market["hanoi"], title=f"Mật ong hoa nhãn Hưng Yên số {number}")
    everything = client.get("/api/v1/catalog?q=mat ong&page_size=100").get_json()["items"]
    assert len(everything) == 6

    monkeypatch.setattr(catalog, "COUNT_LIMIT", 2)
    monkeypatch.setattr(catalog, "SEARCH_WINDOW", 4)
    pages, sent_per_page = [], []
    for page in (1, 2, 3):
        with statements(app) as sent:
            body = client.get(f"/api/v1/catalog?q=mat ong&page_size=2&page={page}").get_json()
        pages += body["items"]
        sent_per_page.append(len(sent))
        assert (body["total"], body["total_capped"]) == (2, True)
    assert [item["id"] for item in pages] == [item["id"] for item in everything]
    # Pages 1 and 2 were found among the 4 newest products (count, page, photos); page 3 was not there.
    assert sent_per_page[0] == sent_per_page[1] < sent_per_page[2]


def test_catalog_shows_the_newest_first(client, market):
    published = [item["published_at"] for item in client.get("/api/v1/catalog").get_json()["items"]]
    assert published == sorted(published, reverse=True)


def test_catalog_product_and_hidden_drafts(client, market):
    assert client.get(f"/api/v1/catalog/{market['honey']['id']}").status_code == 200
    assert client.get(f"/api/v1/catalog/{market['draft']['id']}").status_code == 404


def test_categories_are_localized(client):
    vi = {c["code"]: c["name"] for c in client.get("/api/v1/categories").get_json()}
    en = {c["code"]: c["name"] for c in client.get("/api/v1/categories", headers={"Accept-Language": "en"}).get_json()}
    assert len(vi) >= 9
    assert en["handicrafts"] == "Handicrafts"
    assert vi["handicrafts"] == "Thủ công mỹ nghệ"


def test_feed_pages_with_a_cursor(client, market):
    first = client.get("/api/v1/feeds/products?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/api/v1/feeds/products?limit=2&cursor={first['next_cursor']}").get_json()
    assert rest["next_cursor"] is None
    seen = [i["id"] for i in first["items"] + rest["items"]]
    assert sorted(seen) == sorted(market[n]["id"] for n in ("honey", "tea", "silk"))


def test_feed_by_province_and_updated_since(client, market):
    body = client.get("/api/v1/feeds/products?province=08").get_json()
    assert {i["id"] for i in body["items"]} == {market["honey"]["id"], market["tea"]["id"]}
    latest = max(i["updated_at"] for i in body["items"])
    later = client.get("/api/v1/feeds/products", query_string={"updated_since": latest}).get_json()
    assert market["honey"]["id"] not in {i["id"] for i in later["items"]}


def test_feed_tells_floors_about_archived_products(client, market):
    client.patch(f"/api/v1/products/{market['tea']['id']}", headers=market["mai"].headers,
                 json={"status": "archived"})
    items = client.get("/api/v1/feeds/products?province=08").get_json()["items"]
    assert {i["id"]: i["status"] for i in items}[market["tea"]["id"]] == "archived"


def test_feed_etag_and_304(client, market):
    first = client.get("/api/v1/feeds/products")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/feeds/products", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and again.data == b""
    # A proxy or a client library may send the tag back weak (RFC 9110 §13.1.2: weak comparison).
    weak = client.get("/api/v1/feeds/products", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    client.patch(f"/api/v1/products/{market['honey']['id']}", headers=market["mai"].headers,
                 json={"price_vnd": 170_000})
    changed = client.get("/api/v1/feeds/products", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("query", ["cursor=%%%", "updated_since=yesterday", "limit=501", "province=abc"])
def test_bad_feed_parameters(client, query):
    assert client.get(f"/api/v1/feeds/products?{query}").status_code == 422


def test_share_page_has_opengraph_tags(client, market):
    page = client.get(f"/p/{market['honey']['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<meta property="og:title" content="Mật ong rừng Na Hang nguyên chất 500ml">' in html
    assert 'property="og:image" content="http' in html
    assert "180.000" in html


def test_share_page_escapes_what_sellers_type(client, auth):
    person = auth.person()
    shop = open_shop(client, person)
    product = listed_product(client, person, shop, title='Mật ong "><script>alert(1)</script>')
    html = client.get(f"/p/{product['id']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_share_page_of_a_draft_is_a_friendly_404(client, market):
    page = client.get(f"/p/{market['draft']['id']}")
    assert page.status_code == 404 and "không còn" in page.get_data(as_text=True)


def test_export_csv_opens_with_vietnamese_intact(client, market):
    response = client.get(f"/api/v1/sellers/{market['na_hang']}/products/export?format=csv",
                          headers=market["mai"].headers)
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Ngành hàng", "Tên sản phẩm", "Mô tả", "SKU", "Giá (đồng)", "Tồn kho"]
    assert len(rows[0]) == 6 + 9 + 4 + 1  # …, weight and size, brand (tests/api/test_exports.py)
    names = {row[1] for row in rows[1:]}
    assert names == {"Mật ong rừng Na Hang nguyên chất 500ml", "Chè Shan tuyết cổ thụ Hà Giang 200g"}
    assert all(row[6].startswith("http") for row in rows[1:])


def test_export_xlsx_opens_in_openpyxl(client, market):
    response = client.get(f"/api/v1/sellers/{market['na_hang']}/products/export?format=xlsx",
                          headers={**market["mai"].headers, "Accept-Language": "en"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Category", "Product name", "Description", "SKU", "Price (VND)", "Stock"]
    assert header[-5:] == ["Shipping weight (g)", "Length (cm)", "Width (cm)", "Height (cm)", "Brand"]
    assert sheet.max_row == 3
    prices = sorted(row[4] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert prices == [180_000, 180_000]


def test_export_of_another_shop_is_404(client, market):
    response = client.get(f"/api/v1/sellers/{market['na_hang']}/products/export", headers=market["lan"].headers)
    assert response.status_code == 404


def test_erased_seller_leaves_the_catalog(client, market):
    client.delete("/api/v1/me", headers=market["lan"].headers)
    assert ids(client.get("/api/v1/catalog")) == {market["honey"]["id"], market["tea"]["id"]}
    assert client.get(f"/p/{market['silk']['id']}").status_code == 404


def test_feed_never_shows_products_that_were_never_published(client, market):
    hidden = client.post(f"/api/v1/sellers/{market['na_hang']}/products", headers=market["mai"].headers,
                         json={"title": "Bí mật chưa đăng bán 12345", "status": "archived"}).get_json()
    ids_in_feed = {i["id"] for i in client.get("/api/v1/feeds/products").get_json()["items"]}
    assert hidden["id"] not in ids_in_feed and market["draft"]["id"] not in ids_in_feed


def test_unpublished_and_deleted_products_tell_floors_to_delist(client, market):
    mai = market["mai"].headers
    client.patch(f"/api/v1/products/{market['honey']['id']}", headers=mai, json={"status": "draft"})
    assert client.delete(f"/api/v1/products/{market['tea']['id']}", headers=mai).status_code == 204
    statuses = {i["id"]: i["status"] for i in client.get("/api/v1/feeds/products").get_json()["items"]}
    assert statuses[market["honey"]["id"]] == "draft"
    assert statuses[market["tea"]["id"]] == "archived"
    assert market["tea"]["id"] not in {i["id"] for i in client.get("/api/v1/catalog").get_json()["items"]}


def test_search_matches_the_start_of_words(client, auth):
    person = auth.person()
    shop = open_shop(client, person)
    eggs = listed_product(client, person, shop, title="Trứng gà ta thả vườn 10 quả", description="Gà ăn thóc")
    honey = listed_product(client, person, shop)
    found = {i["id"] for i in client.get("/api/v1/catalog?q=rung").get_json()["items"]}
    assert found == {honey["id"]} and eggs["id"] not in found
    assert {i["id"] for i in client.get("/api/v1/catalog?q=trung ga").get_json()["items"]} == {eggs["id"]}


def test_demo_photo_records_show_a_stand_in_picture(client):
    response = client.get("/media/demo/photos/abc/def/large.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get("/media/photos/abc/def/large.jpg").status_code == 404


def test_an_erased_sellers_products_leave_the_feed_as_bare_takedowns(client, market, app):
    """The feed tells floors to take them down, without the words and photos that could name the family;
    the photo files are gone too."""
    silk_photo = market["silk"]["photos"][0]["urls"]["large"].split("/media/", 1)[1]
    assert client.get(f"/media/{silk_photo}").status_code == 200
    client.delete("/api/v1/me", headers=market["lan"].headers)
    items = {i["id"]: i for i in client.get("/api/v1/feeds/products").get_json()["items"]}
    silk = items[market["silk"]["id"]]
    assert (silk["status"], silk["availability"], silk["title"], silk["description"], silk["photos"]) == \
        ("archived", "out_of_stock", None, None, [])
    assert silk["seller"]["name"] != "Hộ chị Lan"
    assert client.get(f"/media/{silk_photo}").status_code == 404
    assert market["draft"]["id"] not in items
    assert "Khăn lụa" not in client.get("/api/v1/feeds/products.xml").get_data(as_text=True)
