"""Provinces and communes: the official reference data and commune search."""

import pytest


def test_the_34_provinces_with_official_codes(client):
    response = client.get("/api/v1/provinces")
    assert response.status_code == 200
    provinces = response.get_json()
    assert len(provinces) == 34
    hanoi = next(p for p in provinces if p["code"] == "01")
    assert hanoi["name"] == "Thành phố Hà Nội"
    assert hanoi["division_type"] == "thanh_pho_trung_uong"
    assert {p["division_type"] for p in provinces} == {"tinh", "thanh_pho_trung_uong"}


def test_communes_of_all_provinces_add_up_to_3321(client):
    provinces = client.get("/api/v1/provinces").get_json()
    total = 0
    for province in provinces:
        communes = client.get(f"/api/v1/provinces/{province['code']}/communes").get_json()
        assert all(c["province_code"] == province["code"] for c in communes)
        total += len(communes)
    assert total == 3321


def test_province_communes_carry_official_fields(client):
    communes = client.get("/api/v1/provinces/01/communes").get_json()
    hoan_kiem = next(c for c in communes if c["code"] == "00070")
    assert hoan_kiem == {
        "code": "00070",
        "name": "Phường Hoàn Kiếm",
        "division_type": "phuong",
        "division_type_label": "Phường",
        "province_code": "01",
        "province_name": "Thành phố Hà Nội",
    }


def test_province_code_without_leading_zero_is_accepted(client):
    assert client.get("/api/v1/provinces/1/communes").get_json() == client.get(
        "/api/v1/provinces/01/communes"
    ).get_json()


def test_unknown_province_is_404_in_the_error_shape(client):
    for _ in range(2):  # the second time too: nothing is kept for a code that names no province
        response = client.get("/api/v1/provinces/99/communes")
        assert response.status_code == 404
        assert response.get_json()["code"] == 404


def test_reference_lists_kept_by_the_process_still_follow_the_language(client):
    """Provinces and communes are built once per process and language, then sent as they are."""
    def labels(language):
        headers = {"Accept-Language": language}
        provinces = client.get("/api/v1/provinces", headers=headers)
        communes = client.get("/api/v1/provinces/01/communes", headers=headers)
        assert provinces.mimetype == communes.mimetype == "application/json"
        assert "Accept-Language" in provinces.vary
        hanoi = next(p for p in provinces.get_json() if p["code"] == "01")
        hoan_kiem = next(c for c in communes.get_json() if c["code"] == "00070")
        return hanoi["division_type_label"], hoan_kiem["division_type_label"]

    assert labels("vi") == ("Thành phố trực thuộc trung ương", "Phường")
    assert labels("en") == ("Centrally-run city", "Ward")
    assert labels("vi") == ("Thành phố trực thuộc trung ương", "Phường")


@pytest.mark.parametrize("query", ["xuan", "XUÂN", "Xuân", "  xUaN "])
def test_commune_search_ignores_accents_and_case(client, query):
    body = client.get("/api/v1/communes", query_string={"q": query, "page_size": 100}).get_json()
    assert body["total"] > 0
    assert all("Xuân" in c["name"] or "Xuan" in c["name"] for c in body["items"])


def test_the_same_communes_whatever_the_accents(client):
    def codes(query):
        body = client.get("/api/v1/communes", query_string={"q": query, "page_size": 100})
        return {c["code"] for c in body.get_json()["items"]}

    assert codes("xuan") == codes("XUÂN") == codes("Xuân")


def test_d_matches_d_with_stroke(client):
    body = client.get("/api/v1/communes", query_string={"q": "dai mo"}).get_json()
    assert [c["name"] for c in body["items"]] == ["Phường Đại Mỗ"]


def test_every_word_must_match(client):
    body = client.get("/api/v1/communes", query_string={"q": "hoan kiem"}).get_json()
    assert [c["code"] for c in body["items"]] == ["00070"]


def test_search_within_a_province(client):
    everywhere = client.get("/api/v1/communes", query_string={"q": "xuan"}).get_json()
    in_hanoi = client.get("/api/v1/communes", query_string={"q": "xuan", "province": "01"}).get_json()
    assert 0 < in_hanoi["total"] < everywhere["total"]
    assert all(c["province_code"] == "01" for c in in_hanoi["items"])


def test_search_is_paginated(client):
    first = client.get("/api/v1/communes", query_string={"page_size": 50}).get_json()
    second = client.get("/api/v1/communes", query_string={"page_size": 50, "page": 2}).get_json()
    assert first["total"] == 3321
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 50, 50)
    assert second["page"] == 2
    assert not {c["code"] for c in first["items"]} & {c["code"] for c in second["items"]}


def test_page_past_the_end_is_empty(client):
    body = client.get("/api/v1/communes", query_string={"q": "hoan kiem", "page": 5}).get_json()
    assert body["items"] == [] and body["total"] == 1


def test_wildcards_in_the_query_are_plain_text(client):
    body = client.get("/api/v1/communes", query_string={"q": "%"}).get_json()
    assert body["total"] == 0


@pytest.mark.parametrize(
    "query, field",
    [
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": "x"}, "page"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_search_parameters_are_422_with_the_field(client, query, field):
    response = client.get("/api/v1/communes", query_string=query)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_unknown_province_filter_is_422(client):
    response = client.get("/api/v1/communes", query_string={"province": "99"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"province": ["Mã tỉnh không tồn tại."]}
