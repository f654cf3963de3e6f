"""The database models, one module per domain."""

from server.models.accounts import AuditEvent, AuthSession, Consent, OtpChallenge, RoleGrant, User
from server.models.reference import Commune, Province, UnionBranch
from server.models.sellers import Seller, SellerMember

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Commune",
    "Consent",
    "OtpChallenge",
    "Province",
    "RoleGrant",
    "Seller",
    "SellerMember",
    "UnionBranch",
    "User",
]
