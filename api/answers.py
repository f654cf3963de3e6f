"""Answers that do not change while the process runs, written once per process and language."""

from flask import current_app
from flask_babel import get_locale


def written_once(name, build):
    """The JSON answer `build()` gives, built and encoded the first time it is asked for in the
    process's current language, then sent as it is.

    Only for what no request can change: reference data (only `flask setup` changes it, and a deploy
    restarts the workers) and the training content (read from files once per process). An error raised
    while building (NotFound) keeps nothing."""
    answers = current_app.extensions.setdefault("written_answers", {})
    key = (name, str(get_locale()))
    if key not in answers:
        # As every JSON answer is written (server/json_responses.py), newline included.
        answers[key] = current_app.json.dumps(build()).encode() + b"\n"
    return current_app.response_class(answers[key], mimetype="application/json")
