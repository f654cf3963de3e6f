"""Products: drafts, idempotent creates, editing rights, publishing rules, photos."""

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.models import Product, ProductPhoto
from tests.images import phone_jpeg, upload

HONEY = {"title": "Mật ong rừng Na Hang nguyên chất 500ml", "description": "Mật ong rừng thu hoạch tháng 4.",
         "category": "food", "price_vnd": 180_000, "unit": "hũ", "stock": 20, "weight_g": 700}


@pytest.fixture
def shop(client, auth):
    owner = auth.person()
    seller = client.post("/api/v1/sellers", headers=owner.headers,
                         json={"kind": "cooperative", "name": "HTX Mật ong", "commune_code": "02221"}).get_json()
    return owner, seller["id"]


def new_product(client, person, seller_id, **fields):
    return client.post(f"/api/v1/sellers/{seller_id}/products", headers=person.headers,
                       json={**HONEY, **fields})


def add_photo(client, person, product_id, data=None):
    return client.post(f"/api/v1/products/{product_id}/photos", headers=person.headers,
                       data=upload(data or phone_jpeg()), content_type="multipart/form-data")


def files(settings):
    from pathlib import Path

    root = Path(settings["MEDIA_ROOT"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_create_a_draft(client, shop):
    owner, seller_id = shop
    response = new_product(client, owner, seller_id)
    assert response.status_code == 201
    product = response.get_json()
    assert product["status"] == "draft"
    assert product["price_display"] == "180.000\xa0₫"
    assert product["share_url"].endswith(f"/p/{product['id']}")


def test_price_is_shown_the_english_way_in_english(client, shop):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    english = client.get(f"/api/v1/products/{product['id']}", headers={**owner.headers, "Accept-Language": "en"})
    assert english.get_json()["price_display"] == "₫180,000"


def test_client_id_makes_retries_safe(client, shop, app):
    owner, seller_id = shop
    product_id = str(uuid.uuid4())
    first = new_product(client, owner, seller_id, id=product_id)
    retry = new_product(client, owner, seller_id, id=product_id)
    assert first.status_code == retry.status_code == 201
    assert first.get_json()["id"] == retry.get_json()["id"] == product_id
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 1

    different = new_product(client, owner, seller_id, id=product_id, price_vnd=1)
    assert different.status_code == 409


@pytest.mark.parametrize(
    "field, value",
    [("title", "Mật ong"), ("title", "x" * 121), ("price_vnd", 0), ("price_vnd", 180_000_001),
     ("ocop_stars", 2), ("ocop_stars", 6), ("category", "weapons"), ("status", "sold"), ("stock", -1),
     ("id", "not-a-uuid")],
)
def test_field_limits(client, shop, app, field, value):
    owner, seller_id = shop
    response = new_product(client, owner, seller_id, **{field: value})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_publish_lists_what_is_missing(client, shop):
    owner, seller_id = shop
    product = client.post(f"/api/v1/sellers/{seller_id}/products", headers=owner.headers, json={}).get_json()
    response = client.post(f"/api/v1/products/{product['id']}/publish", headers=owner.headers)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title", "price_vnd", "photos", "category"}


def test_publish_with_everything(client, shop):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    missing = client.post(f"/api/v1/products/{product['id']}/publish", headers=owner.headers)
    assert set(missing.get_json()["errors"]) == {"photos"}

    assert add_photo(client, owner, product["id"]).status_code == 201
    published = client.post(f"/api/v1/products/{product['id']}/publish", headers=owner.headers)
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert published.get_json()["published_at"]


def test_create_as_published_follows_the_same_rules(client, shop):
    owner, seller_id = shop
    response = new_product(client, owner, seller_id, status="published")
    assert response.status_code == 422
    assert "photos" in response.get_json()["errors"]


def test_members_edit_products_strangers_do_not_see_them(client, shop, auth):
    owner, seller_id = shop
    member, stranger = auth.person(), auth.person()
    client.post(f"/api/v1/sellers/{seller_id}/members", headers=owner.headers, json={"phone": member.phone})
    [invitation] = client.get("/api/v1/me/invitations", headers=member.headers).get_json()
    client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=member.headers)
    product = new_product(client, owner, seller_id).get_json()
    url = f"/api/v1/products/{product['id']}"

    assert client.patch(url, headers=member.headers, json={"price_vnd": 175_000}).status_code == 200
    assert client.get(url, headers=stranger.headers).status_code == 404
    assert client.patch(url, headers=stranger.headers, json={"price_vnd": 1}).status_code == 404
    assert client.delete(url, headers=stranger.headers).status_code == 404
    assert new_product(client, stranger, seller_id).status_code == 404
    assert client.get(f"/api/v1/sellers/{seller_id}/products", headers=stranger.headers).status_code == 404


def test_list_products_paginated(client, shop):
    owner, seller_id = shop
    for n in range(3):
        new_product(client, owner, seller_id, title=f"Mật ong rừng số {n} loại một")
    body = client.get(f"/api/v1/sellers/{seller_id}/products?page_size=2", headers=owner.headers).get_json()
    assert body["total"] == 3 and len(body["items"]) == 2


def test_photo_is_upright_resized_and_stripped(client, shop, settings):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    response = add_photo(client, owner, product["id"], phone_jpeg(1200, 900, orientation=6))
    assert response.status_code == 201
    photo = response.get_json()
    assert (photo["width"], photo["height"]) == (900, 1200)
    assert set(photo["urls"]) == {"large", "medium", "thumb"}

    for size, url in photo["urls"].items():
        served = client.get(url.replace("http://localhost", ""))
        assert served.status_code == 200
        image = Image.open(io.BytesIO(served.data))
        assert image.format == "JPEG"
        assert image.height > image.width
        assert not image.getexif()
        assert "exif" not in image.info
    assert len(files(settings)) == 3


def test_hints_are_localized(client, shop):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    dark = phone_jpeg(1200, 900, brightness=0.1)
    hints = add_photo(client, owner, product["id"], dark).get_json()["hints"]
    assert "too_dark" in [h["code"] for h in hints]
    assert any("tối" in h["message"] for h in hints)


@pytest.mark.parametrize(
    "data, status",
    [(b"%PDF-1.4 not a photo", 415), (phone_jpeg()[:3000], 422), (b"x" * (15 * 1024 * 1024 + 1), 413)],
    ids=["pdf", "truncated-jpeg", "over-15MB"],
)
def test_bad_uploads_leave_nothing_behind(client, shop, app, settings, data, status):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    response = add_photo(client, owner, product["id"], data)
    assert response.status_code == status
    assert response.get_json()["code"] == status
    assert files(settings) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProductPhoto)) == 0


def test_missing_file_is_422(client, shop):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    response = client.post(f"/api/v1/products/{product['id']}/photos", headers=owner.headers,
                           data={}, content_type="multipart/form-data")
    assert response.status_code == 422


def test_at_most_nine_photos(client, shop):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    small = phone_jpeg(400, 300)
    for _ in range(9):
        assert add_photo(client, owner, product["id"], small).status_code == 201
    assert add_photo(client, owner, product["id"], small).status_code == 422


def test_reorder_and_delete_photos(client, shop, settings):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    first = add_photo(client, owner, product["id"], phone_jpeg(400, 300, seed=1)).get_json()
    second = add_photo(client, owner, product["id"], phone_jpeg(400, 300, seed=2)).get_json()

    reordered = client.put(f"/api/v1/products/{product['id']}/photos/order", headers=owner.headers,
                           json={"photo_ids": [second["id"], first["id"]]})
    assert [p["id"] for p in reordered.get_json()["photos"]] == [second["id"], first["id"]]
    bad = client.put(f"/api/v1/products/{product['id']}/photos/order", headers=owner.headers,
                     json={"photo_ids": [second["id"]]})
    assert bad.status_code == 422

    deleted = client.delete(f"/api/v1/products/{product['id']}/photos/{second['id']}", headers=owner.headers)
    assert deleted.status_code == 204
    assert len(files(settings)) == 3
    remaining = client.get(f"/api/v1/products/{product['id']}", headers=owner.headers).get_json()["photos"]
    assert [(p["id"], p["position"]) for p in remaining] == [(first["id"], 0)]


def test_delete_product_removes_its_files(client, shop, settings):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    add_photo(client, owner, product["id"])
    assert client.delete(f"/api/v1/products/{product['id']}", headers=owner.headers).status_code == 204
    assert files(settings) == []
    assert client.get(f"/api/v1/products/{product['id']}", headers=owner.headers).status_code == 404


def test_photos_go_to_s3_compatible_storage(settings, s3_endpoint, monkeypatch):
    """The same upload, with STORAGE_BACKEND=s3 against a real S3-compatible HTTP server."""
    import urllib.request

    from server import create_app
    from tests.conftest import Auth

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"cho-que-{uuid.uuid4().hex[:10]}"
    settings.update(STORAGE_BACKEND="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_endpoint)
    app = create_app(settings)
    app.extensions["storage"].ensure_bucket()
    client = app.test_client()
    owner = Auth(app).person()
    seller = client.post("/api/v1/sellers", headers=owner.headers,
                         json={"kind": "household", "name": "Hộ bà Mai", "commune_code": "02221"}).get_json()
    product = new_product(client, owner, seller["id"]).get_json()

    photo = add_photo(client, owner, product["id"], phone_jpeg(1200, 900, orientation=6)).get_json()

    large = photo["urls"]["large"]
    assert large.startswith(f"{s3_endpoint}/{bucket}/photos/")
    with urllib.request.urlopen(large, timeout=10) as response:
        image = Image.open(io.BytesIO(response.read()))
    assert image.size == (900, 1200) and not image.getexif()
    listed = app.extensions["storage"].client.list_objects_v2(Bucket=bucket)
    assert len(listed["Contents"]) == 3

    assert client.delete(f"/api/v1/products/{product['id']}", headers=owner.headers).status_code == 204
    assert app.extensions["storage"].client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def upload_with_id(client, person, product_id, photo_id, data):
    return client.post(f"/api/v1/products/{product_id}/photos", headers=person.headers,
                       data={**upload(data), "id": photo_id}, content_type="multipart/form-data")


def test_a_photo_sent_again_with_its_id_is_stored_once(client, shop, settings, app):
    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    photo_id = str(uuid.uuid4())
    data = phone_jpeg(800, 600)

    first = upload_with_id(client, owner, product["id"], photo_id, data)
    again = upload_with_id(client, owner, product["id"], photo_id, data)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"] == photo_id
    assert len(client.get(f"/api/v1/products/{product['id']}", headers=owner.headers).get_json()["photos"]) == 1
    assert len(files(settings)) == 3
    other = new_product(client, owner, seller_id, title="Chè Shan tuyết cổ thụ 200g").get_json()
    assert upload_with_id(client, owner, other["id"], photo_id, data).status_code == 409


def test_parallel_uploads_of_one_photo_store_it_once(client, shop, settings, app):
    from tests.api.test_sign_in_races import in_parallel

    owner, seller_id = shop
    product = new_product(client, owner, seller_id).get_json()
    photo_id, data = str(uuid.uuid4()), phone_jpeg(800, 600)

    responses = in_parallel(app, lambda c, _: upload_with_id(c, owner, product["id"], photo_id, data), count=6)

    assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProductPhoto)) == 1
    assert len(files(settings)) == 3
