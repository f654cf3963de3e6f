"""The signed-in person: profile, consent, export of their data, erasure; staff accounts."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, or_, select, true, update

from server.clock import now
from server.errors import InvalidInput
from server.extensions import db
from server.models import (
    AuditEvent, Channel, Consent, Invitation, LessonProgress, OtpChallenge, PayoutAccount, Product, ProductPhoto,
    Province, QuizAttempt, RoleGrant, Sale, Seller, SellerMember, UnionBranch, User,
)
from server.permissions import STAFF_ROLES, Role
from server.phones import normalize_mobile
from server.services.places import normalize_province_code
from server.services import audit
from server.services.auth import revoke_all_sessions, user_with_phone
from server.services.products import delete_files

CONSENT_PURPOSES = ("account", "training", "listing", "programme_statistics", "sms")
GENDERS = ("female", "male", "other")
ERASED_NAME = "—"


def update_profile(user, changes):
    """Change name, language or gender; the first name given completes the profile step."""
    for field in ("full_name", "locale", "gender"):
        if field in changes:
            setattr(user, field, changes[field])
    if user.full_name and user.profile_completed_at is None:
        user.profile_completed_at = now()
    audit.record("account.profile_updated", actor=user, subject=user, details={"fields": sorted(changes)})
    db.session.commit()
    return user


def record_consent(subject, version, purposes, recorded_by):
    """Record consent; `recorded_by` differs from `subject` when a trainer records it on their behalf."""
    consent = Consent(
        user_id=subject.id,
        version=version,
        purposes=sorted(set(purposes)),
        recorded_at=now(),
        recorded_by_id=recorded_by.id,
        on_behalf=recorded_by.id != subject.id,
    )
    db.session.add(consent)
    audit.record("account.consent_recorded", actor=recorded_by, subject=subject,
                 details={"version": version, "purposes": consent.purposes})
    return consent


def give_consent(user, version, purposes):
    """The signed-in person records their own consent."""
    consent = record_consent(user, version, purposes, recorded_by=user)
    db.session.commit()
    return consent


# The reads of /me, which the app asks for on every start, in one statement built once (building a
# select costs about as much as running it; a round trip more costs as much again): the user's row
# joined to their latest consent and to each of their sellers, so one row per seller (or one row
# without a seller), each carrying the consent (or NULLs).
LATEST_CONSENT = (
    select(Consent.version, Consent.purposes, Consent.recorded_at, Consent.on_behalf)
    .where(Consent.user_id == bindparam("user_id"))
    .order_by(Consent.recorded_at.desc(), Consent.id.desc())
    .limit(1)
    .subquery("consent")
)
SELLERS_OF = (
    select(Seller.id, Seller.name, Seller.kind, Seller.commune_code)
    .join(SellerMember, SellerMember.seller_id == Seller.id)
    .where(SellerMember.user_id == bindparam("user_id"), Seller.erased_at.is_(None))
    .subquery("seller")
)
SELLERS_AND_CONSENT = (
    select(SELLERS_OF, LATEST_CONSENT)
    .select_from(User.__table__)
    .outerjoin(LATEST_CONSENT, true())
    .outerjoin(SELLERS_OF, true())
    .where(User.__table__.c.id == bindparam("user_id"))
    .order_by(SELLERS_OF.c.id)
)


def sellers_and_consent(user):
    """(sellers, consent): the sellers the user owns or is a member of (id, name, kind and
    commune_code of each, by id), and the consent they recorded last (version, purposes,
    recorded_at, on_behalf) or None."""
    # Core rows on the session's connection: plain columns, nothing for the ORM to load.
    rows = db.session.connection().execute(SELLERS_AND_CONSENT, {"user_id": user.id}).mappings().all()
    sellers = [{key: row[key] for key in SELLERS_OF.c.keys()} for row in rows if row["id"] is not None]
    latest = rows[0] if rows and rows[0]["recorded_at"] is not None else None
    return sellers, latest and {key: latest[key] for key in LATEST_CONSENT.c.keys()}


def export_data(user):
    """All personal data we hold about the caller, as plain JSON-ready data."""
    consents = db.session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.recorded_at)
    ).all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.subject_user_id == user.id, AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    memberships = db.session.scalars(select(SellerMember).where(SellerMember.user_id == user.id)).all()
    shop_ids = [m.seller_id for m in memberships]
    payouts = db.session.scalars(select(PayoutAccount).where(PayoutAccount.seller_id.in_(shop_ids))).all()
    channels = db.session.scalars(select(Channel).where(Channel.seller_id.in_(shop_ids))).all()
    products = db.session.scalars(select(Product).where(Product.seller_id.in_(shop_ids))).all()
    sales = db.session.scalars(select(Sale).where(Sale.seller_id.in_(shop_ids))).all()
    lessons = db.session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == user.id).order_by(LessonProgress.started_at)
    ).all()
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.created_at)
    ).all()
    invited = db.session.scalars(
        select(Invitation).where(Invitation.phone == user.phone).order_by(Invitation.created_at)
    ).all() if user.phone else []
    return {
        "exported_at": now().isoformat(),
        "user": {
            "id": user.id,
            "phone": user.phone,
            "full_name": user.full_name,
            "locale": user.locale,
            "gender": user.gender,
            "created_at": user.created_at.isoformat(),
            "phone_verified_at": user.phone_verified_at and user.phone_verified_at.isoformat(),
        },
        "consents": [
            {"version": c.version, "purposes": c.purposes, "recorded_at": c.recorded_at.isoformat(),
             "recorded_by_id": c.recorded_by_id, "on_behalf": c.on_behalf}
            for c in consents
        ],
        "sellers": [
            {"id": m.seller.id, "role": m.role, "kind": m.seller.kind, "name": m.seller.name,
             "commune_code": m.seller.commune_code, "address": m.seller.address,
             "description": m.seller.description, "created_at": m.seller.created_at.isoformat(),
             # What its product pages show the public, the owner's phone among them.
             "show_phone": m.seller.show_phone, "show_channels": m.seller.show_channels,
             "show_vietqr": m.seller.show_vietqr}
            for m in memberships
        ],
        "payout_accounts": [
            {"seller_id": p.seller_id, "bank_bin": p.bank_bin, "account_number": p.account_number,
             "account_name": p.account_name}
            for p in payouts
        ],
        "channels": [{"seller_id": c.seller_id, "channel": c.channel, "url": c.url} for c in channels],
        "products": [
            {"id": p.id, "seller_id": p.seller_id, "title": p.title, "description": p.description,
             "price_vnd": p.price_vnd, "status": p.status}
            for p in products
        ],
        "sales": [
            {"id": s.id, "seller_id": s.seller_id, "occurred_on": s.occurred_on.isoformat(), "channel": s.channel,
             "amount_vnd": s.amount_vnd, "quantity": s.quantity}
            for s in sales
        ],
        "learning": [
            {"lesson": p.lesson_slug, "status": p.status, "best_score": p.best_score,
             "started_at": p.started_at.isoformat(),
             "completed_at": p.completed_at and p.completed_at.isoformat()}
            for p in lessons
        ],
        "quiz_attempts": [
            {"id": a.id, "lesson": a.lesson_slug, "answers": a.answers, "score": a.score, "passed": a.passed,
             "at": a.created_at.isoformat()}
            for a in attempts
        ],
        "invitations": [
            {"kind": i.kind, "status": i.status, "invited_by_id": i.invited_by_id, "cohort_id": i.cohort_id,
             "seller_id": i.seller_id, "union_id": i.union_id, "role": i.role, "created_at": i.created_at.isoformat(),
             "responded_at": i.responded_at and i.responded_at.isoformat()}
            for i in invited
        ],
        "activity": [
            {"at": e.at.isoformat(), "action": e.action, "actor_id": e.actor_id,
             "subject_user_id": e.subject_user_id, "on_behalf": e.on_behalf, "details": e.details}
            for e in events
        ],
    }


def erase(user):
    """Erase personal data but keep anonymous records (gender, commune, dates) so counts stay right."""
    moment = now()
    photo_keys = []
    for seller in db.session.scalars(select(Seller).where(Seller.owner_id == user.id)):
        seller.name = ERASED_NAME
        seller.address = None
        seller.description = None
        seller.erased_at = moment
        # Take the shop's products off the catalog; feeds see them archived, without the words and
        # photos that may show or name the family (kept: category, price and place, for the counts).
        products = select(Product.id).where(Product.seller_id == seller.id)
        photos = db.session.scalars(select(ProductPhoto).where(ProductPhoto.product_id.in_(products))).all()
        photo_keys += [key for photo in photos for key in photo.keys.values()]
        db.session.execute(delete(ProductPhoto).where(ProductPhoto.product_id.in_(products)))
        db.session.execute(
            update(Product).where(Product.seller_id == seller.id)
            .values(status="archived", title=None, description=None, unit=None, sku=None, search_text="",
                    updated_at=moment)
        )
        # Bank details and links to profiles elsewhere identify the person: gone with them.
        db.session.execute(delete(PayoutAccount).where(PayoutAccount.seller_id == seller.id))
        db.session.execute(delete(Channel).where(Channel.seller_id == seller.id))
    if user.phone:
        db.session.execute(delete(OtpChallenge).where(OtpChallenge.phone == user.phone))
        # Invitations to the number name it: they go with the person.
        db.session.execute(delete(Invitation).where(Invitation.phone == user.phone))
    db.session.execute(SellerMember.__table__.delete().where(
        SellerMember.user_id == user.id, SellerMember.role != "owner"))
    user.phone = None
    user.full_name = None
    user.erased_at = moment
    revoke_all_sessions(user)
    audit.record("account.erased", actor=user, subject=user)
    db.session.commit()
    delete_files(photo_keys)


def create_staff_user(raw_phone, role, union_id=None, province_codes=(), national=False, actor=None):
    """Create (or extend) a staff account with a scoped role; running it twice adds nothing."""
    phone = normalize_mobile(raw_phone)
    role = Role(role)
    if role not in STAFF_ROLES:
        raise InvalidInput(errors={"role": [_l("Unknown staff role.")]})
    scopes = _scopes(role, union_id, province_codes, national)
    user = user_with_phone(phone)
    existing = {(g.role, g.union_id, g.province_code) for g in user.grants}
    for union, province in scopes:
        if (role.value, union, province) not in existing:
            user.grants.append(RoleGrant(role=role.value, union_id=union, province_code=province))
    audit.record("account.role_granted", actor=actor, subject=user,
                 details={"role": role.value, "scopes": [list(s) for s in scopes]})
    db.session.commit()
    return user


def _scopes(role, union_id, province_codes, national):
    """(union_id, province_code) pairs for the grant rows of a role."""
    if role in (Role.TRAINER, Role.UNION_ADMIN):
        if union_id is None or db.session.get(UnionBranch, union_id) is None:
            raise InvalidInput(errors={"union": [_l("Trainers and union admins need a valid union branch id.")]})
        return [(union_id, None)]
    if role == Role.MANAGER:
        if national:
            return [(None, None)]
        codes = [normalize_province_code(code) for code in province_codes]
        if not codes or any(db.session.get(Province, code) is None for code in codes):
            raise InvalidInput(errors={"province": [_l("Managers need valid province codes, or national scope.")]})
        return [(None, code) for code in codes]
    return [(None, None)]
