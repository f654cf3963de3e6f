"""Reference data: provinces, communes and union branches."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db


class Province(db.Model):
    """One of the 34 provinces and centrally-run cities (official code, e.g. "01")."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    division_type: Mapped[str] = mapped_column(String(30))
    # Lower-case, accent-free form of the name, for searching on any database.
    name_folded: Mapped[str] = mapped_column(String(100))

    communes: Mapped[list["Commune"]] = relationship(back_populates="province")


class Commune(db.Model):
    """A commune, ward or special zone (official 5-digit code, e.g. "00070")."""

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    division_type: Mapped[str] = mapped_column(String(30))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name_folded: Mapped[str] = mapped_column(String(100), index=True)

    province: Mapped[Province] = relationship(back_populates="communes")


class UnionBranch(db.Model):
    """A Women's Union or Youth Union branch: national (no province) or provincial."""

    __tablename__ = "union_branches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable key such as "womens_union:01" or "youth_union:national", for idempotent loading.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    province: Mapped[Province | None] = relationship()
