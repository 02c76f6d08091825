"""Catalog tables: products, variants, translations, prices, certificates, rates, collections."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from i18n.money import BASE_CURRENCY
from shop.core.db import Timestamped, db, id_column, utcnow

PRODUCT_STATUSES = ("draft", "active", "archived")
CERTIFICATE_STATUSES = ("pending", "verified", "rejected")


class Product(Timestamped, db.Model):
    """A seller's listing; text lives in ``ProductTranslation``, prices on its variants."""

    __tablename__ = "products"

    id: Mapped[str] = id_column("prd")
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    hs_code: Mapped[str] = mapped_column(String(10))
    origin_country: Mapped[str] = mapped_column(String(2), default="KR")
    brand: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    images: Mapped[list] = mapped_column(JSON, default=list)
    # Markets the seller wants to sell in (translation status); empty = every market.
    target_markets: Mapped[list] = mapped_column(JSON, default=list)

    seller = relationship("Seller")
    variants: Mapped[list["ProductVariant"]] = relationship(
        back_populates="product", order_by="ProductVariant.position, ProductVariant.id")
    translations: Mapped[list["ProductTranslation"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductTranslation.locale")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'active', 'archived')", name="status"),
    )


class ProductTranslation(Timestamped, db.Model):
    """Listing text of a product in one locale; ``description`` is sanitised HTML."""

    __tablename__ = "product_translations"

    id: Mapped[str] = id_column("ptr")
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    short_description: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    # Lower-cased plain text (title, short description, brand) that storefront search matches;
    # a GIN trigram index backs substring search on PostgreSQL (migration 0002).
    search_text: Mapped[str] = mapped_column(Text, default="")

    product: Mapped[Product] = relationship(back_populates="translations")

    __table_args__ = (UniqueConstraint("product_id", "locale", name="uq_product_translations_product_locale"),)


class ProductVariant(Timestamped, db.Model):
    """A sellable unit: SKU (unique per seller), options, parcel data and KRW price."""

    __tablename__ = "product_variants"

    id: Mapped[str] = id_column("var")
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # Denormalised from the product so that the database enforces SKU uniqueness per seller.
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"))
    sku: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    weight_g: Mapped[int] = mapped_column(Integer)
    length_mm: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str | None] = mapped_column(String(32))
    # What customs papers call it when the product has no English listing text.
    customs_description: Mapped[str | None] = mapped_column(String(200))
    price_krw: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="variants")
    market_prices: Mapped[list["VariantMarketPrice"]] = relationship(
        back_populates="variant", cascade="all, delete-orphan", order_by="VariantMarketPrice.market_code")

    __table_args__ = (
        UniqueConstraint("seller_id", "sku", name="uq_product_variants_seller_sku"),
        CheckConstraint("price_krw >= 0", name="price_krw"),
        CheckConstraint("weight_g >= 0 AND length_mm >= 0 AND width_mm >= 0 AND height_mm >= 0", name="dimensions"),
    )


class VariantMarketPrice(db.Model):
    """An explicit price of a variant in one market, overriding the converted KRW price."""

    __tablename__ = "variant_market_prices"

    id: Mapped[str] = id_column("vmp")
    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"))
    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    variant: Mapped[ProductVariant] = relationship(back_populates="market_prices")

    __table_args__ = (
        UniqueConstraint("variant_id", "market_code", name="uq_variant_market_prices_variant_market"),
        CheckConstraint("amount_minor >= 0", name="amount_minor"),
    )


class Certificate(Timestamped, db.Model):
    """A certificate, filing or registration a seller holds for one market.

    ``product_id`` set: it covers that product; unset: a business-level registration
    (importer licence, facility registration) covering all the seller's products.
    Only ``verified`` certificates within their validity dates count.
    """

    __tablename__ = "certificates"

    id: Mapped[str] = id_column("crt")
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(100))
    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    document_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    review_note: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[str | None] = mapped_column(String(32))
    reviewed_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status"),
        Index("ix_certificates_market_type_status", "market_code", "type", "status"),
    )


class ExchangeRate(db.Model):
    """One observed rate: 1 unit of ``base`` (KRW) = ``rate`` major units of ``currency``.

    The rate is kept as a decimal string so that it is exact on every database
    (SQLite has no decimal type). The newest ``as_of`` per currency is current.
    """

    __tablename__ = "exchange_rates"

    id: Mapped[str] = id_column("fxr")
    base: Mapped[str] = mapped_column(String(3), default=BASE_CURRENCY)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(500))
    as_of: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("base", "currency", "as_of", name="uq_exchange_rates_base_currency_as_of"),
        Index("ix_exchange_rates_currency_as_of", "currency", "as_of"),
    )


class Collection(Timestamped, db.Model):
    """A curated, localised hall of products (e.g. a K-culture special)."""

    __tablename__ = "collections"

    id: Mapped[str] = id_column("col")
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    titles: Mapped[dict] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    items: Mapped[list["CollectionItem"]] = relationship(
        back_populates="collection", cascade="all, delete-orphan", order_by="CollectionItem.position")


class CollectionItem(db.Model):
    __tablename__ = "collection_items"

    id: Mapped[str] = id_column("cli")
    collection_id: Mapped[str] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    collection: Mapped[Collection] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()

    __table_args__ = (
        UniqueConstraint("collection_id", "product_id", name="uq_collection_items_collection_product"),
    )


LISTING_STOCK_STATES = ("in_stock", "low", "out")


class StorefrontListing(db.Model):
    """What the storefront filters and sorts on, per (market, product): the listing index.

    Derived data, never edited by hand: ``shop.catalog.listings`` computes each row with
    the rule of ``availability.product_availability`` (``purchasable``: every condition but
    stock), the lowest market price of the product's variants (``price_minor``, minor units
    of ``currency``, the price the buyer sees) and its stock state. Order events defer a
    refresh of the rows a change can alter; ``flask storefront rebuild`` recomputes them all.
    """

    __tablename__ = "storefront_listings"

    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    purchasable: Mapped[bool]
    seller_id: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(32))
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    stock_state: Mapped[str] = mapped_column(String(8))
    # The "newest" sort key: when the product was created (ties broken by product id).
    listed_at: Mapped[datetime]
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("stock_state IN ('in_stock', 'low', 'out')", name="stock_state"),
        CheckConstraint("price_minor IS NULL OR price_minor >= 0", name="price_minor"),
        # The storefront's two orders over the rows it shows (partial: only purchasable rows).
        Index("ix_storefront_listings_newest", "market_code", "listed_at", "product_id",
              postgresql_where=text("purchasable"), sqlite_where=text("purchasable")),
        Index("ix_storefront_listings_price", "market_code", "price_minor", "product_id",
              postgresql_where=text("purchasable"), sqlite_where=text("purchasable")),
        Index("ix_storefront_listings_product", "product_id"),
    )


class StorefrontSearchText(db.Model):
    """The listing index's search text: a product's ``search_text`` per locale it has a title in.

    A copy of ``ProductTranslation.search_text`` in rows a few dozen times narrower (no HTML
    description), kept by the same refresh as ``StorefrontListing``: a search probes it for each
    listing it pages through, and narrow rows stay in the cache. Trigram GIN index on PostgreSQL.
    """

    __tablename__ = "storefront_search_texts"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    search_text: Mapped[str] = mapped_column(Text)
