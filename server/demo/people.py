"""People of the demo: Vietnamese names by region, genders, and phone numbers in a demo range."""

from server.demo.chance import Weighted
from server.demo.places import HIGHLANDS, NORTHERN_MOUNTAINS

# Every demo phone is +8498 followed by seven digits. Staff take the low numbers in order
# (+84980000001, ...) so that operators can sign in as them; households get the rest, spread out.
DEMO_PHONE_PREFIX = "+8498"
STAFF_PHONES = 100_000
_HOUSEHOLD_PHONES = 10_000_000 - STAFF_PHONES
_SPREAD = 7_654_321  # shares no factor with _HOUSEHOLD_PHONES, so numbers never repeat

# The commonest Kinh family names, with rough shares of the population (percent).
KINH_FAMILY_NAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Huỳnh": 1.5, "Phan": 4.5, "Vũ": 3,
    "Võ": 1.5, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1, "Lý": 0.5,
    "Đinh": 0.8, "Trương": 0.8, "Đoàn": 0.6, "Lương": 0.5, "Mai": 0.5, "Tạ": 0.3, "Cao": 0.4,
}
# Tày, Nùng, Thái, H'Mông, Dao family names of the northern mountains.
MOUNTAIN_FAMILY_NAMES = {
    "Nông": 6, "Hoàng": 6, "Lò": 5, "Hà": 5, "Vi": 3, "Lương": 3, "Sùng": 4, "Giàng": 4, "Vàng": 3,
    "Thào": 3, "Mùa": 2, "Lầu": 2, "Hầu": 2, "Lù": 2, "Triệu": 3, "Bàn": 3, "Đinh": 2, "Cầm": 2,
    "Quàng": 2, "Lường": 2, "Điêu": 1, "Ma": 2, "Dương": 1,
}
HIGHLAND_FAMILY_NAMES = {"Ksor": 3, "Siu": 3, "Rơ Châm": 2, "Rơ Mah": 2, "Nay": 2, "Niê": 2, "Kpă": 1}

FEMALE_MIDDLE = {"Thị": 70, "Ngọc": 6, "Thu": 5, "Thanh": 5, "Minh": 3, "Kim": 4, "Hồng": 4, "Mỹ": 3}
MALE_MIDDLE = {"Văn": 65, "Đức": 8, "Minh": 7, "Quốc": 5, "Hữu": 5, "Công": 4, "Xuân": 3, "Thanh": 3}
FEMALE_GIVEN = ("Lan", "Hoa", "Hương", "Mai", "Thảo", "Hằng", "Linh", "Ngọc", "Trang", "Nhung", "Huyền",
                "Thu", "Hà", "Phương", "Thủy", "Hạnh", "Dung", "Loan", "Yến", "Nga", "Oanh", "Vân", "Tuyết",
                "Xuân", "Liên", "Thơm", "Hiền", "Nhàn", "Lụa", "Sen", "Quyên", "Chi", "Giang", "My", "Tâm")
MALE_GIVEN = ("Hùng", "Dũng", "Minh", "Tuấn", "Nam", "Sơn", "Long", "Hải", "Thắng", "Cường", "Quang",
              "Bình", "Hưng", "Phúc", "Tài", "Trung", "Đức", "Khánh", "Toàn", "Lâm", "Vinh", "Chiến",
              "Sáng", "Thành", "Hiếu", "Tùng", "Đạt", "Kiên", "Lộc", "Tín")
MOUNTAIN_FEMALE_GIVEN = ("Mỷ", "Súa", "Dợ", "Pà", "Xúa", "Chá", "Mai", "Sinh", "Lìu", "Kiều", "Thơm", "Páng")
MOUNTAIN_MALE_GIVEN = ("Páo", "Dình", "Chứ", "Pó", "Sính", "Chư", "Tủa", "Khánh", "Seo", "Lử", "Thìn", "Văn")
HIGHLAND_FEMALE_GIVEN = ("H'Bin", "H'Lan", "H'Nhi", "H'Yam", "H'Luyến", "H'Ngoan", "H'Xuân")
HIGHLAND_MALE_GIVEN = ("Y Blim", "Y Thuật", "Y Kông", "Phước", "Bơi", "Đoan", "Thuận")

GENDERS = {"female": 63, "male": 33, "other": 1, None: 3}
HONORIFICS = {"female": ("Cô", "Chị", "Bà"), "male": ("Anh", "Chú", "Ông")}


_KINH = Weighted(KINH_FAMILY_NAMES)
_MOUNTAIN = Weighted(MOUNTAIN_FAMILY_NAMES)
_HIGHLAND = Weighted(HIGHLAND_FAMILY_NAMES)
_FEMALE_MIDDLE = Weighted(FEMALE_MIDDLE)
_MALE_MIDDLE = Weighted(MALE_MIDDLE)
_GENDERS = Weighted(GENDERS)


def household_phone(number):
    """The `number`-th household phone (0-based): unique, in the demo range, not in sequence."""
    return f"{DEMO_PHONE_PREFIX}{STAFF_PHONES + (number * _SPREAD) % _HOUSEHOLD_PHONES:07d}"


def staff_phone(number):
    """The `number`-th staff phone (1-based): +84980000001, +84980000002, ..."""
    if not 0 < number < STAFF_PHONES:
        raise ValueError("too many demo staff")
    return f"{DEMO_PHONE_PREFIX}{number:07d}"


def gender(rng, female_share=None):
    """A gender as stored on users; `female_share` overrides the population mix (e.g. for staff)."""
    if female_share is not None:
        return "female" if rng.random() < female_share else "male"
    return _GENDERS.pick(rng)


def full_name(rng, sex, region=None):
    """A plausible full name for someone of `sex` living in `region`."""
    female = sex != "male" if sex != "other" else rng.random() < 0.5
    if region == NORTHERN_MOUNTAINS and rng.random() < 0.6:
        family = _MOUNTAIN.pick(rng)
        if female:
            return f"{family} Thị {rng.choice(MOUNTAIN_FEMALE_GIVEN)}"
        return f"{family} {rng.choice(('A', 'Văn', 'Seo'))} {rng.choice(MOUNTAIN_MALE_GIVEN)}"
    if region == HIGHLANDS and rng.random() < 0.3:
        given = rng.choice(HIGHLAND_FEMALE_GIVEN if female else HIGHLAND_MALE_GIVEN)
        return f"{_HIGHLAND.pick(rng)} {given}"
    if female:
        return f"{_KINH.pick(rng)} {_FEMALE_MIDDLE.pick(rng)} {rng.choice(FEMALE_GIVEN)}"
    return f"{_KINH.pick(rng)} {_MALE_MIDDLE.pick(rng)} {rng.choice(MALE_GIVEN)}"


def honorific(rng, sex, name):
    """How neighbours call the person: "Cô Lan", "Anh Páo"."""
    titles = HONORIFICS["male" if sex == "male" else "female"]
    return f"{rng.choice(titles)} {name.split()[-1]}"
