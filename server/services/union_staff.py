"""Union admins manage the trainers of their branch."""

from sqlalchemy import delete, select

from server.errors import NotFound
from server.extensions import db
from server.models import Cohort, CohortTrainer, RoleGrant, UnionBranch, User
from server.permissions import Role, union_ids
from server.phones import normalize_mobile
from server.services import accounts, audit


def _branch(user, union_id):
    """The branch if the user is its union admin; 404 otherwise."""
    branch = db.session.get(UnionBranch, union_id)
    if branch is None or union_id not in union_ids(user, Role.UNION_ADMIN):
        raise NotFound()
    return branch


def list_trainers(user, union_id):
    branch = _branch(user, union_id)
    return db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.TRAINER, RoleGrant.union_id == branch.id, User.erased_at.is_(None))
        .order_by(User.full_name, User.id)
    ).all()


def add_trainer(user, union_id, raw_phone, full_name):
    """Make a person a trainer of the branch (creating the account if needed). Returns (trainer, created)."""
    branch = _branch(user, union_id)
    trainer, _created = accounts.user_for_phone(normalize_mobile(raw_phone), full_name)
    added = not any(g.role == Role.TRAINER and g.union_id == branch.id for g in trainer.grants)
    if added:
        trainer.grants.append(RoleGrant(role=Role.TRAINER.value, union_id=branch.id))
        audit.record("union.trainer_added", actor=user, subject=trainer, details={"union_id": branch.id})
    db.session.commit()
    return trainer, added


def remove_trainer(user, union_id, trainer_id):
    """Take the trainer role away; they stop running the branch's cohorts."""
    branch = _branch(user, union_id)
    grant = db.session.scalars(
        select(RoleGrant).where(RoleGrant.user_id == trainer_id, RoleGrant.role == Role.TRAINER,
                                RoleGrant.union_id == branch.id)
    ).first()
    if grant is None:
        raise NotFound()
    db.session.delete(grant)
    db.session.execute(
        delete(CohortTrainer).where(
            CohortTrainer.user_id == trainer_id,
            CohortTrainer.cohort_id.in_(select(Cohort.id).where(Cohort.union_id == branch.id)),
        )
    )
    audit.record("union.trainer_removed", actor=user, subject=db.session.get(User, trainer_id),
                 details={"union_id": branch.id})
    db.session.commit()
