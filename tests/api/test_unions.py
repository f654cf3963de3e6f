"""Union branches loaded by setup."""


def test_seventy_branches_national_and_provincial(client):
    branches = client.get("/api/v1/unions").get_json()
    assert len(branches) == 70
    for kind in ("womens_union", "youth_union"):
        of_kind = [b for b in branches if b["kind"] == kind]
        assert len(of_kind) == 35
        assert sum(1 for b in of_kind if b["province_code"] is None) == 1
        assert len({b["province_code"] for b in of_kind if b["province_code"]}) == 34


def test_filter_by_province_and_kind(client):
    branches = client.get("/api/v1/unions?province=04&kind=womens_union").get_json()
    assert [b["name"] for b in branches] == ["Hội Liên hiệp Phụ nữ tỉnh Cao Bằng"]


def test_names_follow_the_language(client):
    branches = client.get(
        "/api/v1/unions?province=01&kind=youth_union", headers={"Accept-Language": "en"}
    ).get_json()
    assert [b["name"] for b in branches] == ["Youth Union of Hà Nội city"]


def test_unknown_kind_is_422(client):
    response = client.get("/api/v1/unions?kind=farmers_union")
    assert response.status_code == 422
    assert "kind" in response.get_json()["errors"]
