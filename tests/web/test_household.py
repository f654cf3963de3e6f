"""A household goes from its first SMS code to a listed product, with a photo, a VietQR and a share link."""

from playwright.sync_api import expect

from tests.web.conftest import screenshot
from tests.web.journeys import camera_photo, open_shop, sign_in

MAX_UPLOAD = 500 * 1024


def test_from_the_first_code_to_a_product_on_sale(page, live):
    sign_in(page, live)
    expect(page.locator("[data-screen=home]")).to_be_visible()
    screenshot(page, "home-new")

    open_shop(page)
    page.select_option("select[name=bank_bin]", "970405")
    page.fill("input[name=account_number]", "3100 205 123 456")
    page.fill("input[name=account_name]", "Lò Thị Mai")
    page.click("text=Lưu tài khoản ngân hàng")
    qr = page.locator(".vietqr img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100
    screenshot(page, "shop")

    page.goto("/products/new")
    page.fill("input[name=title]", "Mật ong rừng Na Hang nguyên chất 500ml")
    page.fill("input[name=price_vnd]", "180.000")
    page.select_option("select[name=category]", "food")
    page.click("text=Lưu và thêm ảnh")
    expect(page.locator("[data-screen=product] input[type=file][capture=environment]")).to_be_attached()
    product_id = page.url.rsplit("/", 1)[1]

    photo = camera_photo()
    page.set_input_files("input[type=file][accept='image/*']", files=[
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    expect(page.locator(".photos li img")).to_have_count(1)
    expect(page.locator(".photos .badge.waiting")).to_have_count(0)
    [uploaded] = [size for method, path, size in live.requests if method == "POST" and path.endswith("/photos")]
    assert len(photo) > 2_000_000 and uploaded <= MAX_UPLOAD

    page.click("button:has-text('Đăng bán')")
    share = page.locator("[data-share-url]")
    expect(share).to_be_visible()
    assert share.get_attribute("href") == f"{live.url}/p/{product_id}"
    screenshot(page, "product")

    stored = live.api().get(f"/api/v1/catalog/{product_id}").get_json()
    assert stored["status"] == "published" and stored["price_vnd"] == 180_000
    assert max(stored["photos"][0]["width"], stored["photos"][0]["height"]) <= 1600
