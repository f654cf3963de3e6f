"""The shop screen: the owner chooses what the shop's public product pages show buyers."""

from playwright.sync_api import expect

from server.extensions import db
from server.models import Seller
from tests.web.conftest import screenshot
from tests.web.journeys import open_shop, sign_in


def stored_options(live):
    with live.app.app_context():
        seller = db.session.scalars(db.select(Seller)).one()
        return {"show_phone": seller.show_phone, "show_channels": seller.show_channels,
                "show_vietqr": seller.show_vietqr}


def test_the_owner_turns_on_the_call_and_zalo_buttons(page, live):
    sign_in(page, live)
    open_shop(page)
    options = page.locator("#product-page")
    options.scroll_into_view_if_needed()
    expect(options.get_by_role("heading")).to_have_text("Trên trang sản phẩm của bạn")
    switches = options.get_by_role("switch")
    expect(switches).to_have_count(3)
    for switch in switches.all():
        expect(switch).not_to_be_checked()
    expect(options).to_contain_text("Người mua sẽ thấy số 0912 345 678.")

    options.get_by_text("Nút gọi điện và nhắn Zalo").click()
    expect(options.get_by_role("status")).to_have_text("Đã lưu.")
    expect(page.locator("input[name=show_phone]")).to_be_checked()
    assert stored_options(live) == {"show_phone": True, "show_channels": False, "show_vietqr": False}
    screenshot(page, "shop-product-page")

    page.reload()
    expect(page.locator("input[name=show_phone]")).to_be_checked()
    expect(page.locator("input[name=show_vietqr]")).not_to_be_checked()
    page.locator("input[name=show_phone]").click()
    expect(page.locator("#product-page [role=status]")).to_have_text("Đã lưu.")
    assert stored_options(live)["show_phone"] is False
