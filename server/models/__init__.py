"""The database models, one module per domain."""

from server.models.accounts import AuditEvent, AuthSession, Consent, OtpChallenge, RoleGrant, User
from server.models.catalog import Product, ProductPhoto
from server.models.cohorts import (
    Cohort, CohortCommune, CohortMember, CohortTrack, CohortTrainer, SessionAttendee, TrainingSession,
)
from server.models.commerce import Channel, PayoutAccount, Sale, SellerActivity
from server.models.invitations import Invitation
from server.models.learning import LessonProgress, ProgressEvent, QuizAttempt
from server.models.limits import RateCounter
from server.models.reference import Commune, Province, UnionBranch
from server.models.sellers import Seller, SellerMember

__all__ = [
    "AuditEvent",
    "Cohort",
    "CohortCommune",
    "CohortMember",
    "CohortTrack",
    "CohortTrainer",
    "SessionAttendee",
    "TrainingSession",
    "AuthSession",
    "Channel",
    "Commune",
    "Consent",
    "Invitation",
    "LessonProgress",
    "OtpChallenge",
    "PayoutAccount",
    "Product",
    "ProductPhoto",
    "ProgressEvent",
    "Province",
    "QuizAttempt",
    "RateCounter",
    "RoleGrant",
    "Sale",
    "Seller",
    "SellerActivity",
    "SellerMember",
    "UnionBranch",
    "User",
]
