"""Invitations: a person is added by phone to a cohort, a cooperative or a union branch's trainers
only when they accept, from their own signed-in phone.

Typing a phone number reads nobody's account: an invitation is addressed to the number, and whoever
signs in with it sees it. Until they answer, the inviter sees only the number they typed.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server.clock import now
from server.errors import Conflict, NotFound
from server.extensions import db
from server.i18n import DEFAULT_LOCALE
from server.models import CohortMember, Invitation, RoleGrant, Seller, SellerMember, User
from server.permissions import Role, may_manage_invitation
from server.services import audit, throttle
from server.services.places import union_display_name
from server.sms import SmsError
from server.text import without_accents
from server.urls import public_url

# Invitation SMS go out from the programme's sender: a trainer account cannot turn it into a spam
# or phishing tool (fixed texts, limited counts), nor can many inviters flood one number.
SMS_PER_SENDER = 100
SMS_PER_RECIPIENT = 3
SMS_WINDOW = timedelta(hours=24)

ALREADY_ANSWERED = _l("This invitation has already been answered.")

# The texts are fixed: nothing typed by the sender goes into them. Vietnamese without diacritics
# keeps them in the GSM-7 alphabet (160 characters a part) that every phone shows.
_TEXTS = {
    "enrolled": lambda: gettext(
        "Cho Que Online: %(union)s has set up a selling account for you. "
        "Sign in with this phone number at %(link)s to start."),
    "cohort": lambda: gettext(
        "Cho Que Online: %(union)s invites you to a class on selling online. "
        "Sign in with this phone number at %(link)s to answer."),
    "cooperative": lambda: gettext(
        "Cho Que Online: you are invited to join a cooperative. "
        "Sign in with this phone number at %(link)s to answer."),
    "union_trainer": lambda: gettext(
        "Cho Que Online: %(union)s invites you to be one of its trainers. "
        "Sign in with this phone number at %(link)s to answer."),
}


# The column of each kind's target.
TARGETS = {"cohort": "cohort_id", "cooperative": "seller_id", "union_trainer": "union_id"}


def _to(kind, target_id):
    return getattr(Invitation, TARGETS[kind]) == target_id


def pending(kind, phone, target_id):
    """The pending invitation of `phone` to a target, or None."""
    return db.session.scalars(
        select(Invitation).where(Invitation.kind == kind, Invitation.phone == phone, _to(kind, target_id),
                                 Invitation.status == "pending")
    ).first()


def invite(inviter, kind, phone, target, role=None):
    """Invite the person of an E.164 `phone` to `target` (a Cohort, a cooperative Seller or a
    UnionBranch); the SMS goes out within the limits. Returns (invitation, created): inviting again
    returns the pending invitation."""
    existing = pending(kind, phone, target.id)
    if existing is not None:
        return existing, False
    invitation = Invitation(kind=kind, phone=phone, role=role, invited_by_id=inviter.id, created_at=now(),
                            status="pending", **{TARGETS[kind]: target.id})
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:
        # The same invitation sent at the same moment (a retry from a flaky phone): keep the first.
        db.session.rollback()
        return pending(kind, phone, target.id), False
    audit.record("invitation.sent", actor=inviter, details={"kind": kind, TARGETS[kind]: target.id})
    db.session.commit()
    union = {"cohort": getattr(target, "union", None), "union_trainer": target}.get(kind)
    send_sms(inviter, phone, kind, union=union, invitation=invitation)
    return invitation, True


def send_sms(sender, phone, text, union=None, invitation=None):
    """Send one of the fixed texts to `phone`, in the recipient's language, within the limits per
    recipient and per sender. Returns whether it went out; enrolment stands either way."""
    to_recipient = throttle.take(f"invitation-sms-to:{phone}", SMS_PER_RECIPIENT, SMS_WINDOW)
    by_sender = to_recipient.allowed and throttle.take(f"invitation-sms-by:{sender.id}", SMS_PER_SENDER, SMS_WINDOW)
    if not (to_recipient.allowed and by_sender.allowed):
        db.session.rollback()
        current_app.logger.info("Invitation SMS to %s held back by the limits", phone)
        return False
    with force_locale(_recipient_locale(phone)):
        union_name = without_accents(union_display_name(union)) if union is not None else ""
        body = _TEXTS[text]() % {"union": union_name, "link": public_url("/")}
    try:
        current_app.extensions["sms"].send(phone, body)
    except SmsError:
        db.session.rollback()
        current_app.logger.warning("Invitation SMS to %s not sent", phone, exc_info=True)
        return False
    if invitation is not None:
        invitation.sms_sent_at = now()
    db.session.commit()
    return True


def _recipient_locale(phone):
    """The language the person chose in the app, else Vietnamese; never shown to the sender."""
    return db.session.scalar(select(User.locale).where(User.phone == phone, User.locale.is_not(None))) \
        or DEFAULT_LOCALE


# --- the invited person's side --------------------------------------------------------------------

def addressed_to(user):
    """Pending invitations to the signed-in person's phone, newest first."""
    return db.session.scalars(
        select(Invitation).where(Invitation.phone == user.phone, Invitation.status == "pending")
        .options(selectinload(Invitation.cohort), selectinload(Invitation.seller),
                 selectinload(Invitation.union), selectinload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()


def _mine(user, invitation_id):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or user.phone is None or invitation.phone != user.phone:
        raise NotFound()
    return invitation


def _answer(invitation, status):
    """Move a pending invitation to `status`, once: of two answers sent at once, the first counts."""
    moment = now()
    answered = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending")
        .values(status=status, responded_at=moment).execution_options(synchronize_session=False)
    ).rowcount
    if not answered:
        db.session.rollback()
        raise Conflict(ALREADY_ANSWERED)
    return moment


def accept(user, invitation_id):
    """Join what the invitation is to: the cohort (its trainers may then help with my shop), the
    cooperative (with the role offered), or the branch's trainers."""
    invitation = _mine(user, invitation_id)
    moment = _answer(invitation, "accepted")
    if invitation.kind == "cohort":
        _join_cohort(user, invitation, moment)
    elif invitation.kind == "cooperative":
        _join_cooperative(user, invitation, moment)
    else:
        _become_trainer(user, invitation)
    audit.record("invitation.accepted", actor=user, subject=user,
                 details={"invitation_id": invitation.id, "kind": invitation.kind})
    db.session.commit()
    db.session.refresh(invitation)
    return invitation


def decline(user, invitation_id):
    invitation = _mine(user, invitation_id)
    _answer(invitation, "declined")
    audit.record("invitation.declined", actor=user, subject=user,
                 details={"invitation_id": invitation.id, "kind": invitation.kind})
    db.session.commit()
    db.session.refresh(invitation)
    return invitation


def own_shop(user):
    """The person's first live shop of their own, which their cohorts' trainers help with."""
    return db.session.scalars(
        select(Seller).where(Seller.owner_id == user.id, Seller.erased_at.is_(None)).order_by(Seller.id)
    ).first()


def _join_cohort(user, invitation, moment):
    if db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == invitation.cohort_id,
                                                     CohortMember.user_id == user.id)).first():
        return
    shop = own_shop(user)
    db.session.add(CohortMember(cohort_id=invitation.cohort_id, user_id=user.id, seller_id=shop and shop.id,
                                enrolled_by_id=invitation.invited_by_id, enrolled_at=moment, accepted_at=moment))


def _join_cooperative(user, invitation, moment):
    if invitation.seller.erased_at is not None:
        raise NotFound()
    member = db.session.scalars(select(SellerMember).where(SellerMember.seller_id == invitation.seller_id,
                                                           SellerMember.user_id == user.id)).first()
    if member is None:
        db.session.add(SellerMember(seller_id=invitation.seller_id, user_id=user.id, role=invitation.role,
                                    added_at=moment, added_by_id=invitation.invited_by_id))
    elif member.role != "owner":
        member.role = invitation.role


def _become_trainer(user, invitation):
    if not any(g.role == Role.TRAINER and g.union_id == invitation.union_id for g in user.grants):
        user.grants.append(RoleGrant(role=Role.TRAINER.value, union_id=invitation.union_id))


# --- the inviter's side ---------------------------------------------------------------------------

def pending_for(kind, target_id):
    """Pending invitations to a target, newest first (the caller checks who may see them)."""
    return (
        select(Invitation).where(Invitation.kind == kind, _to(kind, target_id), Invitation.status == "pending")
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def cancel(user, invitation_id):
    """Take back an invitation not answered yet (a number typed wrong); only who runs its target may."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not may_manage_invitation(user, invitation):
        raise NotFound()
    _answer(invitation, "cancelled")
    audit.record("invitation.cancelled", actor=user, details={"invitation_id": invitation.id})
    db.session.commit()
