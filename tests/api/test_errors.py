"""One JSON error shape for every failure, localized in Vietnamese and English."""

import pytest

ERROR_KEYS = {"code", "status", "message"}


def assert_error_shape(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert ERROR_KEYS <= set(body) <= ERROR_KEYS | {"errors"}
    assert body["code"] == status
    return body


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/no-such-page", "/api/v2/provinces"])
def test_unknown_path_is_json_404(client, path):
    body = assert_error_shape(client.get(path), 404)
    assert body["message"] == "Không tìm thấy nội dung bạn yêu cầu."


def test_vietnamese_is_the_default_and_english_on_request(client):
    vi = client.get("/api/v1/nope").get_json()["message"]
    en = client.get("/api/v1/nope", headers={"Accept-Language": "en-US,en;q=0.9"}).get_json()
    assert vi == "Không tìm thấy nội dung bạn yêu cầu."
    assert en["message"] == "We could not find what you asked for."


def test_unsupported_language_falls_back_to_vietnamese(client):
    body = client.get("/api/v1/nope", headers={"Accept-Language": "fr"}).get_json()
    assert body["message"] == "Không tìm thấy nội dung bạn yêu cầu."


@pytest.mark.parametrize(
    "language, message",
    [("vi", "Địa chỉ này không hỗ trợ thao tác này."), ("en", "This address does not accept this method.")],
)
def test_wrong_method_is_json_405(client, language, message):
    response = client.delete("/api/v1/provinces", headers={"Accept-Language": language})
    body = assert_error_shape(response, 405)
    assert body["message"] == message
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "language, message, field_error",
    [
        ("vi", "Một số thông tin chưa hợp lệ. Vui lòng kiểm tra lại.", "Phải là một số nguyên."),
        ("en", "Some of the information is not valid. Please check and try again.", "Not a valid integer."),
    ],
)
def test_bad_query_parameter_is_json_422_localized(client, language, message, field_error):
    response = client.get("/api/v1/communes?page=abc", headers={"Accept-Language": language})
    body = assert_error_shape(response, 422)
    assert body["message"] == message
    assert body["errors"] == {"page": [field_error]}


def test_range_messages_keep_their_numbers(client):
    body = client.get("/api/v1/communes?page_size=500").get_json()
    assert body["errors"]["page_size"] == ["Phải từ 1 đến 100."]


def test_unexpected_error_is_json_500_without_traceback(settings):
    from server import create_app

    app = create_app(settings)

    @app.route("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode", headers={"Accept-Language": "en"})
    body = assert_error_shape(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["message"] == "Something went wrong on our side. Please try again later."


def test_oversized_request_is_json_413(client):
    response = client.post("/api/v1/auth/otp", data=b"x" * (17 * 1024 * 1024),
                           content_type="application/json")
    assert_error_shape(response, 413)


def test_malformed_json_is_a_clear_error(client):
    response = client.post("/api/v1/auth/otp", data=b"{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.get_json()) >= ERROR_KEYS


@pytest.mark.parametrize("path", ["/api/v1/sellers/99999999999999999999999", "/api/v1/cohorts/2147483648"])
def test_ids_beyond_the_database_range_are_404_not_500(client, auth, path):
    person = auth.person()
    assert client.get(path, headers=person.headers).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["from=0001-01-01&to=9999-12-31", "group_by=month&from=9999-12-01&to=9999-12-31", "as_of=0001-01-01"],
)
def test_dates_out_of_any_sensible_range_are_422(client, auth, query):
    manager = auth.person("manager")
    for report in ("new-active-sellers", "commune-coverage", "training"):
        response = client.get(f"/api/v1/reports/{report}?{query}", headers=manager.headers)
        assert response.status_code in (200, 422), (report, response.get_json())
        assert response.status_code != 500
    response = client.get(f"/api/v1/reports/new-active-sellers?{query}", headers=manager.headers)
    if "as_of" not in query:
        assert response.status_code == 422


@pytest.mark.parametrize(
    "request_args",
    [{"path": "/api/v1/communes?q=%00"}, {"path": "/api/v1/unions?province=%00"},
     {"path": "/api/v1/auth/otp", "method": "POST", "json": {"phone": "0912\u0000345678"}}],
)
def test_nul_characters_are_refused_clearly(client, request_args):
    response = client.open(**request_args)
    body = assert_error_shape(response, 422)
    assert "request" in body["errors"]
