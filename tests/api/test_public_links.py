"""Links the app writes use PUBLIC_BASE_URL, whatever Host a client sends; forwarded headers count
only behind TRUSTED_PROXY_COUNT proxies."""

import csv
import io

import pytest

from server import create_app
from tests.api.helpers import listed_product, open_shop

PUBLIC = "https://choque.example"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http",
          "X-Forwarded-For": "6.6.6.6"}


@pytest.fixture(params=[0, 1], ids=["no proxy", "one trusted proxy"])
def public_app(request, settings):
    settings.update(PUBLIC_BASE_URL=PUBLIC, TRUSTED_PROXY_COUNT=request.param)
    return create_app(settings)


@pytest.fixture
def listed(public_app, auth):
    client = public_app.test_client()
    owner = auth.person()
    shop = open_shop(client, owner)
    return client, owner, shop, listed_product(client, owner, shop)


def links_in(value):
    """Every http(s) address anywhere in a JSON value."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in links_in(item)]
    if isinstance(value, list):
        return [link for item in value for link in links_in(item)]
    return [value] if isinstance(value, str) and value.startswith("http") else []


def test_a_forged_host_never_reaches_a_link(listed):
    client, owner, shop, item = listed
    answers = [client.get(f"/api/v1/catalog/{item['id']}", headers=FORGED).get_json(),
               client.get(f"/api/v1/products/{item['id']}", headers={**owner.headers, **FORGED}).get_json(),
               client.get("/api/v1/feeds/products", headers=FORGED).get_json()]
    links = [link for answer in answers for link in links_in(answer)]
    assert links and all(link.startswith(PUBLIC + "/") for link in links), links
    assert answers[0]["share_url"] == f"{PUBLIC}/p/{item['id']}"


def test_the_share_page_tells_previews_the_public_address(listed):
    client, owner, shop, item = listed
    html = client.get(f"/p/{item['id']}", headers=FORGED).get_data(as_text=True)
    assert f'<meta property="og:url" content="{PUBLIC}/p/{item["id"]}">' in html
    assert f'<meta property="og:image" content="{PUBLIC}/media/photos/' in html
    assert "evil.example" not in html


def test_the_export_sheet_lists_public_photo_addresses(listed):
    client, owner, shop, item = listed
    sheet = client.get(f"/api/v1/sellers/{shop}/products/export?format=csv", headers={**owner.headers, **FORGED})
    cells = [cell for row in csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))) for cell in row]
    photos = [cell for cell in cells if cell.startswith("http")]
    assert photos and all(cell.startswith(PUBLIC + "/media/") for cell in photos)


@pytest.mark.parametrize("proxies, limited", [(0, True), (1, False)], ids=["no proxy", "one trusted proxy"])
def test_the_per_ip_limit_reads_forwarded_addresses_only_behind_a_trusted_proxy(settings, proxies, limited):
    settings.update(OTP_IP_LIMIT="2 per hour", TRUSTED_PROXY_COUNT=proxies)
    client = create_app(settings).test_client()
    statuses = [client.post("/api/v1/auth/otp", json={"phone": f"091200000{n}"},
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(1, 4)]
    # Three people behind the proxy each get their own limit; a client naming itself gets none.
    assert statuses == ([202, 202, 429] if limited else [202, 202, 202])
