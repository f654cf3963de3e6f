"""Cohorts: union branches' training groups, assisted enrolment, attendance."""

from flask import current_app, has_request_context, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.clock import now
from server.errors import Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import (
    Cohort, CohortCommune, CohortMember, CohortTrack, CohortTrainer, Commune, RoleGrant, Seller, UnionBranch,
)
from server.permissions import Permission, Role, require, roles_of, union_ids
from server.phones import normalize_mobile
from server.services import accounts, audit, lessons, sellers
from server.sms import SmsError


# --- who may see and run a cohort ---------------------------------------------------------

def cohort_role(user, cohort):
    """"trainer" or "union_admin" when the user runs this cohort, else None."""
    if any(trainer.user_id == user.id for trainer in cohort.trainers):
        return Role.TRAINER
    if cohort.union_id in union_ids(user, Role.UNION_ADMIN):
        return Role.UNION_ADMIN
    return None


def get_cohort(user, cohort_id):
    """The cohort if the user runs it (trainer) or its branch (union admin); 404 otherwise."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort_role(user, cohort) is None:
        raise NotFound()
    return cohort


def list_cohorts(user):
    """The caller's cohorts: those they train, and all of their branches as union admin."""
    require(user, Permission.COHORTS_MANAGE)
    admin_unions = union_ids(user, Role.UNION_ADMIN)
    trained = select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return (
        select(Cohort)
        .where(or_(Cohort.id.in_(trained), Cohort.union_id.in_(admin_unions)))
        .options(selectinload(Cohort.trainers), selectinload(Cohort.communes), selectinload(Cohort.tracks),
                 selectinload(Cohort.members))
        .order_by(Cohort.starts_on.desc(), Cohort.id)
    )


def memberships_of(user):
    """A household's own cohort memberships, with their cohorts."""
    return db.session.scalars(
        select(CohortMember).where(CohortMember.user_id == user.id)
        .options(selectinload(CohortMember.cohort)).order_by(CohortMember.cohort_id)
    ).all()


# --- creating and changing cohorts ---------------------------------------------------------

def _check_communes(union, commune_codes):
    communes = db.session.scalars(select(Commune).where(Commune.code.in_(commune_codes))).all()
    if len(communes) != len(set(commune_codes)):
        raise InvalidInput(errors={"commune_codes": [_l("Unknown commune code.")]})
    if union.province_code and any(c.province_code != union.province_code for c in communes):
        raise InvalidInput(errors={"commune_codes": [_l("A provincial branch's cohort covers communes of its own province.")]})


def _check_tracks(track_slugs):
    known = {track.slug for track in lessons.current_index().tracks}
    unknown = sorted(set(track_slugs) - known)
    if unknown:
        raise InvalidInput(errors={"track_slugs": [_l("Unknown track: %(slugs)s", slugs=", ".join(unknown))]})


def create_cohort(user, name, union_id, commune_codes, starts_on, track_slugs, ends_on=None):
    """A trainer or union admin creates a cohort of a branch they work for; trainers run it."""
    require(user, Permission.COHORTS_MANAGE)
    if union_id not in union_ids(user):
        raise Forbidden(_l("You can only create cohorts for your own union branch."))
    union = db.session.get(UnionBranch, union_id)
    if ends_on and ends_on < starts_on:
        raise InvalidInput(errors={"ends_on": [_l("The end date is before the start date.")]})
    _check_communes(union, commune_codes)
    _check_tracks(track_slugs)
    cohort = Cohort(name=name, union_id=union.id, starts_on=starts_on, ends_on=ends_on,
                    created_by_id=user.id, created_at=now())
    cohort.communes = [CohortCommune(commune_code=code) for code in dict.fromkeys(commune_codes)]
    cohort.tracks = [CohortTrack(track_slug=slug) for slug in dict.fromkeys(track_slugs)]
    if Role.TRAINER in roles_of(user) and union.id in union_ids(user, Role.TRAINER):
        cohort.trainers = [CohortTrainer(user_id=user.id)]
    db.session.add(cohort)
    db.session.flush()
    audit.record("cohort.created", actor=user, details={"cohort_id": cohort.id, "union_id": union.id})
    db.session.commit()
    return cohort


def set_trainers(user, cohort_id, trainer_ids):
    """A union admin chooses who runs a cohort, among the trainers of the branch."""
    cohort = get_cohort(user, cohort_id)
    if cohort_role(user, cohort) != Role.UNION_ADMIN:
        raise Forbidden(_l("Only the branch's union admin assigns trainers."))
    branch_trainers = set(db.session.scalars(
        select(RoleGrant.user_id).where(RoleGrant.role == Role.TRAINER, RoleGrant.union_id == cohort.union_id)
    ))
    if not set(trainer_ids) <= branch_trainers:
        raise InvalidInput(errors={"trainer_ids": [_l("Only trainers of this union branch can run its cohorts.")]})
    # Change only what differs: the unit of work inserts before it deletes, and a trainer kept
    # on would otherwise be inserted twice.
    wanted = set(trainer_ids)
    for current in [t for t in cohort.trainers if t.user_id not in wanted]:
        cohort.trainers.remove(current)
    present = {t.user_id for t in cohort.trainers}
    cohort.trainers.extend(CohortTrainer(user_id=uid) for uid in dict.fromkeys(trainer_ids) if uid not in present)
    audit.record("cohort.trainers_set", actor=user, details={"cohort_id": cohort.id, "trainer_ids": trainer_ids})
    db.session.commit()
    return cohort


# --- assisted enrolment -----------------------------------------------------------------------

def _invite(person, cohort, trainer):
    site = request.host_url if has_request_context() else ""
    body = gettext(
        "Cho Que Online: %(trainer)s has enrolled you in the class %(cohort)s. "
        "Sign in with this phone number at %(site)s to start.",
        trainer=trainer.full_name or trainer.phone, cohort=cohort.name, site=site,
    )
    try:
        current_app.extensions["sms"].send(person.phone, body)
    except SmsError:
        # Enrolment stands without the SMS; the trainer is there in person and can retry later.
        current_app.logger.warning("Invitation SMS to %s not sent", person.phone, exc_info=True)


def enrol(trainer, cohort_id, raw_phone, full_name, seller_kind, commune_code, consent):
    """Enrol a household by phone; returns (member, created). Enrolling the same phone again changes nothing.

    A phone nobody has signed in with yet is the trainer setting up the household's account in
    person: the account, its shop and its consent (recorded on its behalf) are created, and the
    membership counts at once. A person who already uses the app is invited instead: they see the
    cohort and accept it themselves before their trainers may help with their shop.
    """
    cohort = get_cohort(trainer, cohort_id)
    phone = normalize_mobile(raw_phone)
    commune = db.session.get(Commune, commune_code)
    if commune is None:
        raise InvalidInput(errors={"commune_code": [_l("Unknown commune code.")]})
    if cohort.union.province_code and commune.province_code != cohort.union.province_code:
        raise InvalidInput(errors={"commune_code": [_l("A provincial branch's cohort covers communes of its own province.")]})
    person, _created = accounts.user_for_phone(phone, full_name)
    existing = next((m for m in cohort.members if m.user_id == person.id), None)
    if existing is not None:
        db.session.rollback()
        return existing, False
    in_person = person.phone_verified_at is None
    seller = db.session.scalars(
        select(Seller).where(Seller.owner_id == person.id, Seller.erased_at.is_(None)).order_by(Seller.id)
    ).first()
    if seller is None:
        seller = sellers.add_seller(person, seller_kind, full_name, commune_code, actor=trainer)
    if in_person:
        accounts.record_consent(person, consent["version"], consent["purposes"], recorded_by=trainer)
    moment = now()
    member = CohortMember(cohort_id=cohort.id, user_id=person.id, seller_id=seller.id, enrolled_by_id=trainer.id,
                          enrolled_at=moment, accepted_at=moment if in_person else None)
    cohort.members.append(member)
    audit.record("cohort.member_enrolled" if in_person else "cohort.member_invited", actor=trainer, subject=person,
                 details={"cohort_id": cohort.id, "seller_id": seller.id})
    db.session.commit()
    _invite(person, cohort, trainer)
    return member, True


def respond_to_invitation(user, cohort_id, accept):
    """The household accepts a cohort (its trainers may then help with its shop) or leaves it."""
    member = db.session.scalars(
        select(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id)
    ).first()
    if member is None:
        raise NotFound()
    if accept:
        member.accepted_at = member.accepted_at or now()
        audit.record("cohort.invitation_accepted", actor=user, subject=user, details={"cohort_id": cohort_id})
    else:
        db.session.delete(member)
        audit.record("cohort.left", actor=user, subject=user, details={"cohort_id": cohort_id})
    db.session.commit()
    return member


def remove_member(user, cohort_id, member_user_id):
    cohort = get_cohort(user, cohort_id)
    member = next((m for m in cohort.members if m.user_id == member_user_id), None)
    if member is None:
        raise NotFound()
    cohort.members.remove(member)
    audit.record("cohort.member_removed", actor=user, subject=member.user, details={"cohort_id": cohort.id})
    db.session.commit()
