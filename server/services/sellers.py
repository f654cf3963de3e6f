"""Households and cooperatives: creating shops, editing them, cooperative members."""

from flask_babel import lazy_gettext as _l

from server.clock import now
from server.errors import InvalidInput
from server.extensions import db
from server.models import Commune, Seller, SellerMember
from server.permissions import Permission, check_seller
from server.phones import normalize_mobile
from server.services import accounts, audit

SELLER_KINDS = ("household", "cooperative")
MEMBER_ROLES = ("manager", "member")
EDITABLE_FIELDS = ("name", "commune_code", "address", "description")


def _check_commune(code):
    if db.session.get(Commune, code) is None:
        raise InvalidInput(errors={"commune_code": [_l("Unknown commune code.")]})


def get_seller(user, seller_id, permission=Permission.SELLERS_VIEW):
    """The seller, if `user` may act on it; raises NotFound or Forbidden."""
    return check_seller(user, db.session.get(Seller, seller_id), permission)


def create_seller(owner, kind, name, commune_code, address=None, description=None):
    """A new shop owned by the caller."""
    seller = add_seller(owner, kind, name, commune_code, address, description)
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
    for field in EDITABLE_FIELDS:
        if field in changes:
            setattr(seller, field, changes[field])
    audit.record("seller.updated", actor=user, subject=seller.owner,
                 details={"seller_id": seller.id, "fields": sorted(changes)})
    db.session.commit()
    return seller


def add_member(user, seller_id, raw_phone, role):
    """Add a person to a cooperative by phone; returns (member, created)."""
    seller = get_seller(user, seller_id, Permission.SELLERS_MANAGE_MEMBERS)
    if seller.kind != "cooperative":
        raise InvalidInput(errors={"kind": [_l("Only cooperatives have members.")]})
    person, _created = accounts.user_for_phone(normalize_mobile(raw_phone))
    member = next((m for m in seller.members if m.user_id == person.id), None)
    if member is not None and member.role == "owner":
        raise InvalidInput(errors={"phone": [_l("This person is the owner of the cooperative.")]})
    created = member is None
    if created:
        member = SellerMember(user_id=person.id, role=role, added_at=now(), added_by_id=user.id)
        seller.members.append(member)
    else:
        member.role = role
    audit.record("seller.member_added" if created else "seller.member_updated", actor=user,
                 subject=person, details={"seller_id": seller.id, "role": role})
    db.session.commit()
    return member, created
