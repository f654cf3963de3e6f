"""Demo accounts to sign in with, read from the database: every `demo-data` run prints them."""

from sqlalchemy import func, select

from server.demo.people import DEMO_PHONE_PREFIX
from server.extensions import db
from server.models import Cohort, CohortMember, CohortTrainer, RoleGrant, Seller, User
from server.phones import display


def _demo(phone_column):
    return phone_column.like(f"{DEMO_PHONE_PREFIX}%")


def _staff_phone(role, *conditions):
    return db.session.scalar(
        select(User.phone).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, _demo(User.phone), *conditions).order_by(User.id).limit(1)
    )


def _showcase_cohort():
    """The demo cohort with the most households selling (the latest of equals): the one to look at."""
    selling = func.count(Seller.activated_at)
    return db.session.execute(
        select(Cohort.id, Cohort.name, Cohort.union_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(Seller, Seller.id == CohortMember.seller_id)
        .join(User, User.id == Cohort.created_by_id)
        .where(_demo(User.phone), Seller.erased_at.is_(None))
        .group_by(Cohort.id, Cohort.name, Cohort.union_id, Cohort.starts_on)
        .order_by(selling.desc(), Cohort.starts_on.desc(), Cohort.id.desc()).limit(1)
    ).first()


def demo_logins():
    """[(who, phone as people type it)]: the national manager, the admin, a cohort's union admin and
    trainer, and one of its households whose shop sells. Demo phones only: nothing else is shown,
    and the codes go to the SMS outbox as for anyone."""
    logins = [("national manager", _staff_phone("manager", RoleGrant.province_code.is_(None))),
              ("admin", _staff_phone("admin"))]
    household = select(User.phone).join(Seller, Seller.owner_id == User.id).where(
        _demo(User.phone), Seller.activated_at.is_not(None), Seller.erased_at.is_(None)).order_by(Seller.id).limit(1)
    cohort = _showcase_cohort()
    if cohort is not None:
        logins.append((f"union admin of the branch running “{cohort.name}”",
                       _staff_phone("union_admin", RoleGrant.union_id == cohort.union_id)))
        logins.append((f"trainer of “{cohort.name}”", db.session.scalar(
            select(User.phone).join(CohortTrainer, CohortTrainer.user_id == User.id)
            .where(CohortTrainer.cohort_id == cohort.id, _demo(User.phone)).order_by(CohortTrainer.id).limit(1))))
        member = db.session.scalar(household.join(CohortMember, CohortMember.seller_id == Seller.id)
                                   .where(CohortMember.cohort_id == cohort.id))
        logins.append((f"household of “{cohort.name}” with a shop that sells", member))
    else:
        logins.append(("household with a shop that sells", db.session.scalar(household)))
    db.session.rollback()
    return [(who, display(phone)) for who, phone in logins if phone]
