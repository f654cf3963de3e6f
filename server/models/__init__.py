"""The database models, one module per domain."""

from server.models.accounts import AuditEvent, AuthSession, Consent, OtpChallenge, RoleGrant, User
from server.models.catalog import Product, ProductPhoto
from server.models.commerce import Channel, PayoutAccount, Sale, SellerActivity
from server.models.reference import Commune, Province, UnionBranch
from server.models.sellers import Seller, SellerMember

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Channel",
    "Commune",
    "Consent",
    "OtpChallenge",
    "PayoutAccount",
    "Product",
    "ProductPhoto",
    "Province",
    "RoleGrant",
    "Sale",
    "Seller",
    "SellerActivity",
    "SellerMember",
    "UnionBranch",
    "User",
]
