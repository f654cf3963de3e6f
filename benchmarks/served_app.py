"""The app served for real on a free port, on a fresh SQLite database with one household that has a
shop and a product on sale, a provincial programme manager, and demo sellers across the country for the
manager's reports: what the PWA measurements (pwa_budget.py, lighthouse.py) open."""

import io
import json
import re
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import settings_for_tests  # noqa: E402
from server import create_app  # noqa: E402

PHONE = "+84912345678"
# A programme manager of Tuyên Quang (124 communes, a few hundred demo sellers): the /reports screen.
MANAGER_PHONE = "+84977000111"
MANAGER_PROVINCE = "08"
# A Women's Union trainer of Tuyên Quang with a cohort of two households: the /cohorts screens.
TRAINER_PHONE = "+84966000111"
DEMO_SELLERS = 3000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@dataclass
class Sent:
    """One response as it went on the wire: its status line, headers and (compressed) body."""

    path: str
    content_type: str
    size: int


class _CountingWriter:
    def __init__(self, stream):
        self.stream, self.count = stream, 0

    def write(self, data):
        self.count += len(data)
        return self.stream.write(data)

    def __getattr__(self, name):
        return getattr(self.stream, name)


class CountingHandler(WSGIRequestHandler):
    """Werkzeug's request handler, noting the bytes each response wrote to the socket: whoever asked
    (a page, its service worker, the browser updating the worker), it is counted where it leaves."""

    def setup(self):
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def send_header(self, keyword, value):
        if keyword.lower() == "content-type":
            self.sent_type = value
        super().send_header(keyword, value)

    def run_wsgi(self):
        start, self.sent_type = self.wfile.count, ""
        try:
            super().run_wsgi()
        finally:
            self.server.sent.append(Sent(self.path, self.sent_type, self.wfile.count - start))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedApp:
    def __init__(self, demo_sellers=DEMO_SELLERS):
        self.folder = Path(tempfile.mkdtemp(prefix="choque-pwa-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = settings_for_tests(
            f"sqlite:///{self.folder / 'choque.db'}", MEDIA_ROOT=str(self.folder / "media"),
            SMS_OUTBOX_PATH=str(self.folder / "sms.jsonl"), PUBLIC_BASE_URL=self.url, RATELIMIT_ENABLED=False,
        )
        self.app = create_app(settings)
        result = self.app.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        if demo_sellers:
            result = self.app.test_cli_runner().invoke(args=["demo-data", "--sellers", str(demo_sellers)])
            assert result.exit_code == 0, result.output
        self._manager()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True, request_handler=CountingHandler)
        # Every response the server wrote, in order (benchmarks/pwa_budget.py reads it).
        self.sent = self.server.sent = []
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.product_id = self._household()
        self.cohort_id = self._trainer()

    def code(self, phone=PHONE):
        lines = (self.folder / "sms.jsonl").read_text(encoding="utf-8").splitlines()
        body = [json.loads(line) for line in lines if json.loads(line)["to"] == phone][-1]["body"]
        return re.search(r"\b(\d{6})\b", body).group(1)

    def _household(self):
        """A household with a shop and a published product with a photo, made through the API."""
        client = self.app.test_client()
        client.post("/api/v1/auth/otp", json={"phone": PHONE})
        tokens = client.post("/api/v1/auth/verify", json={"phone": PHONE, "code": self.code()}).get_json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        client.patch("/api/v1/me", headers=headers, json={"full_name": "Lò Thị Mai", "locale": "vi"})
        seller = client.post("/api/v1/sellers", headers=headers, json={
            "kind": "household", "name": "Mật ong rừng nhà Mai", "commune_code": "02221"}).get_json()
        product = client.post(f"/api/v1/sellers/{seller['id']}/products", headers=headers, json={
            "title": "Mật ong rừng Na Hang nguyên chất 500ml", "price_vnd": 180000, "category": "food",
            "description": "Mật ong rừng thu hoạch tháng 4, đóng chai thủy tinh."}).get_json()
        photo = io.BytesIO()
        Image.new("RGB", (1600, 1200), (190, 140, 40)).save(photo, "JPEG", quality=85)
        client.post(f"/api/v1/products/{product['id']}/photos", headers=headers,
                    data={"file": (io.BytesIO(photo.getvalue()), "honey.jpg")}, content_type="multipart/form-data")
        client.post(f"/api/v1/products/{product['id']}/publish", headers=headers)
        return product["id"]

    def _trainer(self):
        """A trainer with a cohort in Nà Hang and two households enrolled in person, made through the API."""
        from sqlalchemy import select

        from server.extensions import db
        from server.models import UnionBranch
        from server.services.accounts import create_staff_user

        with self.app.app_context():
            branch = db.session.scalar(select(UnionBranch.id).where(UnionBranch.key == "womens_union:08"))
            create_staff_user(TRAINER_PHONE, "trainer", union_id=branch)
        client = self.app.test_client()
        client.post("/api/v1/auth/otp", json={"phone": TRAINER_PHONE})
        tokens = client.post("/api/v1/auth/verify", json={"phone": TRAINER_PHONE, "code": self.code(TRAINER_PHONE)}).get_json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        client.patch("/api/v1/me", headers=headers, json={"full_name": "Hà Thị Thu", "locale": "vi"})
        cohort = client.post("/api/v1/cohorts", headers=headers, json={
            "name": "Lớp bán hàng online Nà Hang khóa 1", "union_id": branch, "commune_codes": ["02221"],
            "starts_on": "2026-11-01", "track_slugs": ["getting-started"]}).get_json()
        for phone, name in (("0912111222", "Lò Thị Mai"), ("0912111333", "Hà Thị Lan")):
            client.post(f"/api/v1/cohorts/{cohort['id']}/members", headers=headers, json={
                "phone": phone, "full_name": name, "commune_code": "02221",
                "consent": {"version": "2025-1", "purposes": ["account", "training"]}})
        return cohort["id"]

    def _manager(self):
        from server.services.accounts import create_staff_user

        with self.app.app_context():
            create_staff_user(MANAGER_PHONE, "manager", province_codes=[MANAGER_PROVINCE])

    def sign_in(self, page, phone=PHONE, screen="home"):
        """Sign in through the app, as a person does (the household by default); `screen` is where
        the person lands (a manager's home is /reports)."""
        page.goto(f"{self.url}/")
        page.fill("input[name=phone]", "0" + phone.removeprefix("+84"))
        page.click("form button[type=submit]")
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", self.code(phone))
        page.click("form button[type=submit]")
        page.wait_for_selector(f"[data-screen={screen}]")

    def wait_until_quiet(self, seconds=1.0, timeout=60):
        """Wait until the server has answered nothing for `seconds`: what the phones were doing in the
        background (a service worker keeping the app) has ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = len(self.sent)
            time.sleep(seconds)
            if len(self.sent) == count:
                return
        raise AssertionError("the server never went quiet")

    def close(self):
        self.server.shutdown()
