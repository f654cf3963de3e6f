"""Who may do what, in one place: roles, named permissions, and the scope checks on sellers,
cohorts, union branches, report areas and invitations.

Services ask this module; 404 hides what the caller may not see, 403 refuses an action on
what they may see.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from server.errors import Forbidden, NotFound
from server.extensions import db


class Role(StrEnum):
    SELLER = "seller"
    TRAINER = "trainer"
    UNION_ADMIN = "union_admin"
    MANAGER = "manager"
    ADMIN = "admin"


STAFF_ROLES = (Role.TRAINER, Role.UNION_ADMIN, Role.MANAGER, Role.ADMIN)


class Permission(StrEnum):
    SELLERS_VIEW = "sellers:view"
    SELLERS_EDIT = "sellers:edit"
    SELLERS_MANAGE_MEMBERS = "sellers:manage_members"
    PAYOUT_VIEW = "payout:view"
    # Money has its own permission, so that letting someone edit a shop never hands them the bank account.
    PAYOUT_EDIT = "payout:edit"
    PRODUCTS_EDIT = "products:edit"
    PRODUCTS_DELETE = "products:delete"
    SALES_RECORD = "sales:record"
    CHANNELS_MANAGE = "channels:manage"
    COHORTS_MANAGE = "cohorts:manage"
    REPORTS_VIEW = "reports:view"
    USERS_ADMIN = "users:admin"


ROLE_PERMISSIONS = {
    Role.SELLER: set(),
    Role.TRAINER: {Permission.COHORTS_MANAGE},
    Role.UNION_ADMIN: {Permission.COHORTS_MANAGE, Permission.REPORTS_VIEW},
    Role.MANAGER: {Permission.REPORTS_VIEW},
    Role.ADMIN: {Permission.USERS_ADMIN, Permission.REPORTS_VIEW},
}

# What each kind of member of a seller may do to it.
_RUNNING_THE_SHOP = {
    Permission.SELLERS_VIEW,
    Permission.PAYOUT_VIEW,
    Permission.PRODUCTS_EDIT,
    Permission.PRODUCTS_DELETE,
    Permission.SALES_RECORD,
    Permission.CHANNELS_MANAGE,
}
SELLER_MEMBER_PERMISSIONS = {
    "owner": _RUNNING_THE_SHOP | {Permission.SELLERS_EDIT, Permission.PAYOUT_EDIT, Permission.SELLERS_MANAGE_MEMBERS},
    "manager": _RUNNING_THE_SHOP,
    "member": _RUNNING_THE_SHOP,
}
# What a household's trainers may do to help: see the shop, prepare and publish products.
# Money, deletions, sales and channel links (which count towards activation) stay with the household.
SELLER_ASSIST_PERMISSIONS = {Permission.SELLERS_VIEW, Permission.PRODUCTS_EDIT}


def roles_of(user):
    """The user's roles: their staff roles, or just "seller"."""
    staff = sorted({Role(grant.role) for grant in user.grants}, key=list(Role).index)
    return staff or [Role.SELLER]


def has_permission(user, permission):
    return any(permission in ROLE_PERMISSIONS[role] for role in roles_of(user))


def require(user, permission):
    """Raise Forbidden unless one of the user's roles grants the permission."""
    if not has_permission(user, permission):
        raise Forbidden()


def seller_permissions(user, seller):
    """What `user` may do to `seller`: by membership, or as staff who support it."""
    granted = set()
    for member in seller.members:
        if member.user_id == user.id:
            granted |= SELLER_MEMBER_PERMISSIONS[member.role]
    for rule in SELLER_SUPPORT_RULES:
        granted |= rule(user, seller)
    return granted


def _admin_views_sellers(user, seller):
    return {Permission.SELLERS_VIEW} if Role.ADMIN in roles_of(user) else set()


def _cohort_staff_assist_sellers(user, seller):
    """Trainers and union admins help the shops enrolled in their cohorts, once the household has
    accepted (or the trainer created the account in person); see SELLER_ASSIST_PERMISSIONS."""
    if not union_ids(user):
        return set()
    from server.models import Cohort, CohortMember, CohortTrainer

    trained = select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    administered = select(Cohort.id).where(Cohort.union_id.in_(union_ids(user, Role.UNION_ADMIN)))
    supported = db.session.scalar(
        select(exists().where(
            CohortMember.seller_id == seller.id,
            CohortMember.accepted_at.is_not(None),
            or_(CohortMember.cohort_id.in_(trained), CohortMember.cohort_id.in_(administered)),
        ))
    )
    return SELLER_ASSIST_PERMISSIONS if supported else set()


# Rules giving staff access to sellers they support: (user, seller) -> permissions.
SELLER_SUPPORT_RULES = [_admin_views_sellers, _cohort_staff_assist_sellers]


def check_seller(user, seller, permission):
    """Return the seller if `user` may act on it: 404 if they may not see it, 403 if not this."""
    if seller is None or seller.erased_at is not None:
        raise NotFound()
    granted = seller_permissions(user, seller)
    if Permission.SELLERS_VIEW not in granted:
        raise NotFound()
    if permission not in granted:
        raise Forbidden()
    return seller


# --- cohorts and union branches ---------------------------------------------------------------

def cohort_role(user, cohort):
    """Role.TRAINER or Role.UNION_ADMIN when the user runs this cohort (as one of its trainers, or
    as union admin of its branch), else None."""
    if any(trainer.user_id == user.id for trainer in cohort.trainers):
        return Role.TRAINER
    if cohort.union_id in union_ids(user, Role.UNION_ADMIN):
        return Role.UNION_ADMIN
    return None


def check_cohort(user, cohort):
    """Return the cohort if the user runs it; 404 otherwise."""
    if cohort is None or cohort_role(user, cohort) is None:
        raise NotFound()
    return cohort


def check_cohort_admin(user, cohort):
    """Return the cohort if the user is union admin of its branch: 404 if they may not see it, 403 if
    they only train it."""
    if check_cohort(user, cohort) and cohort_role(user, cohort) != Role.UNION_ADMIN:
        raise Forbidden()
    return cohort


def check_union_admin(user, branch):
    """Return the union branch if the user is its union admin (a trainer of it is not); 404 otherwise."""
    if branch is None or branch.id not in union_ids(user, Role.UNION_ADMIN):
        raise NotFound()
    return branch


# --- report areas ---------------------------------------------------------------------------------

def report_area(user, branches_of):
    """What the user's reports count: (province codes or None for the whole country, union branch ids
    or None). Managers and admins count whole provinces; union admins only their branches' cohorts,
    in their branches' provinces. `branches_of(ids)` loads union branches."""
    require(user, Permission.REPORTS_VIEW)
    roles = roles_of(user)
    if Role.ADMIN in roles or Role.MANAGER in roles:
        return manager_provinces(user), None
    unions = frozenset(union_ids(user, Role.UNION_ADMIN))
    branches = branches_of(unions)
    national = any(branch.province_code is None for branch in branches)
    return (None if national else {branch.province_code for branch in branches}), unions


def check_report_province(allowed, code):
    """403 when a province is outside the area the caller reports on."""
    if allowed is not None and code not in allowed:
        raise Forbidden(_l("This province is outside the area you report on."))


# --- invitations ----------------------------------------------------------------------------------

def may_manage_invitation(user, invitation):
    """Whether the user runs what the invitation is to: the cohort, the cooperative, the branch."""
    if invitation.kind == "cohort":
        return cohort_role(user, invitation.cohort) is not None
    if invitation.kind == "cooperative":
        seller = invitation.seller
        return seller.erased_at is None and Permission.SELLERS_MANAGE_MEMBERS in seller_permissions(user, seller)
    return invitation.union_id in union_ids(user, Role.UNION_ADMIN)


# --- managers' and staff's scopes -----------------------------------------------------------------

def manager_provinces(user):
    """Province codes a manager may see; None means the whole country."""
    codes = set()
    for grant in user.grants:
        if grant.role in (Role.MANAGER, Role.ADMIN):
            if grant.role == Role.ADMIN or grant.province_code is None:
                return None
            codes.add(grant.province_code)
    return codes


def union_ids(user, role=None):
    """Union branches the user works for, as trainer or union admin."""
    wanted = {role} if role else {Role.TRAINER, Role.UNION_ADMIN}
    return {grant.union_id for grant in user.grants if grant.role in wanted and grant.union_id}
