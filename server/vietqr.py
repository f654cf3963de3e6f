"""VietQR payloads (NAPAS 247 transfer to an account, EMVCo QR format) and their PNG codes."""

import base64
import io
import re

import qrcode

from server.text import clip_words, fold

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
# EMVCo's purpose of transaction (62.08) may hold 25 characters, and NAPAS banks cut longer notes.
MAX_MEMO_LENGTH = 25

# NAPAS bank identification numbers of banks households commonly use.
BANKS = {
    "970405": "Agribank",
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970407": "Techcombank",
    "970422": "MB Bank",
    "970416": "ACB",
    "970432": "VPBank",
    "970403": "Sacombank",
    "970423": "TPBank",
    "970449": "LPBank",
    "970441": "VIB",
    "970443": "SHB",
    "970437": "HDBank",
    "970448": "OCB",
    "970440": "SeABank",
    "970426": "MSB",
    "970431": "Eximbank",
    "970428": "Nam A Bank",
    "970409": "Bac A Bank",
    "970446": "Co-opBank",
    "970454": "BVBank",
    "970425": "ABBANK",
    "970412": "PVcomBank",
    "970452": "KienlongBank",
}


def _field(tag, value):
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo requires, in 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def clean_memo(memo):
    """Banks accept plain ASCII transfer notes: no accents ("đ" as "d"), no symbols, at most 25
    characters, ending on a whole word ("Mật ong rừng Na Hang đơn 12" -> "MAT ONG RUNG NA HANG DON")."""
    words = re.sub(r"[^a-z0-9 ]", " ", fold(memo or "")).split()
    return clip_words(" ".join(words), MAX_MEMO_LENGTH).upper()


def payload(bank_bin, account_number, amount_vnd=None, memo=None):
    """The EMVCo string a banking app scans; static when there is no amount."""
    beneficiary = _field("00", bank_bin) + _field("01", account_number)
    merchant = (
        _field("00", NAPAS_GUID)
        + _field("01", beneficiary)
        + _field("02", SERVICE_TRANSFER_TO_ACCOUNT)
    )
    parts = [
        _field("00", "01"),
        _field("01", "12" if amount_vnd else "11"),
        _field("38", merchant),
        _field("53", CURRENCY_VND),
    ]
    if amount_vnd:
        parts.append(_field("54", str(int(amount_vnd))))
    parts.append(_field("58", COUNTRY))
    note = clean_memo(memo)
    if note:
        parts.append(_field("62", _field("08", note)))
    body = "".join(parts) + "6304"
    return body + crc16_ccitt(body)


def png_base64(text):
    """The QR code of `text` as a base64 PNG, large enough to scan from a phone screen."""
    image = qrcode.make(text, box_size=8, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
