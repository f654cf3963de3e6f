"""The database models, one module per domain."""

from server.models.reference import Commune, Province, UnionBranch

__all__ = ["Commune", "Province", "UnionBranch"]
