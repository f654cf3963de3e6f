"""How large a request body each route accepts: MAX_CONTENT_LENGTH (config.py, 64 KB) by default,
more where a view says so.

Flask reads at most `request.max_content_length` bytes and answers 413 beyond it, from the
Content-Length header before reading anything, or while reading a body sent in chunks. One limit
for the whole app would have to fit the largest upload (a 15 MB photo), and every JSON route would
then parse 15 MB of whatever a client sends before its own checks run.
"""

from flask import current_app, request

KB = 1024
MB = 1024 * KB


def body_limit(limit):
    """Class decorator for a MethodView whose requests may carry up to `limit` bytes."""

    def decorate(view_class):
        view_class.max_body_bytes = limit
        return view_class

    return decorate


def apply_body_limit():
    """Before a request is read: the limit of the view it goes to, if that view set one."""
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(getattr(view, "view_class", None), "max_body_bytes", None)
    if limit is not None:
        request.max_content_length = limit


def init_app(app):
    # Registered before any other hook reads the body (the NUL-character guard does).
    app.before_request(apply_body_limit)
