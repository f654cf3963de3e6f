"""Demo products: Vietnamese titles and descriptions by category and region, prices in đồng."""

import functools
from dataclasses import dataclass

from server.demo.places import CENTRAL, HIGHLANDS, MEKONG, NORTHERN_MOUNTAINS, RED_RIVER, SOUTH_EAST
from server.text import fold

NORTH = (NORTHERN_MOUNTAINS, RED_RIVER)
SOUTH = (SOUTH_EAST, MEKONG)
TITLE_LENGTH = (10, 120)
MAX_PRICE_VND = 180_000_000


@dataclass(frozen=True)
class Item:
    """Something households sell: per-unit price range and the packs it comes in."""

    base: str
    category: str
    regions: tuple | None
    unit: str
    price: tuple
    # (label, units in the pack, weight in grams or None)
    packs: tuple


def _kg(*kilos):
    return tuple((f"túi {k:g}kg".replace(".", ","), k, int(k * 1000)) for k in kilos)


def _box(*grams):
    return tuple((f"hộp {g}g", g / 1000, g) for g in grams)


def _bottle(*millilitres):
    return tuple((f"chai {ml}ml", ml / 1000, int(ml * 1.2)) for ml in millilitres)


ITEMS = (
    # agricultural produce
    Item("Gạo ST25", "agricultural_produce", (MEKONG,), "kg", (32_000, 45_000), _kg(2, 5, 10)),
    Item("Gạo nếp cái hoa vàng", "agricultural_produce", NORTH, "kg", (35_000, 55_000), _kg(2, 5)),
    Item("Gạo Séng Cù", "agricultural_produce", (NORTHERN_MOUNTAINS,), "kg", (25_000, 38_000), _kg(5, 10)),
    Item("Gạo lứt đỏ", "agricultural_produce", None, "kg", (30_000, 50_000), _kg(1, 2, 5)),
    Item("Cam sành", "agricultural_produce", (NORTHERN_MOUNTAINS, MEKONG), "kg", (18_000, 35_000), _kg(5, 10)),
    Item("Bưởi da xanh", "agricultural_produce", SOUTH, "kg", (35_000, 60_000), _kg(3, 5)),
    Item("Bưởi Diễn", "agricultural_produce", (RED_RIVER,), "kg", (30_000, 50_000), _kg(3, 5)),
    Item("Vải thiều", "agricultural_produce", (RED_RIVER,), "kg", (25_000, 45_000), _kg(2, 5)),
    Item("Nhãn lồng", "agricultural_produce", (RED_RIVER,), "kg", (30_000, 60_000), _kg(2, 5)),
    Item("Xoài cát Hòa Lộc", "agricultural_produce", (MEKONG,), "kg", (40_000, 70_000), _kg(2, 5)),
    Item("Sầu riêng Ri6", "agricultural_produce", (MEKONG, HIGHLANDS), "kg", (70_000, 120_000), _kg(3, 5)),
    Item("Bơ sáp", "agricultural_produce", (HIGHLANDS,), "kg", (30_000, 60_000), _kg(2, 5)),
    Item("Chanh leo", "agricultural_produce", (HIGHLANDS, NORTHERN_MOUNTAINS), "kg", (20_000, 40_000), _kg(2, 5)),
    Item("Khoai lang mật", "agricultural_produce", (HIGHLANDS, MEKONG), "kg", (18_000, 30_000), _kg(3, 5)),
    Item("Lạc đỏ", "agricultural_produce", (CENTRAL, NORTHERN_MOUNTAINS), "kg", (45_000, 70_000), _kg(1, 2)),
    Item("Đậu xanh không vỏ", "agricultural_produce", None, "kg", (40_000, 60_000), _kg(0.5, 1)),
    Item("Hồng không hạt", "agricultural_produce", (NORTHERN_MOUNTAINS,), "kg", (30_000, 55_000), _kg(2, 5)),
    Item("Mận hậu", "agricultural_produce", (NORTHERN_MOUNTAINS,), "kg", (20_000, 40_000), _kg(2, 5)),
    Item("Hạt điều rang muối", "agricultural_produce", (SOUTH_EAST,), "kg", (250_000, 380_000), _box(250, 500)),
    Item("Hồ tiêu đen", "agricultural_produce", (HIGHLANDS, SOUTH_EAST), "kg", (150_000, 250_000), _box(200, 500)),
    Item("Thanh long ruột đỏ", "agricultural_produce", (HIGHLANDS, CENTRAL), "kg", (20_000, 40_000), _kg(3, 5)),
    Item("Mít Thái", "agricultural_produce", (MEKONG,), "kg", (20_000, 35_000), _kg(5, 10)),
    # food
    Item("Mật ong rừng", "food", (NORTHERN_MOUNTAINS, HIGHLANDS), "lít", (350_000, 650_000), _bottle(500, 1000)),
    Item("Mật ong hoa nhãn", "food", (RED_RIVER,), "lít", (250_000, 400_000), _bottle(500, 1000)),
    Item("Miến dong", "food", (NORTHERN_MOUNTAINS,), "kg", (70_000, 110_000), _kg(0.5, 1, 2)),
    Item("Măng khô", "food", (NORTHERN_MOUNTAINS, CENTRAL), "kg", (250_000, 400_000), _box(300, 500)),
    Item("Thịt trâu gác bếp", "food", (NORTHERN_MOUNTAINS,), "kg", (900_000, 1_200_000), _box(250, 500)),
    Item("Lạp xưởng gác bếp", "food", (NORTHERN_MOUNTAINS,), "kg", (300_000, 450_000), _box(500)),
    Item("Nước mắm cốt cá cơm", "food", (CENTRAL, MEKONG), "lít", (80_000, 180_000), _bottle(500, 1000)),
    Item("Mắm tôm chua", "food", (CENTRAL,), "kg", (120_000, 200_000), _box(300, 500)),
    Item("Tôm khô", "food", (MEKONG, CENTRAL), "kg", (900_000, 1_400_000), _box(200, 500)),
    Item("Cá khô một nắng", "food", (MEKONG, CENTRAL), "kg", (200_000, 350_000), _box(500)),
    Item("Bánh đa nem", "food", (RED_RIVER,), "kg", (60_000, 90_000), _box(500)),
    Item("Bánh tráng phơi sương", "food", (CENTRAL, SOUTH_EAST), "kg", (80_000, 120_000), _box(500)),
    Item("Kẹo dừa", "food", (MEKONG,), "kg", (90_000, 140_000), _box(300, 500)),
    Item("Chả cá", "food", (RED_RIVER, CENTRAL), "kg", (220_000, 320_000), _box(500)),
    Item("Tương bần", "food", (RED_RIVER,), "lít", (40_000, 70_000), _bottle(500)),
    Item("Hạt sen sấy", "food", (MEKONG, RED_RIVER), "kg", (250_000, 380_000), _box(250, 500)),
    Item("Bột sắn dây", "food", (RED_RIVER, NORTHERN_MOUNTAINS), "kg", (140_000, 220_000), _box(500)),
    Item("Chuối sấy dẻo", "food", None, "kg", (90_000, 150_000), _box(250, 500)),
    Item("Trứng gà ta", "food", None, "quả", (3_500, 5_000), (("vỉ 10 quả", 10, 600), ("vỉ 30 quả", 30, 1800))),
    Item("Mắm cá linh", "food", (MEKONG,), "kg", (120_000, 180_000), _box(500)),
    # drinks
    Item("Chè Shan tuyết", "drinks", (NORTHERN_MOUNTAINS,), "kg", (400_000, 1_200_000), _box(100, 200, 500)),
    Item("Trà xanh Tân Cương", "drinks", (NORTHERN_MOUNTAINS,), "kg", (300_000, 800_000), _box(200, 500)),
    Item("Cà phê Robusta rang mộc", "drinks", (HIGHLANDS,), "kg", (180_000, 280_000), _box(250, 500)),
    Item("Cà phê Arabica", "drinks", (HIGHLANDS,), "kg", (250_000, 450_000), _box(250, 500)),
    Item("Trà atiso", "drinks", (HIGHLANDS,), "kg", (300_000, 500_000), _box(100, 200)),
    Item("Rượu ngô men lá", "drinks", (NORTHERN_MOUNTAINS,), "lít", (80_000, 150_000), _bottle(500, 1000)),
    Item("Trà hoa vàng", "drinks", (NORTHERN_MOUNTAINS,), "kg", (2_000_000, 5_000_000), _box(50, 100)),
    Item("Trà sen", "drinks", (RED_RIVER, MEKONG), "kg", (400_000, 900_000), _box(100, 200)),
    Item("Ca cao nguyên chất", "drinks", (HIGHLANDS, MEKONG), "kg", (250_000, 400_000), _box(250, 500)),
    Item("Nước cốt chanh leo", "drinks", (HIGHLANDS,), "lít", (60_000, 100_000), _bottle(500, 1000)),
    # herbal and medicinal
    Item("Tam thất bắc", "herbal", (NORTHERN_MOUNTAINS,), "kg", (800_000, 1_500_000), _box(100, 500)),
    Item("Sâm Ngọc Linh", "herbal", (CENTRAL,), "kg", (40_000_000, 120_000_000), _box(100)),
    Item("Cao lá vối", "herbal", NORTH, "kg", (350_000, 600_000), _box(100, 200)),
    Item("Tinh dầu sả chanh", "herbal", None, "lít", (400_000, 800_000), _bottle(50, 100)),
    Item("Tinh bột nghệ", "herbal", None, "kg", (300_000, 500_000), _box(250, 500)),
    Item("Lá xông thảo dược người Dao", "herbal", (NORTHERN_MOUNTAINS,), "gói", (15_000, 30_000),
         (("bộ 5 gói", 5, 500), ("bộ 10 gói", 10, 1000))),
    Item("Giảo cổ lam", "herbal", (NORTHERN_MOUNTAINS,), "kg", (200_000, 350_000), _box(200, 500)),
    Item("Trà cà gai leo", "herbal", NORTH, "kg", (250_000, 400_000), _box(200, 500)),
    # handicrafts
    Item("Nón lá", "handicrafts", (CENTRAL,), "chiếc", (60_000, 150_000),
         (("1 chiếc", 1, 250), ("bộ 2 chiếc", 2, 500))),
    Item("Giỏ mây tre đan", "handicrafts", None, "chiếc", (80_000, 250_000),
         (("1 chiếc", 1, 400), ("bộ 3 chiếc", 3, 1200))),
    Item("Chổi đót", "handicrafts", (NORTHERN_MOUNTAINS,), "chiếc", (25_000, 45_000),
         (("bó 5 chiếc", 5, 2000), ("bó 10 chiếc", 10, 4000))),
    Item("Rổ rá tre", "handicrafts", None, "chiếc", (30_000, 80_000), (("bộ 3 chiếc", 3, 900),)),
    Item("Gốm men lam", "handicrafts", (RED_RIVER,), "bộ", (250_000, 900_000),
         (("bộ ấm chén", 1, 1500), ("bình hoa", 1, 1200))),
    Item("Đèn lồng tre", "handicrafts", (CENTRAL,), "chiếc", (60_000, 180_000),
         (("1 chiếc", 1, 300), ("bộ 5 chiếc", 5, 1500))),
    Item("Đũa tre", "handicrafts", None, "bộ", (30_000, 60_000), (("bộ 10 đôi", 1, 300),)),
    Item("Thảm cói", "handicrafts", (RED_RIVER, MEKONG), "chiếc", (90_000, 250_000), (("1 chiếc", 1, 1200),)),
    Item("Túi cói", "handicrafts", (RED_RIVER, MEKONG), "chiếc", (80_000, 200_000), (("1 chiếc", 1, 300),)),
    Item("Tranh Đông Hồ", "handicrafts", (RED_RIVER,), "bức", (80_000, 300_000),
         (("1 bức", 1, 200), ("bộ 4 bức", 4, 800))),
    # textiles and brocade
    Item("Khăn thổ cẩm", "textiles", (NORTHERN_MOUNTAINS, HIGHLANDS), "chiếc", (120_000, 350_000),
         (("1 chiếc", 1, 200),)),
    Item("Túi thổ cẩm", "textiles", (NORTHERN_MOUNTAINS, HIGHLANDS), "chiếc", (150_000, 450_000),
         (("1 chiếc", 1, 350),)),
    Item("Váy thổ cẩm", "textiles", (NORTHERN_MOUNTAINS,), "chiếc", (500_000, 1_800_000), (("1 chiếc", 1, 800),)),
    Item("Vải lanh H'Mông", "textiles", (NORTHERN_MOUNTAINS,), "mét", (150_000, 350_000),
         (("tấm 2 mét", 2, 600), ("tấm 5 mét", 5, 1500))),
    Item("Lụa tơ tằm", "textiles", (RED_RIVER, CENTRAL, HIGHLANDS), "mét", (250_000, 600_000),
         (("tấm 2 mét", 2, 300),)),
    Item("Khăn piêu", "textiles", (NORTHERN_MOUNTAINS,), "chiếc", (250_000, 700_000), (("1 chiếc", 1, 150),)),
    Item("Khăn rằn", "textiles", (MEKONG,), "chiếc", (30_000, 70_000), (("bộ 2 chiếc", 2, 200),)),
    # ornamental plants
    Item("Lan hồ điệp", "ornamental_plants", None, "chậu", (250_000, 900_000),
         (("chậu 3 cành", 1, 3000), ("chậu 5 cành", 1, 5000))),
    Item("Cây mai vàng", "ornamental_plants", (CENTRAL, MEKONG), "chậu", (500_000, 5_000_000),
         (("chậu nhỏ", 1, 8000),)),
    Item("Cây quất cảnh", "ornamental_plants", (RED_RIVER,), "chậu", (300_000, 2_000_000), (("chậu nhỏ", 1, 10000),)),
    Item("Sen đá", "ornamental_plants", (HIGHLANDS,), "chậu", (20_000, 60_000), (("bộ 5 chậu", 5, 1500),)),
    Item("Lan rừng", "ornamental_plants", (NORTHERN_MOUNTAINS, HIGHLANDS), "giò", (150_000, 600_000),
         (("1 giò", 1, 1000),)),
    Item("Cây bonsai mini", "ornamental_plants", None, "chậu", (150_000, 800_000), (("1 chậu", 1, 2000),)),
    # community tourism
    Item("Homestay nhà sàn", "community_tourism", (NORTHERN_MOUNTAINS, HIGHLANDS), "đêm", (150_000, 400_000),
         (("1 đêm cho 1 người", 1, None), ("1 đêm cho 2 người", 2, None))),
    Item("Tour trải nghiệm hái chè", "community_tourism", (NORTHERN_MOUNTAINS,), "người", (200_000, 450_000),
         (("nửa ngày", 1, None),)),
    Item("Tour miệt vườn", "community_tourism", (MEKONG,), "người", (250_000, 500_000), (("1 ngày", 1, None),)),
    Item("Trải nghiệm làm gốm", "community_tourism", (RED_RIVER, CENTRAL), "người", (150_000, 300_000),
         (("2 giờ", 1, None),)),
    Item("Trải nghiệm chèo thuyền", "community_tourism", (MEKONG, RED_RIVER), "người", (100_000, 250_000),
         (("1 buổi", 1, None),)),
    # other
    Item("Phân trùn quế", "other", None, "kg", (8_000, 15_000), _kg(5, 10)),
    Item("Cây giống cam", "other", (NORTHERN_MOUNTAINS, MEKONG), "cây", (25_000, 50_000), (("bó 10 cây", 10, 3000),)),
    Item("Hạt giống rau", "other", None, "gói", (10_000, 25_000), (("bộ 5 gói", 5, 100),)),
)

QUALIFIERS = {
    "agricultural_produce": ("loại 1", "sạch", "thu hoạch mới", "hữu cơ", "chính vụ", "tuyển chọn"),
    "food": ("nguyên chất", "đặc sản", "làm thủ công", "không chất bảo quản", "truyền thống"),
    "drinks": ("đặc sản", "nguyên chất", "hảo hạng", "sao tay", "vụ mới"),
    "herbal": ("nguyên chất", "sấy lạnh", "tự nhiên", "loại 1"),
    "handicrafts": ("làm thủ công", "truyền thống", "đan tay", "xuất khẩu"),
    "textiles": ("dệt tay", "truyền thống", "nhuộm chàm", "hoa văn cổ"),
    "ornamental_plants": ("khỏe đẹp", "chơi Tết", "giống chuẩn"),
    "community_tourism": ("trọn gói", "cùng người bản địa", "có bữa cơm gia đình"),
    "other": ("chất lượng", "giống chuẩn", "tự nhiên"),
}
CLAIMS = {
    "agricultural_produce": ("Hái tại vườn khi vừa chín, không thuốc bảo quản.",
                             "Trồng theo hướng hữu cơ, thu hoạch theo mùa."),
    "food": ("Làm theo cách truyền thống của gia đình, không chất bảo quản.",
             "Nguyên liệu địa phương, chế biến sạch sẽ."),
    "drinks": ("Hái và chế biến tại nhà, hương vị đậm đà.", "Đóng gói kín, giữ trọn hương vị."),
    "herbal": ("Thu hái tự nhiên, phơi sấy sạch sẽ.", "Dùng theo hướng dẫn, không thay thế thuốc chữa bệnh."),
    "handicrafts": ("Đan tay tỉ mỉ bởi các nghệ nhân trong làng.", "Nguyên liệu tự nhiên, bền đẹp."),
    "textiles": ("Dệt tay trên khung cửi truyền thống.", "Mỗi sản phẩm một hoa văn riêng."),
    "ornamental_plants": ("Cây được chăm tại vườn, đóng gói cẩn thận khi gửi.", "Hướng dẫn chăm sóc kèm theo."),
    "community_tourism": ("Ở cùng gia đình, ăn cơm nhà và tham gia việc làng.", "Đón khách cả năm, đặt trước 2 ngày."),
    "other": ("Phù hợp vườn nhà và trang trại nhỏ.", "Giao hàng trong tỉnh và toàn quốc."),
}
DELIVERY = ("Giao hàng toàn quốc, kiểm tra hàng rồi thanh toán.",
            "Chuyển khoản qua VietQR hoặc trả tiền khi nhận hàng.",
            "Đặt hàng qua Zalo hoặc gọi điện cho chủ hộ.",
            "")


@functools.cache
def items_for_region(region):
    """Items households of `region` sell, by category."""
    by_category = {}
    for item in ITEMS:
        if item.regions is None or region in item.regions:
            by_category.setdefault(item.category, []).append(item)
    return by_category


_CONTAINERS = {"túi", "chai", "hộp", "vỉ", "bộ", "bó", "tấm", "chậu", "giò", "bức", "bình"}


def _unit(item, pack_label):
    """What one sells by: the container of the pack ("chai", "hộp"), else the item's unit."""
    first = pack_label.split()[0]
    return first if first in _CONTAINERS else item.unit


def _dimensions(weight_g):
    if weight_g is None:
        return None, None, None
    for limit, size in ((600, (15, 10, 8)), (2_000, (25, 18, 12)), (5_500, (35, 25, 15))):
        if weight_g <= limit:
            return size
    return 45, 35, 25


def title_parts(rng, item, pack_label, origin, ocop_stars):
    """["Mật ong rừng", "Nà Hang", "nguyên chất", "chai 500ml"]: joined, 10 to 120 characters."""
    qualifier = f"OCOP {ocop_stars} sao" if ocop_stars and rng.random() < 0.5 else rng.choice(QUALIFIERS[item.category])
    parts = [item.base, origin, qualifier, pack_label]
    while len(" ".join(parts)) > TITLE_LENGTH[1]:
        parts.pop(-2)
    return parts


# Product texts are made of a few hundred recurring pieces: folding each piece once and joining
# gives the same search text as folding the whole (fold works word by word) at a fraction of the cost.
_fold_piece = functools.lru_cache(maxsize=50_000)(fold)


def product_fields(rng, item, origin, place, maker):
    """Every catalog field of a new product but its status and times; `maker` says who makes it."""
    pack_label, units, weight_g = rng.choice(item.packs)
    low, high = item.price
    price = min(MAX_PRICE_VND, max(1_000, round(rng.uniform(low, high) * units, -3)))
    ocop_stars = rng.choice((3, 3, 3, 4, 4, 5)) if rng.random() < 0.12 else None
    title = title_parts(rng, item, pack_label, origin, ocop_stars)
    description = [item.base, origin, "do", maker, "làm ra tại", f"{place.name},", f"{place.province_short}.",
                   rng.choice(CLAIMS[item.category])]
    delivery = rng.choice(DELIVERY)
    if delivery:
        description.append(delivery)
    length, width, height = _dimensions(weight_g)
    return {
        "title": " ".join(title),
        "description": " ".join(description),
        "search_text": " ".join(_fold_piece(piece) for piece in (*title, *description)),
        "category": item.category,
        "price_vnd": int(price),
        "unit": _unit(item, pack_label),
        "stock": rng.choice((None, rng.randint(0, 500))),
        "weight_g": weight_g,
        "length_cm": length,
        "width_cm": width,
        "height_cm": height,
        "ocop_stars": ocop_stars,
    }
