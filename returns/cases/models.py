"""Return cases (returns and warranty claims), their lines, and the cost ledger."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, in_check

CASE_KINDS = ("return", "warranty")
CASE_STATUSES = ("requested", "approved", "rejected", "in_transit", "received", "inspected", "refunding", "refunded",
                 "closed", "canceled", "repairing", "repaired", "unrepairable", "shipped_back")
COST_KINDS = ("refund", "return_shipping", "write_off", "replacement", "repair", "repair_shipping", "return_label")
BEARERS = ("seller", "mall")


class ReturnCase(Timestamped, db.Model):
    """A buyer's return (``kind='return'``) or warranty claim (``'warranty'``) on one order.

    ``decision`` keeps the policy engine's answer when the case was opened (codes, parameters
    and sources; the words are rendered in the reader's locale). ``allowed`` is what the
    engine said; ops may override it (``override_by``/``override_reason``).
    """

    __tablename__ = "return_cases"

    id: Mapped[str] = id_column("ret")
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="return")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    market_code: Mapped[str] = mapped_column(String(8), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(2000))
    photos: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    allowed: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[dict] = mapped_column(JSON, default=dict)
    # refund, refund_without_return, repair, replace or exchange; None until chosen
    resolution: Mapped[str | None] = mapped_column(String(32))
    return_shipping_payer: Mapped[str | None] = mapped_column(String(16))
    destination: Mapped[dict | None] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    override_by: Mapped[str | None] = mapped_column(String(32))
    override_reason: Mapped[str | None] = mapped_column(String(500))
    rejection_note: Mapped[str | None] = mapped_column(String(500))
    refund_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    refund_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    shipped_back_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    inspected_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    overdue_flagged_at: Mapped[datetime | None]
    # A claim resolved as ``repair`` (``returns.cases.repairs``): the service address, the cost,
    # the guarantee extension, and the remedy that followed if it proved unrepairable.
    repair: Mapped[dict | None] = mapped_column(JSON)
    repair_due_on: Mapped[date | None] = mapped_column(Date)
    repair_started_at: Mapped[datetime | None]
    repaired_at: Mapped[datetime | None]
    # The zero-price parcel taking the repaired item back (``fulfillment.shipments.ship_back``).
    repair_shipment_id: Mapped[str | None] = mapped_column(String(32))

    lines: Mapped[list["ReturnLine"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                    order_by="ReturnLine.position")
    label: Mapped["ReturnLabel | None"] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                      uselist=False)

    __table_args__ = (
        UniqueConstraint("order_id", "idempotency_key", name="idempotency"),
        CheckConstraint(in_check("kind", CASE_KINDS), name="kind"),
        CheckConstraint(in_check("status", CASE_STATUSES), name="status"),
    )


class ReturnLine(db.Model):
    """Units of one order line in a case: announced, then counted on arrival, then inspected."""

    __tablename__ = "return_lines"

    id: Mapped[str] = id_column("rtl")
    case_id: Mapped[str] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[str] = mapped_column(ForeignKey("order_lines.id"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    variant_id: Mapped[str] = mapped_column(String(32))
    # An exchange: the variant (same product, same price) sent instead of a refund.
    exchange_variant_id: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    received_quantity: Mapped[int | None] = mapped_column(Integer)
    resellable_quantity: Mapped[int | None] = mapped_column(Integer)
    damaged_quantity: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[ReturnCase] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("case_id", "order_line_id", name="line"),
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("received_quantity IS NULL OR (received_quantity >= 0 AND received_quantity <= quantity)",
                        name="received"),
        CheckConstraint("resellable_quantity IS NULL OR damaged_quantity IS NULL OR "
                        "resellable_quantity + damaged_quantity = received_quantity", name="inspected"),
    )


class ReturnCost(db.Model):
    """One cost of a case, borne by the seller or by the mall; settlement and insights read these.

    Booked once per case, seller and kind (the unique key), in the transaction that incurs it.
    """

    __tablename__ = "return_costs"

    id: Mapped[str] = id_column("rtc")
    case_id: Mapped[str] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    bearer: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of booking
    booked_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("case_id", "seller_id", "kind", name="once"),
        CheckConstraint(in_check("bearer", BEARERS), name="bearer"),
        CheckConstraint(in_check("kind", COST_KINDS), name="kind"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )


class RepairPartner(Timestamped, db.Model):
    """Where a seller's goods are repaired: a partner for one category (or, ``category`` None, for all).

    A repair claim goes to the seller's active partner for the item's category, else its
    partner for every category, else the seller's return address.
    """

    __tablename__ = "repair_partners"

    id: Mapped[str] = id_column("rpp")
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)


class ReturnLabel(db.Model):
    """The prepaid label of a case whose return the seller or the mall pays (one per case).

    The PDF is kept in the row (a few KB, deferred): it is written in the same transaction
    as the label and its cost, so a label never exists without its document or the reverse.
    """

    __tablename__ = "return_labels"

    id: Mapped[str] = id_column("rlb")
    case_id: Mapped[str] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), unique=True)
    carrier: Mapped[str] = mapped_column(String(32))
    tracking_number: Mapped[str] = mapped_column(String(64))
    packages: Mapped[list] = mapped_column(JSON, default=list)
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    issued_by: Mapped[str | None] = mapped_column(String(32))
    issued_at: Mapped[datetime]

    case: Mapped[ReturnCase] = relationship(back_populates="label")

    __table_args__ = (CheckConstraint("cost_minor >= 0", name="cost"),)
