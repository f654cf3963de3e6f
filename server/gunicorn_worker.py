"""gunicorn's sync worker, answering the requests gunicorn itself refuses in our JSON error shape.

gunicorn answers a request line over `limit_request_line` (414), headers over their limits (431)
or a request it cannot parse (400) with an HTML page of its own, before the app sees anything.
This worker lets gunicorn decide the status and log as usual, and writes our JSON instead.
"""

import json

from gunicorn import util
from gunicorn.workers.sync import SyncWorker
from werkzeug.http import HTTP_STATUS_CODES


class _Written:
    """Stands in for the client socket while gunicorn writes its HTML error, to keep only the status."""

    def __init__(self):
        self.data = b""

    def gettimeout(self):
        return 0.0

    def setblocking(self, _flag):
        pass

    def sendall(self, data):
        self.data += data


class JsonErrorWorker(SyncWorker):
    def handle_error(self, req, client, addr, exc):
        written = _Written()
        super().handle_error(req, written, addr, exc)
        status = _status_of(written.data)
        body = json.dumps(self._error_body(status), ensure_ascii=False).encode()
        head = (
            f"HTTP/1.1 {status} {HTTP_STATUS_CODES.get(status, 'Error')}\r\n"
            "Connection: close\r\n"
            "Content-Type: application/json\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            # Without blocking, as gunicorn writes its own: a client that reads nothing cannot hold the worker.
            util.write_nonblock(client, head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Could not send the error to the client.")

    def _error_body(self, status):
        """The app's error body, in its default language: the headers naming another were not read."""
        from server.errors import error_body

        app = self.wsgi
        if hasattr(app, "test_request_context"):
            with app.test_request_context():
                return error_body(status)
        return {"code": status, "status": HTTP_STATUS_CODES.get(status, "Error"), "message": ""}


def _status_of(response):
    """The status of the response gunicorn wrote ("HTTP/1.1 414 URI Too Long"), 500 if none."""
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 500
