"""Localized texts for HTTP statuses and for marshmallow's validation messages."""

import re

from flask_babel import gettext, lazy_gettext as _l


def N_(message):
    """Mark a string for extraction; it is translated later, where it is used."""
    return message


STATUS_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in again."),
    403: _l("You are not allowed to do this."),
    404: _l("We could not find what you asked for."),
    405: _l("This address does not accept this method."),
    409: _l("This conflicts with data that is already saved."),
    413: _l("What you sent is too large."),
    414: _l("The address is too long."),
    415: _l("This type of file is not supported."),
    422: _l("Some of the information is not valid. Please check and try again."),
    429: _l("Too many attempts. Please wait a little and try again."),
    431: _l("The request headers are too large."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("The service is temporarily unavailable. Please try again later."),
}

NUL_CHARACTER = _l("Text cannot contain the NUL character.")

# Request bodies the JSON parser cannot take (api/parser.py).
INVALID_JSON = _l("The data sent is not valid JSON.")
JSON_TOO_DEEP = _l("The data sent is nested too deeply.")
JSON_NUMBER_TOO_LONG = _l("A number in the data sent has too many digits.")
JSON_LONE_SURROGATE = _l("Text contains a broken character (half of a surrogate pair).")

# marshmallow and webargs write these in English; we translate them on the way out.
VALIDATION_TEMPLATES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid string."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid UUID."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Number too large."),
    N_("Must be one of: {choices}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Longer than maximum length {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Length must be {equal}."),
)


def _pattern(template):
    escaped = re.escape(template)
    return re.compile(
        "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", escaped) + "$", re.DOTALL
    )


_PATTERNS = [(template, _pattern(template)) for template in VALIDATION_TEMPLATES]


def translate_message(message):
    """Translate one validation message, keeping the values it names."""
    for template, pattern in _PATTERNS:
        match = pattern.match(message)
        if match:
            return gettext(template).format(**match.groupdict())
    return message


def translate_errors(errors):
    """Translate every message in a nested marshmallow errors structure."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [translate_errors(item) for item in errors]
    if isinstance(errors, str):
        return translate_message(errors)
    return str(errors)
