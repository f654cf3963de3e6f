"""Households and cooperatives: creating shops, editing them, cooperative members."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from server.clock import now
from server.errors import Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import CohortMember, Commune, Seller, SellerMember
from server.permissions import Permission, check_seller, seller_permissions
from server.phones import normalize_mobile
from server.services import audit, invitations

SELLER_KINDS = ("household", "cooperative")
MEMBER_ROLES = ("manager", "member")
EDITABLE_FIELDS = ("name", "commune_code", "address", "description")
# What the shop's public product pages show besides the product (server.services.product_page).
PAGE_OPTIONS = ("show_phone", "show_channels", "show_vietqr")


def _check_commune(code):
    if db.session.get(Commune, code) is None:
        raise InvalidInput(errors={"commune_code": [_l("Unknown commune code.")]})


def get_seller(user, seller_id, permission=Permission.SELLERS_VIEW):
    """The seller, if `user` may act on it; raises NotFound or Forbidden."""
    # Its members come in the same query: the permission check reads them on every request.
    return check_seller(user, db.session.get(Seller, seller_id, options=[joinedload(Seller.members)]), permission)


def create_seller(owner, kind, name, commune_code, address=None, description=None):
    """A new shop owned by the caller; cohorts they joined before having a shop now help with it."""
    seller = add_seller(owner, kind, name, commune_code, address, description)
    db.session.execute(
        update(CohortMember).where(CohortMember.user_id == owner.id, CohortMember.seller_id.is_(None))
        .values(seller_id=seller.id)
    )
    db.session.commit()
    return seller


def add_seller(owner, kind, name, commune_code, address=None, description=None, actor=None):
    """Add a shop owned by `owner` to the transaction; `actor` is a trainer acting on their behalf."""
    _check_commune(commune_code)
    moment = now()
    seller = Seller(kind=kind, name=name, commune_code=commune_code, address=address,
                    description=description, owner_id=owner.id, created_at=moment, updated_at=moment)
    seller.members.append(SellerMember(user_id=owner.id, role="owner", added_at=moment,
                                       added_by_id=(actor or owner).id))
    db.session.add(seller)
    db.session.flush()
    audit.record("seller.created", actor=actor or owner, subject=owner,
                 details={"seller_id": seller.id, "kind": kind})
    return seller


def update_seller(user, seller_id, changes):
    seller = get_seller(user, seller_id, Permission.SELLERS_EDIT)
    if "commune_code" in changes:
        _check_commune(changes["commune_code"])
    for field in (*EDITABLE_FIELDS, *PAGE_OPTIONS):
        if field in changes:
            setattr(seller, field, changes[field])
    audit.record("seller.updated", actor=user, subject=seller.owner,
                 details={"seller_id": seller.id, "fields": sorted(changes)})
    db.session.commit()
    return seller


def add_member(user, seller_id, raw_phone, role):
    """Invite a person to a cooperative by phone, or change the role of someone already in it.

    Returns (member or invitation, created). The person joins only when they accept, from their
    own phone; until then the owner sees only the number they typed.
    """
    seller = get_seller(user, seller_id, Permission.SELLERS_MANAGE_MEMBERS)
    if seller.kind != "cooperative":
        raise InvalidInput(errors={"kind": [_l("Only cooperatives have members.")]})
    phone = normalize_mobile(raw_phone)
    member = next((m for m in seller.members if m.user.phone == phone), None)
    if member is None:
        return invitations.invite(user, "cooperative", phone, seller, role=role)
    if member.role == "owner":
        raise InvalidInput(errors={"phone": [_l("This person is the owner of the cooperative.")]})
    member.role = role
    audit.record("seller.member_updated", actor=user, subject=member.user,
                 details={"seller_id": seller.id, "role": role})
    db.session.commit()
    return member, False


def pending_invitations(user, seller_id):
    """People invited to the cooperative who have not answered: their numbers only (owner)."""
    seller = get_seller(user, seller_id, Permission.SELLERS_MANAGE_MEMBERS)
    return invitations.pending_for("cooperative", seller.id)


def remove_member(user, seller_id, member_user_id):
    """The owner takes someone out of the cooperative, or a member leaves it. The owner stays."""
    seller = check_seller(user, db.session.get(Seller, seller_id), Permission.SELLERS_VIEW)
    member = next((m for m in seller.members if m.user_id == member_user_id), None)
    if member is None:
        raise NotFound()
    leaving = member_user_id == user.id
    if not leaving and Permission.SELLERS_MANAGE_MEMBERS not in seller_permissions(user, seller):
        raise Forbidden()
    if member.role == "owner":
        raise InvalidInput(errors={"user_id": [_l("The owner cannot leave the cooperative.")]})
    seller.members.remove(member)
    audit.record("seller.member_left" if leaving else "seller.member_removed", actor=user, subject=member.user,
                 details={"seller_id": seller.id})
    db.session.commit()
