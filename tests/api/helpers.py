"""Request helpers shared by the API tests: a shop with a published product in one call."""

from tests.images import phone_jpeg, upload

HONEY = {"title": "Mật ong rừng Na Hang nguyên chất 500ml", "description": "Mật ong rừng thu hoạch tháng 4.",
         "category": "food", "price_vnd": 180_000, "unit": "hũ", "stock": 20, "weight_g": 700}


def open_shop(client, person, commune_code="02221", kind="household", name="Hộ bà Mai"):
    response = client.post("/api/v1/sellers", headers=person.headers,
                           json={"kind": kind, "name": name, "commune_code": commune_code})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def listed_product(client, person, seller_id, publish=True, **fields):
    product = client.post(f"/api/v1/sellers/{seller_id}/products", headers=person.headers,
                          json={**HONEY, **fields}).get_json()
    photo = client.post(f"/api/v1/products/{product['id']}/photos", headers=person.headers,
                        data=upload(phone_jpeg(400, 300)), content_type="multipart/form-data")
    assert photo.status_code == 201, photo.get_json()
    if publish:
        response = client.post(f"/api/v1/products/{product['id']}/publish", headers=person.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()
    return product
