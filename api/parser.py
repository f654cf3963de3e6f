"""How request arguments are read: webargs' Flask parser, made safe against hostile JSON bodies."""

import json
import re

from webargs import core
from werkzeug.datastructures import CombinedMultiDict
from webargs.flaskparser import FlaskParser, abort, is_json_request

from server.messages import INVALID_JSON, JSON_LONE_SURROGATE, JSON_NUMBER_TOO_LONG, JSON_TOO_DEEP

# A lone surrogate can only come from a `\uD800`–`\uDFFF` escape: as raw bytes it is not UTF-8 and
# already fails decoding. Bodies without such an escape (nearly all) skip the walk over the values.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class RequestParser(FlaskParser):
    """webargs' FlaskParser; the one place where reading request bodies is decided.

    webargs only turns JSONDecodeError into a 400. Python's json module also raises RecursionError
    (deeply nested arrays) and ValueError (an integer of more than 4,300 digits), and it accepts
    lone surrogates, which cannot be encoded as UTF-8 when they are stored or sent back: each of
    these is a client's mistake, answered with our JSON error instead of a 500.
    """

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        try:
            data = core.parse_json(body)
        except RecursionError:
            abort(400, messages={"json": [JSON_TOO_DEEP]})
        except json.JSONDecodeError:
            raise
        except ValueError:
            abort(400, messages={"json": [JSON_NUMBER_TOO_LONG]})
        if _SURROGATE_ESCAPE.search(body) and _has_lone_surrogate(data):
            abort(422, messages={"json": [JSON_LONE_SURROGATE]})
        return data

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, messages={"json": [INVALID_JSON]})

    # A multipart form's files and its other fields, in one schema (a photo and its client id).
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


def _has_lone_surrogate(data):
    """Whether any key or text in the parsed body holds half of a surrogate pair.

    A loop rather than recursion: the body may be nested nearly as deep as the parser allows.
    """
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False
