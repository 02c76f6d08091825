"""Payments (one Stripe PaymentIntent per order), received webhook events, alerts for ops."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.db import Timestamped, db, id_column, in_check, utcnow

PAYMENT_STATUSES = ("requires_payment", "succeeded", "failed", "canceled")


class Payment(Timestamped, db.Model):
    __tablename__ = "payments"

    id: Mapped[str] = id_column("pay")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    provider: Mapped[str] = mapped_column(String(16), default="stripe")
    intent_id: Mapped[str] = mapped_column(String(100), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(200))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="requires_payment")
    captured_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Refunds pending or done (``shop.payments.refunds``); never above what was captured.
    refund_committed_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The last declined or failed attempt. The order stays payable: the buyer may confirm the same
    # intent with another card until the reservation expires. ``failure_code`` is Stripe's
    # ``decline_code`` (else its ``code``); ``failure_message`` is Stripe's English text, for ops
    # only (buyers see ``shop.payments.failures.failure_text``); ``failed_at`` is the event's time.
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    failed_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('requires_payment', 'succeeded', 'failed', 'canceled')", name="status"),
        CheckConstraint("amount_minor > 0 AND captured_minor >= 0 AND captured_minor <= amount_minor",
                        name="amounts"),
        CheckConstraint("refund_committed_minor >= 0 AND refund_committed_minor <= captured_minor",
                        name="refunds_within_capture"),
    )


class StripeEvent(db.Model):
    """A webhook event, recorded once by its Stripe id so that it is processed at most once."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    intent_id: Mapped[str | None] = mapped_column(String(100), index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentAlert(db.Model):
    """Something ops must look at: an amount or currency mismatch, money received for a canceled order."""

    __tablename__ = "payment_alerts"

    id: Mapped[str] = id_column("pal")
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    intent_id: Mapped[str | None] = mapped_column(String(100))
    event_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


REFUND_STATUSES = ("pending", "succeeded", "failed")
# A purpose is taken while a refund under it is pending or succeeded (a failed one frees it).
ACTIVE_PURPOSE = "purpose IS NOT NULL AND status IN ('pending', 'succeeded')"


class Refund(Timestamped, db.Model):
    """Money given back on a payment: one row per refund asked of the provider.

    ``pending`` when decided (the payment's ``refund_committed_minor`` already counts it),
    ``succeeded`` once the provider confirms, ``failed`` when it refuses or later reverses
    (then the amount is free again). ``source`` names what it pays for (``return:ret_…``),
    ``provider_refund_id`` the provider's refund once known.

    ``purpose`` names what a refund pays for when it may be paid only once (``return:ret_…``): a
    partial unique index admits one refund pending or succeeded per purpose, so a second refund
    of one return case cannot be committed even if the service's check were bypassed.
    ``idempotency_key`` is the request's ``Idempotency-Key``: the same key on the same order
    answers the refund it made.
    """

    __tablename__ = "refunds"

    id: Mapped[str] = id_column("rfd")
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    source: Mapped[str] = mapped_column(String(64), index=True)
    provider_refund_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    failure: Mapped[str | None] = mapped_column(String(500))
    requested_by: Mapped[str | None] = mapped_column(String(32))
    settled_at: Mapped[datetime | None]
    purpose: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint(in_check("status", REFUND_STATUSES), name="status"),
        CheckConstraint("amount_minor > 0", name="amount"),
        UniqueConstraint("order_id", "idempotency_key", name="uq_refunds_idempotency"),
        Index("uq_refunds_active_purpose", "purpose", unique=True,
              sqlite_where=text(ACTIVE_PURPOSE), postgresql_where=text(ACTIVE_PURPOSE)),
    )
