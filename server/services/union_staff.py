"""Union admins manage the trainers of their branch; a person becomes a trainer by accepting."""

from sqlalchemy import delete, select

from server.errors import NotFound
from server.extensions import db
from server.models import Cohort, CohortTrainer, RoleGrant, UnionBranch, User
from server.permissions import Role, check_union_admin
from server.phones import normalize_mobile
from server.services import audit, invitations


def _branch(user, union_id):
    return check_union_admin(user, db.session.get(UnionBranch, union_id))


def _trainers(branch):
    return (
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.TRAINER, RoleGrant.union_id == branch.id, User.erased_at.is_(None))
    )


def list_trainers(user, union_id):
    branch = _branch(user, union_id)
    return db.session.scalars(_trainers(branch).order_by(User.full_name, User.id)).all()


def add_trainer(user, union_id, raw_phone):
    """Invite a person to be a trainer of the branch. Returns (trainer or invitation, created);
    someone who already trains for the branch is returned as they are."""
    branch = _branch(user, union_id)
    phone = normalize_mobile(raw_phone)
    trainer = db.session.scalars(_trainers(branch).where(User.phone == phone)).first()
    if trainer is not None:
        return trainer, False
    return invitations.invite(user, "union_trainer", phone, branch)


def pending_invitations(user, union_id):
    """People invited to train for the branch who have not answered: their numbers only."""
    branch = _branch(user, union_id)
    return invitations.pending_for("union_trainer", branch.id)


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
