"""A demo seller's shop life: products and photos, channel links, sales, payout, activity days and
the moment of activation, all derived from one timeline so that they agree the way the app would
have written them (server.services.products, commerce and activation).
"""

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from server.demo.catalog import items_for_region, product_fields
from server.demo.chance import Weighted, geometric
from server.demo.timeline import DAY, between, days, daytime_on, vietnam_day
from server.demo.writer import new_uuid
from server.idempotency import fingerprint
from server.text import fold
from server.vietqr import BANKS

ACTIVATOR = "activator"
# Sellers who never meet the activation rule, and why.
LISTED_ONLY = "listed_only"  # published products, but no sale and no channel link
DRAFTS_ONLY = "drafts_only"  # products never published (some link a channel)
SALES_ONLY = "sales_only"  # records sales, never published a product
SHOP_ONLY = "shop_only"  # opened the shop and stopped
NON_ACTIVATORS = Weighted({LISTED_ONLY: 45, DRAFTS_ONLY: 25, SHOP_ONLY: 20, SALES_ONLY: 10})

# Share of sellers who go on to activate, in a cohort (trained) or on their own.
ACTIVATE_SHARE = {True: 0.75, False: 0.58}
# Activators who stop selling after some months (and so drop out of "active as of" counts).
LAPSE_SHARE = 0.4

CHANNEL_MIX = Weighted({"facebook": 30, "zalo": 30, "shopee": 15, "tiktok_shop": 10, "lazada": 4,
                        "tiki": 2, "postmart": 4, "voso": 3, "provincial_floor": 6, "other": 2})
SALE_CHANNEL_MIX = Weighted({"in_person": 30, "zalo": 22, "facebook": 20, "shopee": 9, "tiktok_shop": 7,
                             "lazada": 2, "tiki": 1, "postmart": 2, "voso": 2, "provincial_floor": 3, "other": 2})
BANK_MIX = Weighted({"970405": 30, "970436": 10, "970415": 10, "970418": 12, "970422": 10, "970407": 6,
                     **{bin_: 1.5 for bin_ in BANKS if bin_ not in
                        ("970405", "970436", "970415", "970418", "970422", "970407")}})


@dataclass(slots=True)
class ProductLife:
    """One product from creation to its last change."""

    id: str
    fields: dict
    status: str
    created_at: object
    published_at: object = None
    archived_at: object = None
    photos: list = field(default_factory=list)
    edits: list = field(default_factory=list)

    @property
    def updated_at(self):
        return max([self.created_at, *self.photos, *self.edits,
                    *(moment for moment in (self.published_at, self.archived_at) if moment)])

    def listed_at(self, moment):
        """Whether the product was published with a photo at `moment`."""
        return (self.published_at is not None and self.published_at <= moment
                and (self.archived_at is None or self.archived_at > moment)
                and bool(self.photos) and self.photos[0] <= moment)


@dataclass
class Shop:
    """What a seller did, ready to become rows."""

    engagement: str
    products: list = field(default_factory=list)
    channels: list = field(default_factory=list)  # (channel, url, created_at)
    sales: list = field(default_factory=list)  # (id, occurred_on, channel, amount, quantity, product_id, created_at)
    payout: tuple | None = None  # (bank_bin, account_number, created_at)
    activated_at: object = None
    activity: set = field(default_factory=set)  # (day, kind)


@dataclass(frozen=True)
class SellerContext:
    """What the shop's life depends on: who, where, and the window of time it had."""

    seller_id: int
    kind: str
    name: str
    owner_name: str
    phone: str
    place: object
    specialty: str
    in_cohort: bool
    created_at: object
    # When the owner first signed in (None: never did), and the history's end.
    first_seen: object
    end: object
    # A household of the programme's pilot communes: it starts selling within days and keeps on.
    pilot: bool = False


def selling_window(rng, context):
    """(start, stop) of the months the seller was busy; None when there was no time for it."""
    if context.first_seen is None:
        return None
    delay = rng.expovariate(1 / (12 if context.in_cohort else 30))
    if context.pilot:
        delay = min(delay, 10)
    start = context.first_seen + days(delay) + timedelta(minutes=rng.randint(5, 240))
    if start >= context.end - DAY:
        return None
    stop = context.end - timedelta(seconds=1)
    if rng.random() < LAPSE_SHARE and not context.pilot:
        stop = min(stop, start + days(20 + rng.expovariate(1 / 110)))
    return start, stop


def build_shop(rng, context):
    """The seller's products, channels, sales and payout, its activity days and activation."""
    window = selling_window(rng, context)
    if window is None:
        return Shop(engagement=SHOP_ONLY)
    if context.pilot or rng.random() < ACTIVATE_SHARE[context.in_cohort]:
        engagement = ACTIVATOR
    else:
        engagement = NON_ACTIVATORS.pick(rng)
    shop = Shop(engagement=engagement)
    if engagement == SHOP_ONLY:
        return shop
    start, stop = window
    shop.products = _products(rng, context, engagement, start, stop)
    if engagement == ACTIVATOR:
        wants_sales = rng.random() < 0.78
        if not wants_sales or rng.random() < 0.6:
            shop.channels = _channels(rng, context, start, stop)
        if wants_sales:
            shop.sales = _sales(rng, shop, start, stop)
    elif engagement == SALES_ONLY:
        shop.sales = _sales(rng, shop, start, stop)
    elif engagement == DRAFTS_ONLY and rng.random() < 0.2:
        shop.channels = _channels(rng, context, start, stop)
    listed = any(product.published_at for product in shop.products)
    if rng.random() < (0.5 if listed else 0.1):
        shop.payout = (BANK_MIX.pick(rng), str(rng.randrange(10 ** 9, 10 ** rng.randint(10, 14))),
                       between(rng, context.created_at, stop))
    shop.activated_at = activation_moment(shop)
    shop.activity = activity_days(shop)
    return shop


# --- products ------------------------------------------------------------------------------

PRODUCT_COUNT_MEAN = {ACTIVATOR: 3.6, LISTED_ONLY: 1.0, DRAFTS_ONLY: 0.6, SALES_ONLY: 0.0}
PHOTO_COUNTS = Weighted({1: 30, 2: 35, 3: 20, 4: 15})


def _products(rng, context, engagement, start, stop):
    count = 1 + min(39, geometric(rng, PRODUCT_COUNT_MEAN[engagement]))
    if engagement == SALES_ONLY and rng.random() < 0.5:
        count = 0
    by_category = items_for_region(context.place.region)
    # Shop names often name a product ("Mật ong Cô Lan"): descriptions name the family instead,
    # so that searching for one product does not find all the others of the shop.
    maker = context.name if context.kind == "cooperative" else f"gia đình {context.owner_name}"
    moments = [start] + sorted(between(rng, start, stop) for _ in range(count - 1))
    products = []
    for number, created_at in enumerate(moments[:count]):
        category = context.specialty if rng.random() < 0.7 else rng.choice(list(by_category))
        item = rng.choice(by_category.get(category) or by_category[context.specialty])
        origin = context.place.short if rng.random() < 0.7 else context.place.province_short
        fields = product_fields(rng, item, origin, context.place, maker)
        if rng.random() < 0.3:
            fields["sku"] = f"SP{number + 1:03d}"
        products.append(_life(rng, context, engagement, number, fields, created_at, stop))
    return products


def _status_plan(rng, engagement, number):
    """"published", "published_then_archived", "draft" or "archived_draft"."""
    draw = rng.random()
    if engagement == ACTIVATOR:
        if number == 0:
            return "published_then_archived" if draw < 0.08 else "published"
        return "published" if draw < 0.75 else "draft" if draw < 0.87 else "published_then_archived"
    if engagement == LISTED_ONLY:
        return "published" if number == 0 or draw < 0.6 else "draft"
    return "draft" if draw < 0.85 else "archived_draft"


def _life(rng, context, engagement, number, fields, created_at, stop):
    end = context.end - timedelta(seconds=1)
    plan = _status_plan(rng, engagement, number)
    product = ProductLife(id=new_uuid(rng), fields=fields, status="draft", created_at=created_at)
    if plan.startswith("published"):
        delay = timedelta(minutes=rng.randint(10, 120)) if rng.random() < 0.6 else timedelta(hours=rng.randint(2, 72))
        published_at = created_at + delay
        if published_at < end:
            product.photos = sorted(between(rng, created_at, published_at) for _ in range(PHOTO_COUNTS.pick(rng)))
            product.published_at = published_at
            product.status = "published"
            closing = stop
            if plan == "published_then_archived" and published_at + 7 * DAY < stop:
                product.archived_at = between(rng, published_at + 7 * DAY, stop)
                product.status = "archived"
                closing = product.archived_at
            product.edits = sorted(between(rng, published_at, closing)
                                   for _ in range(rng.choice((0, 0, 1, 1, 2, 3))))
            return _finish(product)
    photo_count = rng.choice((0, 0, 1, 2))
    product.photos = sorted(min(end, created_at + timedelta(minutes=rng.randint(1, 600))) for _ in range(photo_count))
    if rng.random() < 0.3:
        product.edits = [min(end, created_at + timedelta(hours=rng.randint(1, 200)))]
    if plan == "archived_draft" and created_at + DAY < stop:
        product.archived_at = between(rng, created_at + DAY, stop)
        product.status = "archived"
    return _finish(product)


def _finish(product):
    """Fingerprint the create request, as products.create_product keeps it."""
    fields = product.fields
    fields["create_fingerprint"] = fingerprint({key: value for key, value in fields.items() if key != "search_text"})
    return product


# --- channels and sales --------------------------------------------------------------------

def channel_url(channel, shop_slug, phone, place):
    """A shop address of the form each marketplace uses (checked by commerce.check_channel_url)."""
    province = fold(place.province_short).replace(" ", "")
    return {
        "shopee": f"https://shopee.vn/{shop_slug}",
        "lazada": f"https://www.lazada.vn/shop/{shop_slug}",
        "tiktok_shop": f"https://www.tiktok.com/@{shop_slug}",
        "tiki": f"https://tiki.vn/cua-hang/{shop_slug}",
        "postmart": f"https://postmart.vn/gian-hang/{shop_slug}",
        "voso": f"https://voso.vn/shop/{shop_slug}",
        "facebook": f"https://www.facebook.com/{shop_slug}",
        "zalo": f"https://zalo.me/0{phone[3:]}",
        "provincial_floor": f"https://santmdt.{province}.gov.vn/gian-hang/{shop_slug}",
        "other": f"https://{shop_slug}.mysapo.net",
    }[channel]


def _channels(rng, context, start, stop):
    count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
    kinds = []
    while len(kinds) < count:
        kind = CHANNEL_MIX.pick(rng)
        if kind not in kinds:
            kinds.append(kind)
    slug = re.sub(r"[^a-z0-9]", "", fold(context.name))[:40] + str(context.seller_id)
    first = between(rng, start, min(stop, start + 30 * DAY))
    moments = [first] + sorted(between(rng, start, stop) for _ in kinds[1:])
    return [(kind, channel_url(kind, slug, context.phone, context.place), moment)
            for kind, moment in zip(kinds, moments)]


def _bursts(rng, start, stop):
    """Selling seasons: a few stretches of weeks inside the busy months."""
    busy_days = max(1.0, (stop - start).total_seconds() / 86400)
    count = 1 + min(4, int(rng.expovariate(1) * busy_days / 180))
    bursts = []
    for _ in range(count):
        centre = between(rng, start, stop)
        half = days(rng.uniform(3, 20))
        bursts.append((max(start, centre - half), min(stop, centre + half)))
    return bursts


def _sales(rng, shop, start, stop):
    count = min(150, max(1, round(math.exp(rng.gauss(0.6, 1.0)))))
    bursts = _bursts(rng, start, stop)
    linked = [channel for channel, _, _ in shop.channels]
    products = [p for p in shop.products if p.published_at]
    end = stop
    sales = []
    for _ in range(count):
        low, high = rng.choice(bursts)
        moment = between(rng, low, high)
        day = vietnam_day(moment)
        created_at = min(end, max(moment, daytime_on(rng, day, 7, 21)))
        if rng.random() < 0.15:
            later = created_at + timedelta(hours=rng.randint(12, 72))
            created_at = later if later <= end else created_at
        channel = rng.choice(linked) if linked and rng.random() < 0.5 else SALE_CHANNEL_MIX.pick(rng)
        known = [p for p in products if p.created_at <= created_at]
        if known and rng.random() < 0.7:
            product = rng.choice(known)
            quantity = rng.choice((1, 1, 1, 2, 2, 3, 5))
            amount, product_id = product.fields["price_vnd"] * quantity, product.id
        else:
            quantity = rng.choice((None, 1, 2))
            amount, product_id = round(rng.uniform(30_000, 1_500_000), -3), None
        sales.append((new_uuid(rng), day, channel, int(amount), quantity, product_id, created_at))
    sales.sort(key=lambda sale: sale[6])
    return sales


def sale_fingerprint(sale):
    """The fingerprint commerce.record_sale keeps: the request's fields but its id."""
    _, day, channel, amount, quantity, product_id, _ = sale
    content = {"occurred_on": day, "channel": channel, "amount_vnd": amount, "quantity": quantity,
               "product_id": uuid.UUID(product_id) if product_id else None}
    return fingerprint(content)


# --- activation and activity ---------------------------------------------------------------

def activation_moment(shop):
    """When the app would have set `activated_at`, or None.

    The app checks the rule when a product is published, a sale recorded or a channel linked
    (server.services.activation.activate_if_due), so the first of those moments at which a
    product is listed with a photo and a sale or channel exists is the answer.
    """
    first_sale = min((sale[6] for sale in shop.sales), default=None)
    first_channel = min((link[2] for link in shop.channels), default=None)
    first_trade = min((m for m in (first_sale, first_channel) if m is not None), default=None)
    if first_trade is None:
        return None
    checks = sorted({*(p.published_at for p in shop.products if p.published_at),
                     *(sale[6] for sale in shop.sales), *(link[2] for link in shop.channels)})
    for moment in checks:
        if moment >= first_trade and any(p.listed_at(moment) for p in shop.products):
            return moment
    return None


def activity_days(shop):
    """{(day, kind)} the app records: a product created, published or edited; a sale's day; a link."""
    days = set()
    for product in shop.products:
        for moment in (product.created_at, product.published_at, product.archived_at, *product.edits):
            if moment is not None:
                days.add((vietnam_day(moment), "product"))
    days.update((sale[1], "sale") for sale in shop.sales)
    days.update((vietnam_day(link[2]), "channel") for link in shop.channels)
    return days
