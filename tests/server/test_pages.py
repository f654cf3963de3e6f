"""The public product page /p/<id>: what a buyer opening it from Zalo or Facebook sees and can do, and
what link previews and search engines read from it."""

import base64
import io
import json
from html.parser import HTMLParser

import pytest
from PIL import Image
from sqlalchemy import update

from server import vietqr
from server.extensions import db
from server.models import Product
from tests.api.helpers import listed_product, open_shop
from tests.conftest import PUBLIC
from tests.images import phone_jpeg, upload

# Facebook's and Zalo's crawlers ask for English, or for nothing in particular.
CRAWLERS = [{"Accept-Language": "en-US,en;q=0.9"}, {"Accept-Language": "en"}, {}]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The page as a crawler reads it: meta tags, links, images, JSON-LD, and its element structure."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.anchors, self.images, self.json_ld = {}, {}, [], [], []
        self.ids, self.open, self.problems, self._script, self._text = [], [], [], None, []
        self.feed(html)
        self.close()
        if self.open:
            self.problems.append(f"never closed: {self.open}")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs["content"]
        elif tag == "link":
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag == "img":
            self.images.append(attrs)
            if "alt" not in attrs or not {"width", "height"} <= attrs.keys():
                self.problems.append(f"an image without alt, width or height: {attrs}")
        elif tag == "script":
            self._script = attrs.get("type")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"<{tag} /> in HTML")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()
        if tag == "script":
            self.json_ld.append(json.loads("".join(self._text)))
            self._script, self._text = None, []

    def handle_data(self, data):
        if self._script is not None:
            assert self._script == "application/ld+json", "the page runs no script"
            self._text.append(data)


@pytest.fixture
def client(public_app):
    return public_app.test_client()


@pytest.fixture
def shop(client, auth):
    owner = auth.person(phone="+84912345678")
    return owner, open_shop(client, owner, name="Hộ bà Mai")


def get_page(client, product_id, query="", headers=None):
    response = client.get(f"/p/{product_id}{query}", headers=headers or {})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def local_file(client, url):
    """A photo the page points at, fetched from the app as a browser would."""
    response = client.get(url.removeprefix(PUBLIC))
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(response.data))


def show(client, owner, seller_id, **options):
    response = client.patch(f"/api/v1/sellers/{seller_id}", headers=owner.headers, json=options)
    assert response.status_code == 200, response.get_json()


def set_up_selling(client, owner, seller_id):
    """A payout account and two channel links: what a shop may choose to show."""
    assert client.put(f"/api/v1/sellers/{seller_id}/payout", headers=owner.headers, json={
        "bank_bin": "970405", "account_number": "3100205123456", "account_name": "Lò Thị Mai"}).status_code == 200
    for channel, url in (("shopee", "https://shopee.vn/matongnahang"),
                         ("tiktok_shop", "https://www.tiktok.com/@matongnahang")):
        assert client.post(f"/api/v1/sellers/{seller_id}/channels", headers=owner.headers,
                           json={"channel": channel, "url": url}).status_code == 201


@pytest.mark.parametrize("headers", CRAWLERS, ids=["en-US", "en", "none"])
def test_the_page_is_vietnamese_whatever_the_crawler_asks(client, shop, headers):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id, price_vnd=250_000)
    html = get_page(client, item["id"], headers=headers)
    page = Page(html)
    assert '<html lang="vi">' in html and page.meta["og:locale"] == "vi_VN"
    assert "250.000\u00a0₫" in html and page.meta["og:description"].startswith("250.000\u00a0₫ · Hộ bà Mai")
    assert "Người bán" in html
    assert "₫250,000" not in html and "Sold by" not in html


def test_a_missing_product_says_so_in_vietnamese(client):
    response = client.get("/p/no-such-product", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "Sản phẩm này không còn bán" in response.get_data(as_text=True)


def test_previews_get_the_real_size_of_a_portrait_cover(client, shop):
    owner, seller_id = shop
    product = client.post(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers,
                          json={"title": "Mật ong rừng Na Hang nguyên chất 500ml", "price_vnd": 180_000,
                                "category": "food"}).get_json()
    # A camera photo taken upright: stored landscape, with EXIF saying "turn it".
    client.post(f"/api/v1/products/{product['id']}/photos", headers=owner.headers,
                data=upload(phone_jpeg(2000, 1500, orientation=6)), content_type="multipart/form-data")
    client.post(f"/api/v1/products/{product['id']}/publish", headers=owner.headers)
    page = Page(get_page(client, product["id"]))

    large = local_file(client, page.meta["og:image"])
    assert (int(page.meta["og:image:width"]), int(page.meta["og:image:height"])) == large.size == (1200, 1600)
    cover = page.images[0]
    medium = local_file(client, cover["src"])
    assert (int(cover["width"]), int(cover["height"])) == medium.size == (600, 800)
    assert cover["srcset"] == f"{cover['src']} 600w, {page.meta['og:image']} 1200w"


def test_the_address_is_canonical_without_tracking(client, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id)
    page = Page(get_page(client, item["id"], "?fbclid=IwAR0abc&utm_source=zalo&utm_medium=share&ref=x"))
    assert page.links["canonical"] == page.meta["og:url"] == f"{PUBLIC}/p/{item['id']}"


def test_search_engines_read_the_product_and_its_offer(client, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id, price_vnd=250_000, stock=20, sku="MO-500")
    page = Page(get_page(client, item["id"]))
    [data] = page.json_ld
    url = f"{PUBLIC}/p/{item['id']}"
    assert (data["@context"], data["@type"], data["name"], data["url"]) == (
        "https://schema.org", "Product", "Mật ong rừng Na Hang nguyên chất 500ml", url)
    assert data["image"] == [page.meta["og:image"]] and data["sku"] == "MO-500"
    assert data["description"] == "Mật ong rừng thu hoạch tháng 4."
    offer = data["offers"]
    assert (offer["@type"], offer["price"], offer["priceCurrency"], offer["url"]) == ("Offer", 250_000, "VND", url)
    assert offer["availability"] == "https://schema.org/InStock"
    assert (offer["seller"]["@type"], offer["seller"]["name"]) == ("Organization", "Hộ bà Mai")
    assert offer["seller"]["address"]["addressRegion"] == "Tuyên Quang"


def test_a_sold_out_product_says_so_to_buyers_and_search_engines(client, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id, stock=0)
    html = get_page(client, item["id"])
    page = Page(html)
    assert page.json_ld[0]["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert page.meta["product:availability"] == "out of stock" and "Tạm hết hàng" in html


def test_a_title_cannot_end_the_structured_data_early(client, shop):
    owner, seller_id = shop
    title = 'Mật ong </script><script>alert(1)</script> & "ngon"'
    item = listed_product(client, owner, seller_id, title=title, description="</SCRIPT><!-- <script>")
    html = get_page(client, item["id"])
    assert html.lower().count("</script>") == 1 and "<script>alert" not in html
    page = Page(html)
    assert page.json_ld[0]["name"] == title and page.json_ld[0]["description"] == "</SCRIPT><!-- <script>"
    assert page.meta["og:title"] == title


def test_nothing_private_shows_until_the_owner_chooses(client, shop):
    owner, seller_id = shop
    set_up_selling(client, owner, seller_id)
    item = listed_product(client, owner, seller_id)
    html = get_page(client, item["id"])
    assert "0912" not in html and "tel:" not in html and "zalo.me" not in html
    assert "shopee.vn" not in html and "3100205123456" not in html and "data:image" not in html
    assert "Cách mua" not in html


def test_the_options_the_owner_turns_on_let_a_buyer_act(public_app, client, shop):
    owner, seller_id = shop
    set_up_selling(client, owner, seller_id)
    item = listed_product(client, owner, seller_id)
    show(client, owner, seller_id, show_phone=True, show_channels=True, show_vietqr=True)
    html = get_page(client, item["id"])
    links = {anchor["href"]: anchor for anchor in Page(html).anchors}
    assert "tel:+84912345678" in links and "Gọi 0912 345 678" in html
    assert "https://zalo.me/0912345678" in links and "Nhắn Zalo" in html
    assert "https://shopee.vn/matongnahang" in links and "Mua trên Shopee" in html
    assert "https://www.tiktok.com/@matongnahang" in links and "Mua trên TikTok Shop" in html
    assert "nofollow" in links["https://shopee.vn/matongnahang"]["rel"]

    [qr] = [image for image in Page(html).images if image["src"].startswith("data:image/png;base64,")]
    png = base64.b64decode(qr["src"].split(",", 1)[1])
    assert Image.open(io.BytesIO(png)).format == "PNG"
    with public_app.app_context():
        # The shop's account, no amount (the buyer may take two), the product as the transfer note.
        expected = vietqr.payload("970405", "3100205123456", memo=item["title"])
    assert qr["src"].endswith(vietqr.png_base64(expected))
    assert "Agribank" in html and "3100205123456" in html and "LO THI MAI" in html


def test_each_option_shows_only_its_own_part(client, shop):
    owner, seller_id = shop
    set_up_selling(client, owner, seller_id)
    item = listed_product(client, owner, seller_id)
    show(client, owner, seller_id, show_channels=True)
    html = get_page(client, item["id"])
    assert "Mua trên Shopee" in html and "tel:" not in html and "data:image" not in html


def test_the_vietqr_option_without_a_bank_account_shows_no_code(client, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id)
    show(client, owner, seller_id, show_vietqr=True)
    html = get_page(client, item["id"])
    assert "data:image" not in html and "Cách mua" not in html


def test_the_shops_other_products_are_at_the_bottom(client, auth, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id)
    tea = listed_product(client, owner, seller_id, title="Chè Shan tuyết cổ thụ 200g", price_vnd=95_000)
    listed_product(client, owner, seller_id, publish=False, title="Bánh chưng gấc (chưa đăng)")
    gone = listed_product(client, owner, seller_id, title="Măng khô Nà Hang 500g (đã xoá)")
    assert client.delete(f"/api/v1/products/{gone['id']}", headers=owner.headers).status_code == 204
    neighbour = auth.person()
    listed_product(client, neighbour, open_shop(client, neighbour, name="Hộ anh Tùng"), title="Miến dong của nhà khác")

    html = get_page(client, item["id"])
    page = Page(html)
    assert "Sản phẩm khác của Hộ bà Mai" in html
    others = [anchor["href"] for anchor in page.anchors if anchor["href"].startswith(f"{PUBLIC}/p/")]
    assert others == [f"{PUBLIC}/p/{tea['id']}"]
    assert "95.000\u00a0₫" in html and "Chè Shan tuyết cổ thụ 200g" in html
    assert "chưa đăng" not in html and "đã xoá" not in html and "nhà khác" not in html
    thumb = page.images[-1]
    assert local_file(client, thumb["src"]).size == (int(thumb["width"]), int(thumb["height"]))


def test_a_shop_with_one_product_shows_no_others(client, shop):
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id)
    html = get_page(client, item["id"])
    assert "Sản phẩm khác" not in html and f"{PUBLIC}/p/" not in html.split("</head>")[1]


def test_the_page_is_well_formed_with_everything_on(client, shop):
    owner, seller_id = shop
    set_up_selling(client, owner, seller_id)
    item = listed_product(client, owner, seller_id)
    second = client.post(f"/api/v1/products/{item['id']}/photos", headers=owner.headers,
                         data=upload(phone_jpeg(600, 400, seed=2)), content_type="multipart/form-data")
    assert second.status_code == 201
    listed_product(client, owner, seller_id, title="Chè Shan tuyết cổ thụ 200g")
    show(client, owner, seller_id, show_phone=True, show_channels=True, show_vietqr=True)
    html = get_page(client, item["id"])
    page = Page(html)
    assert page.problems == []
    assert len(page.ids) == len(set(page.ids))
    assert html.startswith("<!doctype html>\n<html")
    assert ' style="' not in html
    # A photo no larger than `medium` is one picture: no srcset naming it twice.
    assert "srcset" not in page.images[0]


def test_older_rows_published_without_a_price_break_no_page(public_app, client, shop):
    """Rows published before the publishing rules may lack a price: their own page says the product
    is not for sale, and the shop's other pages leave them out instead of failing."""
    owner, seller_id = shop
    item = listed_product(client, owner, seller_id)
    old = listed_product(client, owner, seller_id, title="Măng khô Nà Hang loại 1")
    with public_app.app_context():
        db.session.execute(update(Product).where(Product.id == old["id"]).values(price_vnd=None))
        db.session.commit()
    html = get_page(client, item["id"])
    assert "Sản phẩm khác" not in html and "Măng khô" not in html
    assert client.get(f"/p/{old['id']}").status_code == 404
