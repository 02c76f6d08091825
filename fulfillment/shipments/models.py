"""Shipments: the parcels an order leaves in, their lines, packages and tracking events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, in_check, utcnow

# Warehouse work, then the carrier's leg; ``exception`` may clear back to ``in_transit``.
SHIPMENT_STATUSES = ("pending", "picking", "packed", "handed_over", "in_transit", "delivered", "exception",
                     "returned_to_sender", "canceled")
UNSHIPPED = ("pending", "picking", "packed")
TERMINAL = ("delivered", "returned_to_sender", "canceled")
EVENT_TYPES = ("label_created", "picked_up", "in_transit", "customs_hold", "customs_cleared", "out_for_delivery",
               "delivered", "exception", "returned_to_sender")
EVENT_SOURCES = ("ops", "webhook", "poll", "carrier")
# Why a recorded event was kept out of the parcel's status and dates (``tracking_rules``).
EVENT_FLAGS = ("before_handover",)


class Shipment(Timestamped, db.Model):
    """One parcel of an order from one warehouse (``attempt`` counts re-shipments after a cancel).

    ``quoted_*`` is the parcel as priced at checkout from the catalogue's sizes; the packages
    carry what ops weighed and measured. ``over_quote`` flags a chargeable weight above the quote.
    ``last_event_at`` is the carrier time of the event that set the current tracking status:
    a later-arriving event that happened earlier never moves the shipment backwards.
    """

    __tablename__ = "shipments"

    id: Mapped[str] = id_column("shp")
    number: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"))
    # The seller whose own warehouse ships it; None for consolidation and overseas centres.
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[str | None] = mapped_column(String(32))
    carrier: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    label_reference: Mapped[str | None] = mapped_column(String(200))
    quoted_weight_g: Mapped[int] = mapped_column(Integer)
    quoted_length_mm: Mapped[int] = mapped_column(Integer)
    quoted_width_mm: Mapped[int] = mapped_column(Integer)
    quoted_height_mm: Mapped[int] = mapped_column(Integer)
    quoted_chargeable_g: Mapped[int] = mapped_column(Integer)
    chargeable_weight_g: Mapped[int | None] = mapped_column(Integer)
    over_quote: Mapped[bool] = mapped_column(default=False)
    booked_at: Mapped[datetime | None]
    picked_at: Mapped[datetime | None]
    packed_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    last_event_at: Mapped[datetime | None]
    picked_by: Mapped[str | None] = mapped_column(String(64))
    packed_by: Mapped[str | None] = mapped_column(String(64))
    handed_over_by: Mapped[str | None] = mapped_column(String(64))
    # A ship-back parcel's contents (the buyer's own items, no stock lines): ``ReturnedItem`` fields.
    returned_items: Mapped[list | None] = mapped_column(JSON)

    lines: Mapped[list["ShipmentLine"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentLine.position")
    packages: Mapped[list["ShipmentPackage"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentPackage.position")
    events: Mapped[list["TrackingEvent"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan",
        order_by="(TrackingEvent.occurred_at, TrackingEvent.created_at)")
    warehouse = relationship("Warehouse")

    __table_args__ = (
        CheckConstraint(in_check("status", SHIPMENT_STATUSES), name="status"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
        # The allocation job derives shipments from the order: a retry cannot add a second one.
        UniqueConstraint("order_id", "warehouse_id", "attempt", name="uq_shipments_order_warehouse_attempt"),
        UniqueConstraint("carrier", "tracking_number", name="uq_shipments_carrier_tracking"),
        Index("ix_shipments_warehouse_status", "warehouse_id", "status"),
        Index("ix_shipments_status_handed_over", "status", "handed_over_at"),
    )

    @property
    def shipped(self) -> bool:
        return self.status not in UNSHIPPED and self.status != "canceled"

    @property
    def carried(self) -> list:
        """What the parcel carries: its stock lines, or a ship-back parcel's ``ReturnedItem``s."""
        return list(self.lines) or [ReturnedItem(**item) for item in self.returned_items or ()]


@dataclass(frozen=True)
class ReturnedItem:
    """An item of the buyer's going back in a ship-back parcel (read like a ``ShipmentLine``)."""

    order_line_id: str
    variant_id: str
    seller_id: str
    sku: str
    quantity: int
    id: None = None  # no stock line, no stock level
    level_id: None = None


class ShipmentLine(db.Model):
    """Units of one variant in a shipment, drawn from one reservation line (one stock level)."""

    __tablename__ = "shipment_lines"

    id: Mapped[str] = id_column("shl")
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reservation_line_id: Mapped[str] = mapped_column(ForeignKey("stock_reservation_lines.id"), unique=True)
    order_line_id: Mapped[str] = mapped_column(ForeignKey("order_lines.id"))
    level_id: Mapped[str] = mapped_column(String(32))
    variant_id: Mapped[str] = mapped_column(String(32))
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(BigInteger)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line = relationship("OrderLine")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class ShipmentPackage(db.Model):
    """A box as packed: real weight and outer dimensions, and its chargeable weight for the service."""

    __tablename__ = "shipment_packages"

    id: Mapped[str] = id_column("pkg")
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    weight_g: Mapped[int] = mapped_column(Integer)
    length_mm: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    volumetric_weight_g: Mapped[int] = mapped_column(Integer)
    chargeable_weight_g: Mapped[int] = mapped_column(Integer)

    shipment: Mapped[Shipment] = relationship(back_populates="packages")

    __table_args__ = (
        CheckConstraint("weight_g > 0 AND length_mm > 0 AND width_mm > 0 AND height_mm > 0", name="sizes_positive"),
    )


class TrackingEvent(db.Model):
    """What happened to a parcel and when (the carrier's time); recorded once per ``dedupe_key``.

    ``flag`` (one of ``EVENT_FLAGS``) marks a carrier event kept in the timeline for the
    record that did not move the parcel: e.g. one dated before the hand-over.
    """

    __tablename__ = "tracking_events"

    id: Mapped[str] = id_column("tev")
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(64))
    flag: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="events")

    __table_args__ = (
        CheckConstraint(in_check("type", EVENT_TYPES), name="type"),
        CheckConstraint(in_check("source", EVENT_SOURCES), name="source"),
        CheckConstraint(in_check("flag", EVENT_FLAGS), name="flag"),
        UniqueConstraint("shipment_id", "dedupe_key", name="uq_tracking_events_shipment_dedupe"),
    )
