"""Creates that phones may retry: the same id with the same content is the same request."""

import hashlib
import json

from flask_babel import lazy_gettext as _l

from server.errors import Conflict


def fingerprint(content):
    """A stable hash of a request's content (keys sorted, dates and numbers as text)."""
    canonical = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_replay(existing_fingerprint, content):
    """A retry returns quietly; different content under a used id is a conflict."""
    if existing_fingerprint != fingerprint(content):
        raise Conflict(_l("This id was already used for different data."))
