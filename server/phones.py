"""Vietnamese mobile numbers: parsed from what people type, stored as E.164."""

import phonenumbers
from flask_babel import lazy_gettext as _l

from server.errors import InvalidInput

MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
MAX_INPUT_LENGTH = 25


def normalize_mobile(raw, field="phone"):
    """"0912 345 678", "0912.345.678", "84912345678" -> "+84912345678"; raises InvalidInput."""
    text = (raw or "").strip()
    try:
        if len(text) > MAX_INPUT_LENGTH:
            raise phonenumbers.NumberParseException(0, "too long")
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise InvalidInput(errors={field: [_l("This is not a phone number.")]}) from None
    if (
        phonenumbers.region_code_for_number(number) != "VN"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise InvalidInput(
            errors={field: [_l("Please enter a Vietnamese mobile number, for example 0912 345 678.")]}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(phone):
    """"+84912345678" -> "0912 345 678", the way people write it."""
    number = phonenumbers.parse(phone, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
