"""The app under real gunicorn with the repository's gunicorn.conf.py: gunicorn's own refusals are JSON."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import _free_port, _wait_until_listening

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gunicorn(database_url, tmp_path_factory):
    """gunicorn started the way production starts it, from the repository root, on a free port."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("gunicorn")
    environment = {**os.environ, "APP_ENV": "test", "DATABASE_URL": database_url,
                   "MEDIA_ROOT": str(folder / "media"), "SMS_OUTBOX_PATH": str(folder / "sms.jsonl")}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_until_listening(port, seconds=30)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def exchange(port, raw):
    """Send raw bytes as one HTTP request; (status, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def get(path, *headers):
    return (f"GET {path} HTTP/1.1\r\nHost: localhost\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n").encode()


def assert_json_error(answer, status):
    code, headers, body = answer
    assert code == status
    assert headers["content-type"] == "application/json"
    error = json.loads(body)
    assert error["code"] == status and error["message"] and set(error) == {"code", "status", "message"}
    return error


def test_the_app_answers_through_gunicorn(gunicorn):
    status, headers, body = exchange(gunicorn, get("/healthz"))
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
    assert headers["x-content-type-options"] == "nosniff"


def test_a_request_line_too_long_is_a_json_414(gunicorn):
    error = assert_json_error(exchange(gunicorn, get("/api/v1/communes?q=" + "x" * 5000)), 414)
    assert error["message"] == "Địa chỉ quá dài."


def test_a_header_too_large_is_a_json_431(gunicorn):
    error = assert_json_error(exchange(gunicorn, get("/healthz", "Cookie: " + "x" * 9000)), 431)
    assert error["status"] == "Request Header Fields Too Large"


def test_too_many_headers_is_a_json_431(gunicorn):
    assert_json_error(exchange(gunicorn, get("/healthz", *(f"X-Filler-{n}: {n}" for n in range(120)))), 431)


def test_a_request_gunicorn_cannot_parse_is_a_json_400(gunicorn):
    assert_json_error(exchange(gunicorn, b"NOT A REQUEST\r\n\r\n"), 400)


def test_workers_forked_from_the_preloaded_app_reach_the_database_and_the_lessons(gunicorn):
    code, _, body = exchange(gunicorn, get("/healthz"))
    assert (code, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
    code, _, body = exchange(gunicorn, get("/api/v1/lessons/what-is-selling-online", "Connection: close"))
    assert code == 200
    assert json.loads(body)["slug"] == "what-is-selling-online"
