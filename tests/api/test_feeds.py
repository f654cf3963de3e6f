"""The product feed as floors and catalogs take it: JSON with stock, sizes, places and every photo
(/api/v1/feeds/products), and RSS 2.0 for Google Merchant Center and Meta (/api/v1/feeds/products.xml)."""

import io

import pytest
from defusedxml import ElementTree
from PIL import Image
from sqlalchemy import update

from server.clock import now
from server.extensions import db
from server.models import Product
from tests.api.helpers import listed_product, open_shop
from tests.api.test_round_trips import statements
from tests.conftest import PUBLIC
from tests.images import phone_jpeg, upload

G = "{http://base.google.com/ns/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"
# What each catalog refuses an item without (Google Merchant Center product data specification; Meta's
# catalog feed also requires the brand and the condition).
GOOGLE_REQUIRED = ("id", "title", "description", "link", "image_link", "availability", "price")
META_REQUIRED = (*GOOGLE_REQUIRED, "brand", "condition")

FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture
def client(public_app):
    return public_app.test_client()


@pytest.fixture
def shop(client, auth):
    """A household of Nà Hang (Tuyên Quang) with a honey jar of two photos, 700 g, 8×8×12 cm, 20 in stock."""
    mai = auth.person()
    seller_id = open_shop(client, mai, "02221", name="Hộ bà Mai")
    honey = listed_product(client, mai, seller_id, length_cm=8, width_cm=8, height_cm=12)
    client.post(f"/api/v1/products/{honey['id']}/photos", headers=mai.headers,
                data=upload(phone_jpeg(1999, 1333)), content_type="multipart/form-data")
    return {"mai": mai, "seller_id": seller_id, "honey": honey}


def change(client, shop, product, **fields):
    response = client.patch(f"/api/v1/products/{product['id']}", headers=shop["mai"].headers, json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def fed(client, product_id, **query):
    items = client.get("/api/v1/feeds/products", query_string=query).get_json()["items"]
    return next(item for item in items if item["id"] == product_id)


def rss(response):
    """The channel of an RSS answer, parsed by a parser that refuses entities and DTDs."""
    assert response.status_code == 200, response.data
    root = ElementTree.fromstring(response.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def merchant_items(channel):
    """{g:id: {field: [values]}} of every item."""
    items = {}
    for item in channel.findall("item"):
        fields = {}
        for element in item:
            assert element.tag.startswith(G), element.tag
            fields.setdefault(element.tag.removeprefix(G), []).append(element.text)
        items[fields["id"][0]] = fields
    return items


# The JSON feed ------------------------------------------------------------------------------------


def test_a_feed_item_has_what_a_floor_needs_to_list_the_product(client, shop):
    honey = shop["honey"]
    item = fed(client, honey["id"])
    assert (item["stock"], item["availability"], item["currency"]) == (20, "in_stock", "VND")
    assert (item["weight_g"], item["length_cm"], item["width_cm"], item["height_cm"]) == (700, 8, 8, 12)
    assert item["seller"] == {"id": shop["seller_id"], "name": "Hộ bà Mai", "kind": "household",
                              "commune_code": "02221", "commune_name": "Xã Nà Hang",
                              "province_code": "08", "province_name": "Tuyên Quang"}
    assert item["share_url"] == f"{PUBLIC}/p/{honey['id']}"
    assert len(item["photos"]) == 2


def test_every_photo_of_a_feed_item_says_the_real_size_of_each_image(client, shop):
    """A floor lays out photos without fetching them first: each size said is the image's own."""
    photos = fed(client, shop["honey"]["id"])["photos"]
    for photo in photos:
        assert set(photo["sizes"]) == set(photo["urls"]) == {"large", "medium", "thumb"}
        assert photo["sizes"]["large"] == {"width": photo["width"], "height": photo["height"]}
        for name, url in photo["urls"].items():
            image = Image.open(io.BytesIO(client.get(url.removeprefix(PUBLIC)).data))
            assert {"width": image.width, "height": image.height} == photo["sizes"][name], (name, url)
    # The second photo, 1999×1333 turned upright by its EXIF orientation, was made smaller three times.
    assert max(photos[1]["sizes"]["large"].values()) == 1600
    assert max(photos[1]["sizes"]["medium"].values()) == 800
    assert max(photos[1]["sizes"]["thumb"].values()) == 320


@pytest.mark.parametrize("change_made, availability", [
    ({"stock": 0}, "out_of_stock"),
    ({"stock": None}, "in_stock"),  # the seller does not count: selling while they have some
    ({"stock": 1}, "in_stock"),
    ({"status": "archived"}, "out_of_stock"),
    ({"status": "draft"}, "out_of_stock"),
])
def test_availability_follows_the_stock_and_the_status(client, shop, change_made, availability):
    change(client, shop, shop["honey"], **change_made)
    item = fed(client, shop["honey"]["id"])
    assert item["availability"] == availability
    assert item["stock"] == change_made.get("stock", 20)


def test_the_catalog_for_buyers_shows_no_stock_count(client, shop):
    entry = client.get(f"/api/v1/catalog/{shop['honey']['id']}").get_json()
    assert "stock" not in entry and "availability" not in entry
    assert (entry["currency"], entry["length_cm"]) == ("VND", 8)


def test_a_feed_page_reads_the_same_queries_for_one_product_or_many(public_app, client, shop):
    """No query per product: a page of a million-product feed costs what a page of one does."""
    paths = ("/api/v1/feeds/products", "/api/v1/feeds/products.xml")

    def sent_per_page():
        counts = []
        for path in paths:
            with statements(public_app) as sent:
                assert client.get(path).status_code == 200
            counts.append(len(sent))
        return counts

    sent_per_page()  # the app's first requests set up what it keeps
    with_one = sent_per_page()
    for number in range(4):
        listed_product(client, shop["mai"], shop["seller_id"], title=f"Mật ong hoa bạc hà Hà Giang số {number}")
    assert len(client.get(paths[0]).get_json()["items"]) == 5
    assert sent_per_page() == with_one


# The RSS feed for Google Merchant Center and Meta --------------------------------------------------


def test_the_rss_feed_has_every_field_google_and_meta_require(client, shop):
    honey = shop["honey"]
    response = client.get("/api/v1/feeds/products.xml")
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    channel = rss(response)
    assert channel.findtext("title") and channel.findtext("link") == f"{PUBLIC}/"
    items = merchant_items(channel)
    assert list(items) == [honey["id"]]
    item = items[honey["id"]]
    assert all(item.get(field) and item[field][0] for field in META_REQUIRED), item
    photos = fed(client, honey["id"])["photos"]
    assert item == {
        "id": [honey["id"]],
        "title": ["Mật ong rừng Na Hang nguyên chất 500ml"],
        "description": ["Mật ong rừng thu hoạch tháng 4."],
        "link": [f"{PUBLIC}/p/{honey['id']}"],
        "image_link": [photos[0]["urls"]["large"]],
        "additional_image_link": [photos[1]["urls"]["large"]],
        "availability": ["in_stock"],
        "price": ["180000 VND"],
        "condition": ["new"],
        "brand": ["Hộ bà Mai"],
        "identifier_exists": ["no"],
        "product_type": ["Thực phẩm"],
        "shipping_weight": ["700 g"],
    }


@pytest.mark.parametrize("language", ["en", "en-US,en;q=0.9", "vi"])
def test_the_rss_feed_is_vietnamese_whatever_the_fetcher_asks(client, shop, language):
    """Meta's fetcher asks for English; the products and the pages they link to are Vietnamese."""
    channel = rss(client.get("/api/v1/feeds/products.xml", headers={"Accept-Language": language}))
    assert merchant_items(channel)[shop["honey"]["id"]]["product_type"] == ["Thực phẩm"]
    assert "bán" in channel.findtext("description")


def test_what_sellers_type_is_escaped_in_the_rss_feed(client, shop):
    title = 'Mật ong <rừng> & sáp "ong" Na Hang'
    product = listed_product(client, shop["mai"], shop["seller_id"], title=title,
                             description="Ngọt & thơm </description><g:price>1 VND</g:price>\x07")
    response = client.get("/api/v1/feeds/products.xml")
    assert "Mật ong &lt;rừng&gt; &amp; sáp".encode() in response.data
    item = merchant_items(rss(response))[product["id"]]
    assert item["title"] == [title]
    # The bell pasted at the end cannot be in XML at all: it is left out, and nothing else is.
    assert item["description"] == ["Ngọt & thơm </description><g:price>1 VND</g:price>"]
    assert item["price"] == ["180000 VND"]


def published_without_the_api(app, client, shop, **fields):
    """A product with a photo, published by writing its row: the API publishes nothing without a title and
    a price, but older rows may lack them."""
    product = client.post(f"/api/v1/sellers/{shop['seller_id']}/products", headers=shop["mai"].headers,
                          json=fields).get_json()
    client.post(f"/api/v1/products/{product['id']}/photos", headers=shop["mai"].headers,
                data=upload(phone_jpeg(400, 300)), content_type="multipart/form-data")
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == product["id"])
                           .values(status="published", published_at=now(), updated_at=now()))
        db.session.commit()
    return product["id"]


def test_the_rss_feed_leaves_out_products_google_would_refuse(public_app, client, shop):
    """Google and Meta refuse an item without a title, a price or an image: such products are not sent."""
    no_photo = listed_product(client, shop["mai"], shop["seller_id"], title="Miến dong Bình Liêu 500g")
    photo_id = no_photo["photos"][0]["id"]
    client.delete(f"/api/v1/products/{no_photo['id']}/photos/{photo_id}", headers=shop["mai"].headers)
    no_price = published_without_the_api(public_app, client, shop, title="Măng khô Nà Hang loại 1")
    in_json = {item["id"] for item in client.get("/api/v1/feeds/products").get_json()["items"]}
    assert {no_photo["id"], no_price} <= in_json  # floors still learn of them
    published_without_the_api(public_app, client, shop, price_vnd=90_000)  # no title
    assert set(merchant_items(rss(client.get("/api/v1/feeds/products.xml")))) == {shop["honey"]["id"]}


def test_the_rss_feed_is_what_is_for_sale_now(client, shop):
    """Catalogs fetch one file again and again and take down what is no longer in it: a product taken
    down leaves the file; a sold-out one stays, out of stock."""
    sold_out = listed_product(client, shop["mai"], shop["seller_id"], title="Chè Shan tuyết Na Hang gói 100g",
                              stock=0)
    change(client, shop, shop["honey"], status="archived")
    items = merchant_items(rss(client.get("/api/v1/feeds/products.xml")))
    assert list(items) == [sold_out["id"]] and items[sold_out["id"]]["availability"] == ["out_of_stock"]
    assert shop["honey"]["id"] in {item["id"] for item in client.get("/api/v1/feeds/products").get_json()["items"]}


def test_the_rss_feed_pages_newest_first_as_the_catalog_does(client, shop):
    for number in range(4):
        listed_product(client, shop["mai"], shop["seller_id"], title=f"Chè Shan tuyết Na Hang gói số {number}")
    newest_first = [item["id"] for item in client.get("/api/v1/catalog").get_json()["items"]]
    assert len(newest_first) == 5
    seen, address, pages = [], f"{PUBLIC}/api/v1/feeds/products.xml?limit=2&province=08&_external=1", 0
    while address:
        assert address.startswith(f"{PUBLIC}/api/v1/feeds/products.xml?")
        assert "_external" not in address.removeprefix(PUBLIC) or pages == 0
        channel = rss(client.get(address.removeprefix(PUBLIC), headers=FORGED))
        seen += list(merchant_items(channel))
        following = channel.find(f"{ATOM}link[@rel='next']")
        address = following.get("href") if following is not None else None
        pages += 1
        assert "limit=2" in (address or "limit=2") and "province=08" in (address or "province=08")
    assert pages == 3 and seen == newest_first
    assert rss(client.get("/api/v1/feeds/products.xml?province=01")).findall("item") == []


def test_the_rss_feed_answers_304_to_its_etag_weak_or_strong(client, shop):
    first = client.get("/api/v1/feeds/products.xml")
    etag = first.headers["ETag"]
    for sent in (etag, f"W/{etag}"):
        again = client.get("/api/v1/feeds/products.xml", headers={"If-None-Match": sent})
        assert (again.status_code, again.headers["ETag"], again.data) == (304, etag, b"")
    assert client.get("/api/v1/feeds/products", headers={"If-None-Match": etag}).status_code == 200
    change(client, shop, shop["honey"], price_vnd=170_000)
    changed = client.get("/api/v1/feeds/products.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert merchant_items(rss(changed))[shop["honey"]["id"]]["price"] == ["170000 VND"]


@pytest.mark.parametrize("query", ["page=0", "page=x", "limit=1001", "province=abc"])
def test_bad_rss_feed_parameters_are_explained_in_json(client, query):
    response = client.get(f"/api/v1/feeds/products.xml?{query}")
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == 422 and body["message"] and body["errors"]


def test_the_rss_feed_is_public_and_documented(client, shop):
    assert client.get("/api/v1/feeds/products.xml").status_code == 200  # no sign-in
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"]["/api/v1/feeds/products.xml"]["get"]["responses"]["200"]
    assert "application/xml" in answer["content"] and "ETag" in answer["headers"]
    schemas = document["components"]["schemas"]
    feed_item = schemas["FeedProduct"]["properties"]
    assert feed_item["availability"]["enum"] == ["in_stock", "out_of_stock"]
    assert feed_item["stock"]["nullable"] and feed_item["length_cm"]["nullable"]
    assert {"currency", "weight_g", "width_cm", "height_cm", "share_url"} <= set(feed_item)
    assert "sizes" in schemas["CatalogPhoto"]["properties"]
