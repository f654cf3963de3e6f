"""Cohorts: union branches' training groups, assisted enrolment, members and invitations."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server.clock import now
from server.errors import Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import (
    Cohort, CohortCommune, CohortMember, CohortTrack, CohortTrainer, Commune, RoleGrant, UnionBranch,
    User,
)
from server.permissions import (
    Permission, Role, check_cohort, check_cohort_admin, require, roles_of, union_ids,
)
from server.phones import normalize_mobile
from server.services import accounts, audit, invitations, lessons, sellers

# Two trainers' phones replaying one offline enrolment at the same moment: the loser runs again.
RACE_RETRIES = 3


def get_cohort(user, cohort_id):
    """The cohort if the user runs it (trainer) or its branch (union admin); 404 otherwise."""
    return check_cohort(user, db.session.get(Cohort, cohort_id))


def list_cohorts(user):
    """The caller's cohorts: those they train, and all of their branches as union admin."""
    require(user, Permission.COHORTS_MANAGE)
    admin_unions = union_ids(user, Role.UNION_ADMIN)
    trained = select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return (
        select(Cohort)
        .where(or_(Cohort.id.in_(trained), Cohort.union_id.in_(admin_unions)))
        .options(selectinload(Cohort.trainers), selectinload(Cohort.communes).selectinload(CohortCommune.commune),
                 selectinload(Cohort.tracks),
                 selectinload(Cohort.members))
        .order_by(Cohort.starts_on.desc(), Cohort.id)
    )


def memberships_of(user):
    """A household's own cohort memberships, with their cohorts (invitations are in invitations.py)."""
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
    cohort = check_cohort_admin(user, db.session.get(Cohort, cohort_id))
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

@dataclass(frozen=True)
class Enrolment:
    """What a trainer sees after enrolling a phone: the member, or only the number and "pending"."""

    status: str  # "active": a member of the cohort; "pending": an invitation waiting for an answer
    phone: str
    enrolled_at: datetime
    enrolled_by_id: int
    user_id: int | None = None
    full_name: str | None = None
    seller_id: int | None = None
    accepted_at: datetime | None = None
    invitation_id: int | None = None
    sms_sent: bool | None = None

    @classmethod
    def of_member(cls, member, sms_sent=None):
        return cls("active", member.user.phone, member.enrolled_at, member.enrolled_by_id, member.user_id,
                   member.user.full_name, member.seller_id, member.accepted_at, sms_sent=sms_sent)

    @classmethod
    def of_invitation(cls, invitation):
        return cls("pending", invitation.phone, invitation.created_at, invitation.invited_by_id,
                   invitation_id=invitation.id, sms_sent=invitation.sms_sent_at is not None)


def enrol(trainer, cohort_id, raw_phone, full_name, seller_kind, commune_code, consent):
    """Enrol a household by phone; returns (Enrolment, created). Enrolling the same phone again changes nothing.

    A phone nobody uses yet is the trainer setting up the household in person: its account, its
    shop and its consent (recorded on its behalf) are created, and it belongs to the cohort at once.
    A phone that has an account already, whoever made it, is only invited: its owner sees the
    cohort in the app and accepts or declines it, and until then the trainer sees the number alone.
    """
    cohort = get_cohort(trainer, cohort_id)
    phone = normalize_mobile(raw_phone)
    commune = db.session.get(Commune, commune_code)
    if commune is None:
        raise InvalidInput(errors={"commune_code": [_l("Unknown commune code.")]})
    if cohort.union.province_code and commune.province_code != cohort.union.province_code:
        raise InvalidInput(errors={"commune_code": [_l("A provincial branch's cohort covers communes of its own province.")]})
    for attempt in range(RACE_RETRIES):
        try:
            return _enrol(trainer, cohort, phone, full_name, seller_kind, commune_code, consent)
        except IntegrityError:
            db.session.rollback()
            if attempt == RACE_RETRIES - 1:
                raise


def _enrol(trainer, cohort, phone, full_name, seller_kind, commune_code, consent):
    person_id = db.session.scalar(select(User.id).where(User.phone == phone))
    if person_id is not None:
        member = db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort.id,
                                                               CohortMember.user_id == person_id)).first()
        if member is not None:
            return Enrolment.of_member(member), False
        invitation, created = invitations.invite(trainer, "cohort", phone, cohort)
        return Enrolment.of_invitation(invitation), created
    moment = now()
    person = User(phone=phone, full_name=full_name, created_at=moment, profile_completed_at=moment)
    db.session.add(person)
    db.session.flush()
    seller = sellers.add_seller(person, seller_kind, full_name, commune_code, actor=trainer)
    accounts.record_consent(person, consent["version"], consent["purposes"], recorded_by=trainer)
    member = CohortMember(cohort_id=cohort.id, user_id=person.id, seller_id=seller.id, enrolled_by_id=trainer.id,
                          enrolled_at=moment, accepted_at=moment)
    cohort.members.append(member)
    audit.record("cohort.member_enrolled", actor=trainer, subject=person,
                 details={"cohort_id": cohort.id, "seller_id": seller.id})
    db.session.commit()
    sent = invitations.send_sms(trainer, phone, "enrolled", union=cohort.union)
    return Enrolment.of_member(member, sms_sent=sent), True


def pending_invitations(user, cohort_id):
    """Households invited to the cohort who have not answered: their numbers only."""
    cohort = get_cohort(user, cohort_id)
    return invitations.pending_for("cohort", cohort.id)


def respond_to_invitation(user, cohort_id, accept):
    """The household accepts its pending invitation to a cohort, or declines it, or leaves the cohort."""
    invitation = invitations.pending("cohort", user.phone, cohort_id) if user.phone else None
    if accept:
        if invitation is None:
            raise NotFound()
        invitations.accept(user, invitation.id)
        return _membership(user, cohort_id)
    if invitation is not None:
        invitations.decline(user, invitation.id)
        return None
    member = _membership(user, cohort_id)
    db.session.delete(member)
    audit.record("cohort.left", actor=user, subject=user, details={"cohort_id": cohort_id})
    db.session.commit()
    return None


def _membership(user, cohort_id):
    member = db.session.scalars(
        select(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id)
    ).first()
    if member is None:
        raise NotFound()
    return member


def remove_member(user, cohort_id, member_user_id):
    cohort = get_cohort(user, cohort_id)
    member = next((m for m in cohort.members if m.user_id == member_user_id), None)
    if member is None:
        raise NotFound()
    cohort.members.remove(member)
    audit.record("cohort.member_removed", actor=user, subject=member.user, details={"cohort_id": cohort.id})
    db.session.commit()
