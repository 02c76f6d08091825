"""Stock levels, the append-only stock ledger, reservations and inbound shipments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, in_check, utcnow

# What each kind of movement does to (on_hand, reserved, allocated), per unit.
# ``adjustment`` is signed: its quantity carries the direction.
MOVEMENT_EFFECTS: dict[str, tuple[int, int, int]] = {
    "receipt": (1, 0, 0),
    "reservation": (0, 1, 0),
    "release": (0, -1, 0),
    "allocation": (0, -1, 1),
    "deallocation": (0, 0, -1),
    "shipment": (-1, 0, -1),
    "restock": (1, 0, 0),
    "adjustment": (1, 0, 0),
    "write_off": (-1, 0, 0),
}
MOVEMENT_KINDS = tuple(MOVEMENT_EFFECTS)
RESERVATION_STATUSES = ("active", "allocated", "shipped", "released", "expired")
LINE_STATES = ("active", "allocated", "shipped", "released")
INBOUND_STATUSES = ("announced", "received", "canceled")


def available_units(on_hand, reserved, allocated, expired=0):
    """The one rule of available stock, for numbers and SQL expressions alike: what is on hand, less what
    is allocated and what is held by reservations not yet expired (``expired``: units still counted in
    ``reserved`` by reservations past their expiry, ``services.queries.expired_holds``)."""
    return on_hand - (reserved - expired) - allocated


class StockLevel(Timestamped, db.Model):
    """Units of one variant in one warehouse.

    ``available`` follows ``available_units``; the columns are only changed by
    ``services.ledger.record`` together with a ``StockMovement``, so they always equal
    the ledger's sums; ``version`` counts the movements (their ``sequence``).
    """

    __tablename__ = "stock_levels"

    id: Mapped[str] = id_column("stk")
    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), index=True)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Where pickers find it in the warehouse (aisle-shelf-bin); pick lists walk it in this order.
    location: Mapped[str | None] = mapped_column(String(32))

    warehouse = relationship("Warehouse")

    __table_args__ = (
        UniqueConstraint("variant_id", "warehouse_id", name="uq_stock_levels_variant_warehouse"),
        CheckConstraint("on_hand >= 0", name="on_hand_nonnegative"),
        CheckConstraint("reserved >= 0", name="reserved_nonnegative"),
        CheckConstraint("allocated >= 0", name="allocated_nonnegative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        CheckConstraint("reserved + allocated <= on_hand", name="committed_within_on_hand"),
    )

    @property
    def available(self) -> int:
        """``available_units`` with no expired hold: true under the level's lock once the expired
        reservations there are released (``reservations._release_expired_lines``), which is where
        it is read; reports use ``queries.available_column``."""
        return available_units(self.on_hand, self.reserved, self.allocated)


class StockMovement(db.Model):
    """One append-only ledger entry: what changed, by how much, why, for what, by whom."""

    __tablename__ = "stock_movements"

    id: Mapped[str] = id_column("mov")
    level_id: Mapped[str] = mapped_column(ForeignKey("stock_levels.id"))
    sequence: Mapped[int] = mapped_column(BigInteger)
    variant_id: Mapped[str] = mapped_column(String(32), index=True)
    warehouse_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(BigInteger)
    on_hand_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str | None] = mapped_column(String(500))
    reference_type: Mapped[str | None] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("level_id", "sequence", name="uq_stock_movements_level_sequence"),
        CheckConstraint(in_check("kind", MOVEMENT_KINDS), name="kind"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_stock_movements_reference", "reference_type", "reference"),
    )


@event.listens_for(StockMovement, "before_update")
@event.listens_for(StockMovement, "before_delete")
def _ledger_is_append_only(mapper, connection, target):
    raise RuntimeError("stock movements are append-only; record a correcting movement instead")


class Reservation(Timestamped, db.Model):
    """Stock held for a reference (an order) until ``expires_at``, then allocated or released.

    An ``active`` reservation past ``expires_at`` no longer counts against availability,
    even before the periodic job has marked it ``expired``.
    """

    __tablename__ = "stock_reservations"

    id: Mapped[str] = id_column("rsv")
    reference: Mapped[str] = mapped_column(String(100))
    market_code: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    expires_at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(64))
    allocated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(500))

    lines: Mapped[list["ReservationLine"]] = relationship(
        back_populates="reservation", order_by="ReservationLine.level_id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(in_check("status", RESERVATION_STATUSES), name="status"),
        Index("ix_stock_reservations_reference", "reference"),
        # One open reservation per reference (closed ones stay as history).
        Index("uq_stock_reservations_open_reference", "reference", unique=True,
              sqlite_where=text("status IN ('active', 'allocated', 'shipped')"),
              postgresql_where=text("status IN ('active', 'allocated', 'shipped')")),
        Index("ix_stock_reservations_status_expires", "status", "expires_at"),
    )


class ReservationLine(db.Model):
    """Units of one variant held at one stock level for a reservation."""

    __tablename__ = "stock_reservation_lines"

    id: Mapped[str] = id_column("rsl")
    reservation_id: Mapped[str] = mapped_column(ForeignKey("stock_reservations.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[str] = mapped_column(ForeignKey("stock_levels.id"), index=True)
    variant_id: Mapped[str] = mapped_column(String(32))
    warehouse_id: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="active")

    reservation: Mapped[Reservation] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(in_check("state", LINE_STATES), name="state"),
    )


class InboundShipment(Timestamped, db.Model):
    """Goods a seller announces to a warehouse; stock rises only when ops receive them."""

    __tablename__ = "inbound_shipments"

    id: Mapped[str] = id_column("inb")
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="announced")
    seller_reference: Mapped[str | None] = mapped_column(String(100))
    carrier_tracking: Mapped[str | None] = mapped_column(String(100))
    expected_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(1000))
    announced_by: Mapped[str | None] = mapped_column(String(64))
    received_by: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime | None]

    warehouse = relationship("Warehouse")
    lines: Mapped[list["InboundLine"]] = relationship(
        back_populates="shipment", order_by="InboundLine.position", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint(in_check("status", INBOUND_STATUSES), name="status"),)

    @property
    def has_discrepancy(self) -> bool:
        return any(line.discrepancy for line in self.lines)


class InboundLine(db.Model):
    __tablename__ = "inbound_lines"

    id: Mapped[str] = id_column("inl")
    shipment_id: Mapped[str] = mapped_column(ForeignKey("inbound_shipments.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    expected_quantity: Mapped[int] = mapped_column(BigInteger)
    received_quantity: Mapped[int | None] = mapped_column(BigInteger)
    discrepancy_reason: Mapped[str | None] = mapped_column(String(500))

    shipment: Mapped[InboundShipment] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("shipment_id", "variant_id", name="uq_inbound_lines_shipment_variant"),
        CheckConstraint("expected_quantity >= 0", name="expected_nonnegative"),
        CheckConstraint("received_quantity IS NULL OR received_quantity >= 0", name="received_nonnegative"),
    )

    @property
    def discrepancy(self) -> int | None:
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.expected_quantity


class VariantStockSetting(db.Model):
    """Per-variant inventory settings a seller controls (the low-stock threshold)."""

    __tablename__ = "variant_stock_settings"

    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True)
    low_stock_threshold: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("low_stock_threshold >= 0", name="threshold_nonnegative"),)


class LowStockAlert(db.Model):
    """A low-stock e-mail sent to a variant's seller: at most one per variant per day (UTC)."""

    __tablename__ = "low_stock_alerts"

    variant_id: Mapped[str] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    available: Mapped[int] = mapped_column(BigInteger)
    threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
