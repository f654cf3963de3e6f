"""Sending SMS behind a small interface: an outbox file (default) or an HTTP provider."""

import json
import logging
import threading
import urllib.error
import urllib.request
from pathlib import Path

from server.clock import now

log = logging.getLogger(__name__)


class SmsError(RuntimeError):
    """The message could not be handed to the provider."""


class OutboxSms:
    """Appends one JSON line per message to a file; for development and tests."""

    _lock = threading.Lock()

    def __init__(self, path):
        self.path = Path(path)

    def send(self, to, body):
        line = json.dumps({"to": to, "body": body, "at": now().isoformat()}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self.path.open("a", encoding="utf-8") as outbox:
                outbox.write(line + "\n")
        except OSError as error:
            raise SmsError(f"cannot write SMS outbox {self.path}: {error}") from error
        log.info("SMS to %s: %s", to, body)


class HttpSms:
    """Posts `{"to", "body"}` as JSON to a provider endpoint with a bearer API key."""

    def __init__(self, url, api_key, timeout=10):
        if not url:
            raise ValueError("SMS_HTTP_URL must be set when SMS_BACKEND=http")
        self.url = url
        self.api_key = api_key
        self.timeout = timeout

    def send(self, to, body):
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"to": to, "body": body}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise SmsError(f"SMS provider answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"SMS provider unreachable or refused: {error}") from error
        log.info("SMS to %s sent through %s", to, self.url)


def sms_from_config(config):
    backend = config.get("SMS_BACKEND", "outbox")
    if backend == "outbox":
        return OutboxSms(config["SMS_OUTBOX_PATH"])
    if backend == "http":
        return HttpSms(config["SMS_HTTP_URL"], config["SMS_HTTP_API_KEY"],
                       float(config.get("SMS_HTTP_TIMEOUT", 10)))
    raise ValueError(f"SMS_BACKEND must be 'outbox' or 'http', not {backend!r}")


def init_app(app):
    app.extensions["sms"] = sms_from_config(app.config)
