"""Creates that phones may retry: the same id with the same content is the same request."""

import hashlib
import json

from flask_babel import lazy_gettext as _l

from server.errors import Conflict


def fingerprint(content):
    """A stable hash of a request's content (keys sorted, dates and numbers as text).

    An optional field sent as null is the same request as one that leaves it out.
    """
    present = {key: value for key, value in content.items() if value is not None}
    canonical = json.dumps(present, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_replay(existing_fingerprint, content, same_owner=True):
    """A retry returns quietly; different content under a used id, or an id someone else used, is a conflict."""
    if not same_owner or existing_fingerprint != fingerprint(content):
        raise Conflict(_l("This id was already used for different data."))
