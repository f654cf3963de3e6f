"""VietQR payloads: the transfer note (tag 62.08) as NAPAS banks take it, the rest byte for byte."""

import binascii

import pytest

from server.vietqr import clean_memo, crc16_ccitt, payload
from tests.api.test_commerce import tlv


@pytest.mark.parametrize("memo, note", [
    ("Mật ong đơn 12", "MAT ONG DON 12"),
    # 25 characters at most, ending on a whole word: "MAT ONG RUNG NA HANG DON 12" is 27.
    ("Mật ong rừng Na Hang đơn 12", "MAT ONG RUNG NA HANG DON"),
    ("Đặng Thị Đào trả tiền chè Shan tuyết", "DANG THI DAO TRA TIEN CHE"),
    ("  Đơn #12 – chè (200g)!  ", "DON 12 CHE 200G"),
    ("Thanhtoandonhangmatongrungnahang", "THANHTOANDONHANGMATONGRUN"),  # one word longer than a note
    ("!!!", ""),
    ("", ""),
    (None, ""),
])
def test_the_note_is_plain_ascii_of_whole_words_within_25_characters(memo, note):
    assert clean_memo(memo) == note
    assert len(clean_memo(memo)) <= 25 and clean_memo(memo).isascii()


def test_a_long_note_goes_into_62_08_and_the_crc_covers_it():
    text = payload("970405", "3100205123456", 180_000, "Thanh toán đơn hàng mật ong rừng Nà Hang số 12")
    fields = tlv(text)
    assert tlv(fields["62"]) == {"08": "THANH TOAN DON HANG MAT"}
    # CRC-16/CCITT-FALSE computed independently (binascii), over everything up to and including "6304".
    assert fields["63"] == f"{binascii.crc_hqx(text[:-4].encode('ascii'), 0xFFFF):04X}" == crc16_ccitt(text[:-4])


def test_everything_else_is_byte_for_byte_as_before():
    """Payloads as the code wrote them before the note was shortened: with a short note, or none,
    not one byte changes."""
    assert payload("970405", "3100205123456", 180_000, "Mật ong đơn 12") == (
        "00020101021238570010A00000072701270006970405011331002051234560208QRIBFTTA"
        "530370454061800005802VN62180814MAT ONG DON 126304EA32")
    assert payload("970436", "0123456789") == (
        "00020101021138540010A00000072701240006970436011001234567890208QRIBFTTA53037045802VN63046A15")
