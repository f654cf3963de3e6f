"""A client generated from /api/v1/openapi.json by openapi-python-client, as an integrator would make one,
works against the app served for real: signing in, my profile, a catalog page and a JSON report."""

import importlib
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import settings_for_tests
from server import create_app
from tests.api.helpers import HONEY, listed_product, open_shop
from tests.live_server import LiveServer

PACKAGE = "choque_client"
# What the generator cannot read, and leaves out of the client with a warning: the RSS feed is XML.
NOT_GENERATED = {"GET /api/v1/feeds/products.xml"}


@pytest.fixture(scope="module")
def api_client(database_url, tmp_path_factory):
    """The generated package, imported: built once for the module from the app's own document."""
    document = create_app(settings_for_tests(database_url)).test_client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_bytes(document.get_data())
    (folder / "config.yaml").write_text(f"package_name_override: {PACKAGE}\n", encoding="utf-8")
    # The generator formats its code with ruff, installed beside it in the virtualenv.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json",
         "--output-path", PACKAGE, "--meta", "none", "--config", "config.yaml"],
        cwd=folder, capture_output=True, text=True, timeout=120, env={**os.environ, "PATH": path}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = set(re.findall(r"WARNING parsing (\S+ \S+) within", result.stdout + result.stderr))
    assert skipped <= NOT_GENERATED, result.stdout + result.stderr

    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def live(settings):
    with LiveServer(settings) as server:
        yield server


def generated(name):
    return importlib.import_module(f"{PACKAGE}.{name}")


def signed_in(api_client, live, token):
    return api_client.AuthenticatedClient(base_url=live.url, token=token, raise_on_unexpected_status=True)


def test_a_new_user_signs_in_and_reads_and_changes_their_profile(api_client, live):
    public = api_client.Client(base_url=live.url, raise_on_unexpected_status=True)
    models = generated("models")
    sent = generated("api.auth.post_auth_otp").sync(client=public, body=models.OtpRequest(phone="0912 345 678"))
    assert sent.expires_in == 300
    sign_in = generated("api.auth.post_auth_verify").sync(
        client=public, body=models.Verify(phone="0912345678", code=live.last_code("+84912345678")))
    assert sign_in.is_new is True

    me_client = signed_in(api_client, live, sign_in.access_token)
    me = generated("api.me.get_me").sync(client=me_client)
    # A new user has no name, language or gender yet: nulls the client must read.
    assert (me.phone, me.full_name, me.locale, me.gender, me.sellers) == ("+84912345678", None, None, None, [])

    generated("api.me.patch_me").sync(client=me_client, body=models.MeUpdate(full_name="Lò Thị Mai"))
    assert generated("api.me.get_me").sync(client=me_client).full_name == "Lò Thị Mai"


def test_a_catalog_page_shows_a_published_product(api_client, live, auth):
    owner = auth.person(full_name="Lò Thị Mai")
    seller_id = open_shop(live.api(), owner, name="Hộ bà Mai")
    listed_product(live.api(), owner, seller_id)

    public = api_client.Client(base_url=live.url, raise_on_unexpected_status=True)
    page = generated("api.catalog.get_catalog").sync(client=public, q="mat ong na hang")
    assert (page.total, page.page) == (1, 1)
    (product,) = page.items
    assert (product.title, product.price_vnd, product.price_display) == (HONEY["title"], 180_000, "180.000\xa0₫")
    assert product.seller.name == "Hộ bà Mai"
    assert product.photos[0].urls.thumb.startswith(f"{live.url}/media/")


def test_a_json_report_gives_its_totals(api_client, live, auth):
    owner = auth.person(full_name="Lò Thị Mai")
    seller_id = open_shop(live.api(), owner)  # a commune of Tuyên Quang (08)
    listed_product(live.api(), owner, seller_id)
    today = (datetime.now(UTC) + timedelta(hours=7)).date()  # in Vietnam
    sale = live.api().post(f"/api/v1/sellers/{seller_id}/sales", headers=owner.headers,
                           json={"id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "occurred_on": today.isoformat(),
                                 "channel": "zalo", "amount_vnd": 180_000})
    assert sale.status_code == 201, sale.get_json()
    manager = auth.person("manager", province="08")

    reports = generated("api.reports.get_reports_new_active_sellers")
    group_by = generated("models").GetReportsNewActiveSellersGroupBy
    token = manager.headers["Authorization"].removeprefix("Bearer ")
    report = reports.sync(client=signed_in(api_client, live, token), province="08", group_by=group_by.PROVINCE)
    (row,) = report.items
    assert (row.province_code, row.new_active, row.active_total) == ("08", 1, 1)
    assert (report.totals.new_active, report.totals.active_total) == (1, 1)
