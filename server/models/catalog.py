"""Products and their photos."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.clock import now
from server.extensions import db
from server.models.types import UTCDateTime


class Product(db.Model):
    """A product a seller lists; its id may come from the phone, so offline retries never duplicate."""

    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_status_updated", "status", "updated_at", "id"),
        # The catalog's order (read backwards: newest first) and the feed's, each read a page at a
        # time straight from its index (at a million products a sort of every match costs a second).
        Index("ix_products_catalog_order", "published_at", "id",
              sqlite_where=text("status = 'published'"), postgresql_where=text("status = 'published'")),
        Index("ix_products_feed_order", "updated_at", "id",
              sqlite_where=text("published_at IS NOT NULL"), postgresql_where=text("published_at IS NOT NULL")),
        # Word-start search (server.text.word_start) on PostgreSQL: trigrams of the text as searched.
        Index("ix_products_search_trgm", text("(' ' || search_text) gin_trgm_ops"),
              postgresql_using="gin", postgresql_where=text("status = 'published'")).ddl_if(dialect="postgresql"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(30), index=True)
    price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(30))
    stock: Mapped[int | None] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(50))
    weight_g: Mapped[int | None] = mapped_column(Integer)
    length_cm: Mapped[int | None] = mapped_column(Integer)
    width_cm: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    ocop_stars: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # Accent-free, lower-case title and description, for search on any database.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Fingerprint of the create request, to tell a retry from a different product with the same id.
    create_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    seller = relationship("Seller")
    photos: Mapped[list["ProductPhoto"]] = relationship(
        back_populates="product", order_by="ProductPhoto.position", cascade="all, delete-orphan"
    )


class ProductPhoto(db.Model):
    """A photo of a product, stored as three metadata-free JPEG derivatives."""

    __tablename__ = "product_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Storage keys of the derivatives: {"large": "photos/…/large.jpg", …}
    keys: Mapped[dict] = mapped_column(db.JSON)
    hints: Mapped[list] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    product: Mapped[Product] = relationship(back_populates="photos")
