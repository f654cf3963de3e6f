"""The app served for real on a free port (werkzeug, threaded), for clients that speak HTTP: the browser
tests and Schemathesis."""

import json
import re
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from server import create_app
from tests.conftest import _free_port


class QuietRequestHandler(WSGIRequestHandler):
    """Thousands of requests: the tests say which ones matter."""

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """The app on a real port; its links point at it (PUBLIC_BASE_URL). Notes the method, path and body
    size of every request, as the server received them."""

    def __init__(self, settings):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings["PUBLIC_BASE_URL"] = self.url
        self.settings = settings
        self.app = create_app(settings)
        self.requests = []
        self.server = make_server("127.0.0.1", self.port, self._recording(self.app.wsgi_app), threaded=True,
                                  request_handler=QuietRequestHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()

    def _recording(self, wsgi_app):
        def app(environ, start_response):
            self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                  int(environ.get("CONTENT_LENGTH") or 0)))
            return wsgi_app(environ, start_response)

        return app

    def sms(self):
        path = Path(self.settings["SMS_OUTBOX_PATH"])
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    def last_code(self, phone):
        message = [m for m in self.sms() if m["to"] == phone][-1]
        return re.search(r"\b(\d{6})\b", message["body"]).group(1)

    def api(self):
        """A client of the same app, to check from outside what reached the server."""
        return self.app.test_client()
