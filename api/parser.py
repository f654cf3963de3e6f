"""How request arguments are read: webargs' Flask parser."""

from webargs.flaskparser import FlaskParser


class RequestParser(FlaskParser):
    """webargs' FlaskParser; the one place where reading request bodies is decided."""
