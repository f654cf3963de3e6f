"""GET /healthz."""

from server import create_app


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unreachable_database_is_503_naming_the_part(settings, tmp_path):
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"
    response = create_app(settings).test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503
    assert body["database"] == "error"
    assert body["errors"] == {"database": "unreachable"}
    assert body["message"]
