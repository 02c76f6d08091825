"""Orders: what was bought, at which prices, rates, taxes and shipping (all snapshotted)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, in_check

ORDER_STATUSES = ("pending_payment", "paid", "partially_shipped", "shipped", "delivered", "completed", "canceled")


class Order(Timestamped, db.Model):
    __tablename__ = "orders"

    id: Mapped[str] = id_column("ord")
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    cart_id: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    currency: Mapped[str] = mapped_column(String(3))
    # 1 KRW = fx_rate major units of currency, as used for this order (decimal string).
    fx_rate: Mapped[str] = mapped_column(String(40))
    shipping_address: Mapped[dict] = mapped_column(JSON)
    shipping_service: Mapped[str] = mapped_column(String(32))
    shipping_carrier: Mapped[str] = mapped_column(String(32))
    shipping_name: Mapped[str] = mapped_column(String(100))
    transit_days: Mapped[list | None] = mapped_column(JSON)
    chargeable_weight_g: Mapped[int] = mapped_column(Integer)
    incoterm: Mapped[str] = mapped_column(String(3))
    tax_scheme: Mapped[str | None] = mapped_column(String(40))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_minor: Mapped[int] = mapped_column(BigInteger)
    duties_minor: Mapped[int] = mapped_column(BigInteger)
    taxes_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)  # charged now
    due_on_delivery_minor: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    shipped_at: Mapped[datetime | None]  # the first parcel left (partially_shipped or shipped)
    delivered_at: Mapped[datetime | None]  # return and warranty periods count from here
    completed_at: Mapped[datetime | None]
    confirmation_sent_at: Mapped[datetime | None]
    # Where the checkout came from (IPv4 address or IPv6 /64 network), for the cap on unpaid orders.
    client_ip: Mapped[str | None] = mapped_column(String(64))

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position")
    charges: Mapped[list["OrderCharge"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderCharge.position")

    __table_args__ = (
        CheckConstraint(in_check("status", ORDER_STATUSES), name="status"),
        CheckConstraint("incoterm IN ('DDP', 'DAP')", name="incoterm"),
        CheckConstraint("subtotal_minor >= 0 AND shipping_minor >= 0 AND duties_minor >= 0 AND taxes_minor >= 0 "
                        "AND total_minor > 0 AND due_on_delivery_minor >= 0", name="amounts"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index("ix_orders_market_created", "market_code", "created_at"),
    )


class OrderLine(db.Model):
    """One variant bought: the name as the buyer saw it, the price paid and customs data."""

    __tablename__ = "order_lines"

    id: Mapped[str] = id_column("orl")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    product_id: Mapped[str] = mapped_column(String(32))
    variant_id: Mapped[str] = mapped_column(String(32), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_locale: Mapped[str] = mapped_column(String(16))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    line_total_minor: Mapped[int] = mapped_column(BigInteger)
    unit_price_krw: Mapped[int] = mapped_column(BigInteger)
    hs_code: Mapped[str | None] = mapped_column(String(10))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(32))
    weight_g: Mapped[int] = mapped_column(Integer)
    # What the buyer acknowledged at checkout they could not return for a change of mind (see
    # ``shop.orders.return_terms``); None: never told. The return policy engine reads it.
    return_acknowledgement: Mapped[dict | None] = mapped_column(JSON)

    order: Mapped[Order] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price_minor >= 0 AND line_total_minor = unit_price_minor * quantity", name="amounts"),
    )


class OrderCharge(db.Model):
    """A line of the landed-cost breakdown: shipping, a duty, a surcharge or a tax."""

    __tablename__ = "order_charges"

    id: Mapped[str] = id_column("orc")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # shipping | duty | tax
    code: Mapped[str] = mapped_column(String(40))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    collected: Mapped[str] = mapped_column(String(16))  # now | on_delivery
    rate: Mapped[str | None] = mapped_column(String(20))
    base_minor: Mapped[int | None] = mapped_column(BigInteger)
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    order: Mapped[Order] = relationship(back_populates="charges")

    __table_args__ = (
        CheckConstraint("kind IN ('shipping', 'duty', 'tax')", name="kind"),
        CheckConstraint("collected IN ('now', 'on_delivery')", name="collected"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )
