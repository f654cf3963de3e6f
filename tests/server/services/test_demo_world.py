"""`flask demo-data`'s world of 500 sellers, loaded once for the module: its rows keep the app's rules
(activation, activity days, lesson progress, phones, communes, titles, links, consent). Only the last test
writes (it replays learners into twins); the world is deleted at the module's end."""

import uuid
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server import create_app
from server.clock import FixedClock, vietnam_day
from server.demo.people import DEMO_PHONE_PREFIX
from server.demo.places import Reference
from server.demo.programme import pilot_communes
from server.extensions import db
from server.models import (
    Channel, Cohort, CohortCommune, CohortMember, Commune, Consent, Invitation, LessonProgress, Product, ProductPhoto,
    ProgressEvent, QuizAttempt, RoleGrant, Sale, Seller, SellerActivity, SessionAttendee, TrainingSession, User,
)
from server.phones import normalize_mobile
from server.services import learning
from server.services.commerce import SALE_CHANNELS, check_channel_url
from server.services.lessons import card_count, current_index
from server.services.products import TITLE_LENGTH
from server.text import fold
from tests.conftest import empty_tables, let_go, settings_in
from tests.factories import UserFactory
from tests.server.services.test_demo_data import TODAY, load

pytestmark = pytest.mark.shared_world


@pytest.fixture(scope="module")
def demo_world(database_url, cleaning_engine, tmp_path_factory):
    """500 demo sellers over the two years before TODAY, loaded once (~1.5 s on PostgreSQL)."""
    folder = tmp_path_factory.mktemp("demo-world")
    app = create_app(settings_in(database_url, folder))
    load(app, sellers=500, seed=3)
    yield app
    let_go(app)
    empty_tables(cleaning_engine)


@pytest.fixture
def world(demo_world):
    with demo_world.app_context():
        yield demo_world


def _all(model):
    return db.session.scalars(select(model)).all()


# --- activation and activity ------------------------------------------------------------------

def _listed(product, photos, moment):
    """Published with a photo at `moment`; an archived product's updated_at is when it was archived."""
    return (product.published_at is not None and product.published_at <= moment
            and (product.status != "archived" or product.updated_at > moment)
            and any(photo.created_at <= moment for photo in photos.get(product.id, ())))


def test_activated_at_is_the_first_moment_the_rule_held(world):
    photos = defaultdict(list)
    for photo in _all(ProductPhoto):
        photos[photo.product_id].append(photo)
    products, trades = defaultdict(list), defaultdict(list)
    for product in _all(Product):
        products[product.seller_id].append(product)
    for sale in _all(Sale):
        trades[sale.seller_id].append(sale.created_at)
    for link in _all(Channel):
        trades[link.seller_id].append(link.created_at)

    pilots = {place.code for place in pilot_communes(Reference.load(db.session), 3)}
    activated = never = 0
    for seller in _all(Seller):
        # The app checks the rule when a product is published, a sale recorded, a channel linked.
        checks = sorted({p.published_at for p in products[seller.id] if p.published_at} | set(trades[seller.id]))
        holds = [moment for moment in checks
                 if any(t <= moment for t in trades[seller.id])
                 and any(_listed(p, photos, moment) for p in products[seller.id])]
        assert seller.activated_at == (holds[0] if holds else None), seller.id
        listed_now = any(p.status == "published" and photos.get(p.id) for p in products[seller.id])
        if seller.activated_at is None:
            assert not (listed_now and trades[seller.id])
        if seller.commune_code in pilots:
            continue  # the programme's pilot households all sell (see test_programme_in_progress...)
        if seller.activated_at is None:
            never += 1
        else:
            activated += 1
    # Reports need contrast: many activate, a good share never does.
    assert 0.25 < never / (never + activated) < 0.5


def test_activity_days_are_those_the_app_records(world):
    recorded = defaultdict(set)
    for row in _all(SellerActivity):
        recorded[row.kind].add((row.seller_id, row.day))
    sale_days = {(sale.seller_id, sale.occurred_on) for sale in _all(Sale)}
    link_days = {(link.seller_id, vietnam_day(link.created_at)) for link in _all(Channel)}
    product_days = set()
    for product in _all(Product):
        product_days.add((product.seller_id, vietnam_day(product.created_at)))
        if product.published_at:
            # After publishing, the last change is an edit, the publication or archiving: all recorded.
            product_days.add((product.seller_id, vietnam_day(product.published_at)))
            product_days.add((product.seller_id, vietnam_day(product.updated_at)))

    assert recorded["sale"] == sale_days
    assert recorded["channel"] == link_days
    assert product_days <= recorded["product"]
    assert set(recorded) == {"sale", "channel", "product"}


def test_each_seller_knows_its_latest_activity_day(world):
    latest = defaultdict(lambda: None)
    for row in _all(SellerActivity):
        latest[row.seller_id] = max(row.day, latest[row.seller_id] or row.day)
    assert {seller.id: seller.last_activity_day for seller in _all(Seller)} == {
        seller.id: latest[seller.id] for seller in _all(Seller)}


def test_active_and_lapsed_sellers_both_occur(world):
    window_start = TODAY - timedelta(days=89)
    last_day = defaultdict(lambda: date.min)
    for row in _all(SellerActivity):
        last_day[row.seller_id] = max(last_day[row.seller_id], row.day)
    activated = [seller for seller in _all(Seller) if seller.activated_at is not None]
    active = [s for s in activated if last_day[s.id] >= window_start]
    lapsed = [s for s in activated if last_day[s.id] < window_start]
    assert len(active) > 0.3 * len(activated)
    assert len(lapsed) > 0.1 * len(activated)


# --- learning ---------------------------------------------------------------------------------

def _progress_columns(row):
    return (row.lesson_slug, row.status, row.cards_viewed, row.attempts, row.failed_attempts, row.best_score,
            row.started_at, row.last_activity_at, row.passed_at, row.completed_at)


def test_lesson_progress_matches_every_event_and_attempt(world):
    events, attempts = defaultdict(list), defaultdict(list)
    for event in _all(ProgressEvent):
        events[(event.user_id, event.lesson_slug)].append(event)
        assert event.occurred_at == event.at <= event.received_at
    for attempt in _all(QuizAttempt):
        attempts[(attempt.user_id, attempt.lesson_slug)].append(attempt)
        assert learning.score_answers(current_index().lesson(attempt.lesson_slug).texts["vi"].quiz,
                                      attempt.answers).score == attempt.score
    rows = _all(LessonProgress)
    assert {(row.user_id, row.lesson_slug) for row in rows} == set(events) | set(attempts)
    for row in rows:
        key = (row.user_id, row.lesson_slug)
        tried = attempts[key]
        cards = 0
        for event in events[key]:
            if event.kind == "card_viewed":
                cards |= 1 << event.card
        passes = [a.created_at for a in tried if a.passed]
        moments = [e.occurred_at for e in events[key]] + [a.created_at for a in tried]
        lesson = current_index().lesson(row.lesson_slug)
        completed = bool(passes) and learning.all_cards_viewed(cards, card_count(lesson))
        assert (row.cards_viewed, row.attempts, row.failed_attempts, row.best_score) == (
            cards, len(tried), sum(not a.passed for a in tried), max((a.score for a in tried), default=None))
        assert (row.started_at, row.last_activity_at) == (min(moments), max(moments))
        assert row.passed_at == min(passes, default=None)
        assert (row.status == learning.COMPLETED) == completed == (row.completed_at is not None)
    statuses = {row.status for row in rows}
    assert statuses == {learning.COMPLETED, learning.IN_PROGRESS}
    assert any(row.failed_attempts >= 3 for row in rows), "some learners need help"


# --- people, places, products, unions ---------------------------------------------------------

def test_phones_are_unique_valid_mobiles_in_the_demo_range(world):
    phones = [user.phone for user in _all(User)]
    assert len(phones) == len(set(phones))
    assert all(phone.startswith(DEMO_PHONE_PREFIX) and normalize_mobile(phone) == phone for phone in phones)


def test_sellers_spread_over_real_communes_with_a_rural_skew(world):
    communes = {commune.code: commune for commune in _all(Commune)}
    sellers = _all(Seller)
    assert all(seller.commune_code in communes for seller in sellers)
    rural = sum(communes[s.commune_code].division_type == "xa" for s in sellers)
    assert rural / len(sellers) > 0.7
    assert len({communes[s.commune_code].province_code for s in sellers}) > 20
    kinds = [seller.kind for seller in sellers]
    assert 0.8 < kinds.count("household") / len(kinds) < 0.97


def test_products_follow_the_publishing_rules(world):
    photos = {photo.product_id for photo in _all(ProductPhoto)}
    products = _all(Product)
    low, high = TITLE_LENGTH
    for product in products:
        assert low <= len(product.title) <= high, product.title
        assert 1 <= product.price_vnd <= 180_000_000
        assert product.search_text == fold(f"{product.title} {product.description}")
        assert product.created_at <= product.updated_at
        if product.status == "published":
            assert product.id in photos and product.category and product.published_at
    statuses = {product.status for product in products}
    assert statuses == {"published", "draft", "archived"}
    assert 2.5 < len(products) / len(_all(Seller)) < 4.5


def test_sales_and_channels_are_valid(world):
    products = {product.id: product for product in _all(Product)}
    for sale in _all(Sale):
        assert sale.channel in SALE_CHANNELS and sale.amount_vnd > 0
        assert vietnam_day(sale.created_at) >= sale.occurred_on
        if sale.product_id:
            assert products[sale.product_id].seller_id == sale.seller_id
            assert products[sale.product_id].created_at <= sale.created_at
    for link in _all(Channel):
        check_channel_url(link.channel, link.url)


def test_cohorts_belong_to_their_branch_province(world):
    communes = {commune.code: commune.province_code for commune in _all(Commune)}
    cohorts = {cohort.id: cohort for cohort in _all(Cohort)}
    covered = defaultdict(set)
    for row in _all(CohortCommune):
        covered[row.cohort_id].add(row.commune_code)
        assert communes[row.commune_code] == cohorts[row.cohort_id].union.province_code
    trainers = defaultdict(set)
    for grant in _all(RoleGrant):
        if grant.role == "trainer":
            trainers[grant.union_id].add(grant.user_id)
    members, accepted = defaultdict(set), defaultdict(set)
    for member in _all(CohortMember):
        members[member.cohort_id].add(member.user_id)
        if member.accepted_at:
            accepted[member.cohort_id].add(member.user_id)
        assert member.seller.commune_code in covered[member.cohort_id]
        assert member.enrolled_by_id in trainers[cohorts[member.cohort_id].union_id]
    for session in _all(TrainingSession):
        attendees = {a.user_id for a in db.session.scalars(
            select(SessionAttendee).where(SessionAttendee.session_id == session.id))}
        assert attendees <= accepted[session.cohort_id]
    invited = defaultdict(set)
    for invitation in _all(Invitation):
        assert invitation.kind == "cohort"
        invited[invitation.cohort_id].add(invitation.phone)
    phones = {user.id: user.phone for user in _all(User)}
    for cohort_id, user_ids in members.items():
        assert user_ids == accepted[cohort_id], "members are the households that joined"
    assert 0.55 < (sum(map(len, members.values())) + sum(
        1 for i in _all(Invitation) if i.status == "pending")) / len(_all(Seller)) < 0.85
    assert any(i.status == "pending" for i in _all(Invitation)), "some invitations are pending"
    for invitation in _all(Invitation):
        joined = {phones[user_id] for user_id in members[invitation.cohort_id]}
        assert (invitation.phone in joined) == (invitation.status == "accepted")


def test_consent_is_recorded_on_behalf_only_for_households_set_up_in_person(world):
    in_person = {m.user_id: m for m in _all(CohortMember) if m.accepted_at == m.enrolled_at}
    owners = {seller.owner_id for seller in _all(Seller)}
    consents = defaultdict(list)
    for consent in _all(Consent):
        consents[consent.user_id].append(consent)
    assert owners <= set(consents)
    for user_id, given in consents.items():
        for consent in given:
            if consent.on_behalf:
                assert consent.recorded_by_id == in_person[user_id].enrolled_by_id
                assert consent.recorded_at == in_person[user_id].enrolled_at
            else:
                assert consent.recorded_by_id == user_id


# --- last, since it writes: the learners' twins -----------------------------------------------

def _arrivals(user_id):
    """The learner's attempts and event batches in the order they reached the server."""
    batches = defaultdict(list)
    for event in db.session.scalars(select(ProgressEvent).where(ProgressEvent.user_id == user_id)):
        batches[event.received_at].append(event)
    arrivals = [(moment, 1, "events", batch) for moment, batch in batches.items()]
    arrivals += [(a.created_at, 0, "attempt", a)
                 for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user_id))]
    return sorted(arrivals, key=lambda arrival: arrival[:2])


def test_replaying_a_learner_through_the_learning_service_gives_the_same_progress(world):
    """The strongest check: the real service, fed the same events and attempts, agrees row for row."""
    by_user = defaultdict(int)
    for row in _all(LessonProgress):
        by_user[row.user_id] += row.attempts + (row.status == "completed")
    learners = sorted(by_user, key=lambda user_id: (-by_user[user_id], user_id))[:12]
    clock = FixedClock(None)
    world.extensions["clock"] = clock
    for user_id in learners:
        original = db.session.get(User, user_id)
        twin = UserFactory(created_at=original.created_at)
        for moment, _, what, payload in _arrivals(user_id):
            clock.at = moment
            if what == "attempt":
                learning.record_attempt(db.session.get(User, twin.id), payload.lesson_slug, uuid.uuid4(),
                                        payload.answers)
            else:
                fields = [{"id": uuid.uuid4(), "lesson": e.lesson_slug, "kind": e.kind, "card": e.card, "at": e.at,
                           "seconds": e.seconds} for e in payload]
                outcome = learning.record_events(db.session.get(User, twin.id),
                                                 [learning.ParsedEvent(i, fields=f) for i, f in enumerate(fields)])
                assert outcome["accepted"] == len(fields)
        expected = sorted(_progress_columns(row) for row in
                          db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id)))
        replayed = sorted(_progress_columns(row) for row in
                          db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == twin.id)))
        assert replayed == expected, user_id
