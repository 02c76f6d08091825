"""Carts and checkout idempotency keys."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, utcnow

CART_STATUSES = ("open", "checked_out")
MAX_LINE_QUANTITY = 99


class Cart(Timestamped, db.Model):
    """A basket in one market and currency.

    A signed-in customer's cart belongs to them (``user_id``); a guest cart has no
    owner and is reachable only by its unguessable id.
    """

    __tablename__ = "carts"

    id: Mapped[str] = id_column("cart")
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="open")
    shipping_address: Mapped[dict | None] = mapped_column(JSON)
    shipping_service: Mapped[str | None] = mapped_column(String(32))
    # The order of the latest checkout (a canceled order reopens the cart).
    order_id: Mapped[str | None] = mapped_column(String(32))

    lines: Mapped[list["CartLine"]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.created_at, CartLine.id")

    __table_args__ = (CheckConstraint("status IN ('open', 'checked_out')", name="status"),)


class CartLine(db.Model):
    __tablename__ = "cart_lines"

    id: Mapped[str] = id_column("cl")
    cart_id: Mapped[str] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The buyer's acknowledgement of what this line could not be returned for (``return_terms``):
    # {"exclusions": [codes], "acknowledged_at": ISO time, "version": rules version}; copied to the order line.
    return_acknowledgement: Mapped[dict | None] = mapped_column(JSON)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    variant = relationship("ProductVariant")

    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id", name="uq_cart_lines_cart_variant"),
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_LINE_QUANTITY}", name="quantity"),
    )


class CheckoutKey(db.Model):
    """An ``Idempotency-Key`` of a checkout, with the fingerprint of the request it first came with."""

    __tablename__ = "checkout_keys"

    id: Mapped[str] = id_column("idk")
    key: Mapped[str] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    cart_id: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
