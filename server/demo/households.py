"""One demo seller written out: its people, consents, shop, cohort membership, selling and learning."""

from dataclasses import dataclass
from datetime import timedelta

from server.demo.catalog import items_for_region
from server.demo.learning import build_learning
from server.demo.chance import Weighted
from server.demo.people import full_name, gender, honorific, household_phone
from server.demo.places import address
from server.demo.selling import SellerContext, build_shop, sale_fingerprint
from server.demo.timeline import days
from server.demo.writer import new_uuid
from server.services.accounts import CONSENT_PURPOSES
from server.text import fold

CONSENT_VERSION = "2025-1"
COOPERATIVE_SHARE = 0.1
NEVER_SIGNED_IN_SHARE = 0.12  # of households a trainer enrolled
NO_PROFILE_SHARE = 0.05  # of households who signed up themselves
PENDING_INVITATION_SHARE = 0.1  # of households already using the app whom a cohort invited
# A pilot household sells as of the last day, and did within the last 60 days: the demo can be
# looked at for a month before its coverage fades. Its shop is drawn again until it does.
PILOT_RECENT_DAYS = 60
PILOT_DRAWS = 20
SPECIALTIES = {"agricultural_produce": 30, "food": 25, "drinks": 10, "herbal": 8, "handicrafts": 10,
               "textiles": 6, "ornamental_plants": 5, "community_tourism": 3, "other": 3}
LOCALES = Weighted({None: 85, "vi": 14, "en": 1})
PHOTO_HINTS = Weighted({(): 82, ("too_dark",): 10, ("blurry",): 5, ("too_small",): 3})
PHOTO_SIZES = ((1600, 1200), (1200, 1600), (1600, 1600), (1600, 900))
# Photo records only: the keys follow the real layout under demo/, and no image file is written.
PHOTO_DERIVATIVES = ("large", "medium", "thumb")


@dataclass(frozen=True)
class _Owner:
    user_id: int
    phone: str
    name: str
    sex: str | None
    enrolled_by: int | None
    # First sign-in (None: never signed in) and when the shop was opened.
    first_seen: object
    shop_opened_at: object


@dataclass
class Households:
    """Writes sellers one by one, handing out household phone numbers in turn."""

    rng: object
    writer: object
    ids: object
    history: object
    index: object
    phones_used: int = 0
    # Demo phones already in the database (a demo grown by a later run): never handed out again.
    phones_taken: frozenset = frozenset()

    def _phone(self):
        phone = household_phone(self.phones_used)
        self.phones_used += 1
        return self._phone() if phone in self.phones_taken else phone

    def _consent(self, user_id, moment, recorded_by):
        purposes = sorted(p for p in CONSENT_PURPOSES if p != "sms" or self.rng.random() < 0.85)
        self.writer.add("consents", (self.ids.take("consents"), user_id, CONSENT_VERSION, purposes, moment,
                                     recorded_by, recorded_by != user_id))

    def write(self, plan):
        """All rows of one seller, parents first."""
        rng, writer, ids = self.rng, self.writer, self.ids
        place = plan.place
        owner = self._write_owner(plan)
        seller_id = ids.take("sellers")
        by_category = items_for_region(place.region)
        specialty = Weighted({c: w for c, w in SPECIALTIES.items() if c in by_category}).pick(rng)
        kind = "cooperative" if rng.random() < COOPERATIVE_SHARE else "household"
        item = rng.choice(by_category[specialty])
        seller_name = _seller_name(rng, kind, item, owner.name, owner.sex, place)
        context = SellerContext(
            seller_id=seller_id, kind=kind, name=seller_name, owner_name=owner.name, phone=owner.phone, place=place,
            specialty=specialty, in_cohort=plan.cohort is not None, created_at=owner.shop_opened_at,
            first_seen=owner.first_seen, end=self.history.end, pilot=plan.pilot,
        )
        shop = build_shop(rng, context)
        for _ in range(PILOT_DRAWS if plan.pilot else 0):
            if self._selling_lately(shop):
                break
            shop = build_shop(rng, context)
        description = f"{item.base} của gia đình tại {place.name}." if rng.random() < 0.5 else None
        opened_at = owner.shop_opened_at
        # Activation updates the seller row, so updated_at moves with it.
        writer.add("sellers", (seller_id, kind, seller_name, place.code,
                               address(rng, place) if rng.random() < 0.8 else None, description, owner.user_id,
                               opened_at, max(opened_at, shop.activated_at or opened_at), shop.activated_at,
                               max((day for day, _kind in shop.activity), default=None)))
        writer.add("seller_members", (ids.take("seller_members"), seller_id, owner.user_id, "owner", opened_at,
                                      owner.enrolled_by if plan.assisted else owner.user_id))
        if kind == "cooperative":
            self._cooperative_members(seller_id, owner.user_id, opened_at, place)
        if plan.cohort:
            accepted_at = self._acceptance(plan)
            if not plan.assisted:
                # A household already using the app was invited, and has answered or not yet.
                writer.add("invitations", (ids.take("invitations"), "cohort", owner.phone, plan.cohort.id,
                                           owner.enrolled_by, plan.enrolled_at,
                                           "accepted" if accepted_at else "pending", accepted_at, plan.enrolled_at))
            if accepted_at:
                writer.add("cohort_members", (ids.take("cohort_members"), plan.cohort.id, owner.user_id, seller_id,
                                              owner.enrolled_by, plan.enrolled_at, accepted_at))
                plan.cohort.members.append((owner.user_id, accepted_at))
        self._write_shop(seller_id, shop, owner.name)
        self._write_learning(plan, owner.user_id, owner.first_seen)

    def _selling_lately(self, shop):
        recent = self.history.today - timedelta(days=PILOT_RECENT_DAYS)
        return shop.activated_at is not None and any(day >= recent for day, _kind in shop.activity)

    def _write_owner(self, plan):
        """The owner's account and consents: signed up alone, or enrolled by a trainer."""
        rng = self.rng
        last_moment = self.history.end - timedelta(seconds=1)
        user_id, phone = self.ids.take("users"), self._phone()
        sex = gender(rng)
        name = full_name(rng, sex, plan.place.region)
        enrolled_by = rng.choice(plan.cohort.trainer_ids) if plan.cohort else None
        if plan.assisted:
            # The trainer created account and shop at enrolment; the household signs in later, or never.
            created_at = opened_at = profile_at = plan.enrolled_at
            first_seen = None
            # Pilot households all signed in, within the week.
            if plan.pilot or rng.random() >= NEVER_SIGNED_IN_SHARE:
                signed_in = plan.enrolled_at + days(min(7, rng.expovariate(1 / 3)) if plan.pilot
                                                    else rng.expovariate(1 / 3))
                first_seen = signed_in if signed_in < last_moment else None
        else:
            created_at = first_seen = plan.joined_at
            opened_at = min(last_moment, created_at + timedelta(minutes=rng.randint(5, 60)))
            profile_at = created_at + timedelta(minutes=rng.randint(2, 15))
            if rng.random() < NO_PROFILE_SHARE:
                profile_at = None
        stored_name, stored_sex = (name, sex) if profile_at else (None, None)
        if plan.cohort and profile_at is None:
            # The trainer gave the name when enrolling; the gender stays unknown.
            profile_at, stored_name = plan.enrolled_at, name
        if plan.assisted and first_seen is None:
            stored_sex = None  # gender is set by the household itself, once signed in
        self.writer.add("users", (user_id, phone, stored_name, LOCALES.pick(rng), stored_sex, created_at,
                                  first_seen, profile_at))
        if plan.assisted:
            self._consent(user_id, plan.enrolled_at, enrolled_by)
        else:
            self._consent(user_id, created_at + timedelta(minutes=rng.randint(1, 5)), user_id)
        return _Owner(user_id, phone, name, sex, enrolled_by, first_seen, opened_at)

    def _acceptance(self, plan):
        """When the household accepted the cohort: at once when set up in person, else when it
        answered the invitation (some have not yet)."""
        if plan.assisted:
            return plan.enrolled_at
        if self.rng.random() < PENDING_INVITATION_SHARE:
            return None
        accepted_at = plan.enrolled_at + days(self.rng.expovariate(1 / 2))
        return accepted_at if accepted_at < self.history.end else None

    def _cooperative_members(self, seller_id, owner_id, since, place):
        rng, last_moment = self.rng, self.history.end - timedelta(seconds=1)
        for number in range(rng.randint(1, 3)):
            added_at = since + days(rng.uniform(1, 30))
            if added_at >= last_moment:
                return
            user_id = self.ids.take("users")
            sex = gender(rng)
            verified = added_at + days(rng.uniform(0, 5)) if rng.random() < 0.5 else None
            verified = verified if verified and verified < last_moment else None
            self.writer.add("users", (user_id, self._phone(), full_name(rng, sex, place.region), None, sex,
                                      added_at, verified, verified))
            if verified:
                self._consent(user_id, verified + timedelta(minutes=1), user_id)
            self.writer.add("seller_members", (self.ids.take("seller_members"), seller_id, user_id,
                                               "manager" if number == 0 else "member", added_at, owner_id))

    def _write_shop(self, seller_id, shop, owner_name):
        writer, ids, rng = self.writer, self.ids, self.rng
        for product in shop.products:
            f = product.fields
            writer.add("products", (
                product.id, seller_id, f["title"], f["description"], f["category"], f["price_vnd"], f["unit"],
                f["stock"], f.get("sku"), f["weight_g"], f["length_cm"], f["width_cm"], f["height_cm"],
                f["ocop_stars"], product.status, f["search_text"], f["create_fingerprint"], product.created_at,
                product.updated_at, product.published_at,
            ))
            for position, moment in enumerate(product.photos):
                photo_id = new_uuid(rng)
                hints = list(PHOTO_HINTS.pick(rng))
                width, height = (640, 480) if "too_small" in hints else rng.choice(PHOTO_SIZES)
                keys = {size: f"demo/photos/{product.id}/{photo_id}/{size}.jpg" for size in PHOTO_DERIVATIVES}
                writer.add("product_photos", (photo_id, product.id, position, width, height, keys, hints, moment))
        for channel, url, moment in shop.channels:
            writer.add("channels", (ids.take("channels"), seller_id, channel, url, moment))
        for sale in shop.sales:
            sale_id, day, channel, amount, quantity, product_id, created_at = sale
            writer.add("sales", (sale_id, seller_id, day, channel, amount, quantity, product_id,
                                 sale_fingerprint(sale), created_at))
        if shop.payout:
            bank_bin, account_number, moment = shop.payout
            writer.add("payout_accounts", (seller_id, bank_bin, account_number, fold(owner_name).upper()[:50],
                                           moment, moment))
        for day, kind in sorted(shop.activity):
            writer.add("seller_activity", (ids.take("seller_activity"), seller_id, day, kind))

    def _write_learning(self, plan, user_id, first_seen):
        rng, end = self.rng, self.history.end
        begins = None
        if first_seen is not None:
            if plan.cohort:
                begins = max(first_seen, plan.enrolled_at) + days(rng.expovariate(1 / 4))
            else:
                begins = first_seen + days(rng.expovariate(1 / 25))
        learning = build_learning(rng, self.index, user_id, begins, plan.cohort.tracks if plan.cohort else None,
                                  plan.cohort is not None, end)
        for table, rows in (("progress_events", learning.events), ("quiz_attempts", learning.attempts),
                            ("lesson_progress", learning.progress)):
            for row in rows:
                self.writer.add(table, row)


def _seller_name(rng, kind, item, owner_name, sex, place):
    """"Hộ kinh doanh Lò Thị Mỷ", "Mật ong rừng Cô Lan", "Hợp tác xã Miến dong Bình Yên"."""
    if kind == "cooperative":
        return f"Hợp tác xã {item.base} {place.short}"[:120]
    draw = rng.random()
    if draw < 0.35:
        return f"Hộ kinh doanh {owner_name}"[:120]
    if draw < 0.8:
        return f"{item.base} {honorific(rng, sex, owner_name)}"[:120]
    return f"{item.base} {place.short}"[:120]
