"""Warehouse work on a parcel: the pick list, picking, packing, hand-over to the carrier, cancel.

Hand-over ships exactly the shipment's reservation lines, once (a ship-back parcel, which
carries the buyer's own item, ships none).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fulfillment.carriers.base import InvalidTrackingNumber as CarrierNumberError
from fulfillment.inventory.services import reservations
from fulfillment.shipping import rates
from fulfillment.warehouses.models import Warehouse
from shop.core.db import utcnow
from shop.core.jobs.outbox import defer
from shop.orders import services as orders

from .access import SHIPPABLE_ORDER, carrier_of, lock_with_order, refuse
from .errors import (
    InvalidTrackingNumber,
    ShipmentNotFound,
    TrackingNumberRequired,
    TrackingNumberTaken,
)
from .models import UNSHIPPED, Shipment, ShipmentLine, ShipmentPackage
from .notices import notify_buyer, notify_seller
from .tracking import record_event


def pick_list(session: Session, warehouse_id: str) -> dict:
    """What to pick in a warehouse for its pending and picking shipments, walked by location then SKU."""
    from fulfillment.inventory.models import StockLevel

    if session.get(Warehouse, warehouse_id) is None:
        raise ShipmentNotFound()
    rows = session.execute(
        select(ShipmentLine, Shipment, StockLevel.location)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(StockLevel, StockLevel.id == ShipmentLine.level_id)
        .where(Shipment.warehouse_id == warehouse_id, Shipment.status.in_(("pending", "picking")))
    ).all()
    picks: dict[tuple, dict] = {}
    shipments: dict[str, Shipment] = {}
    for line, shipment, location in rows:
        key = (location or "", line.sku, line.variant_id)
        pick = picks.setdefault(key, {"location": location, "sku": line.sku, "variant_id": line.variant_id,
                                      "quantity": 0, "shipments": []})
        pick["quantity"] += line.quantity
        pick["shipments"].append({"shipment_id": shipment.id, "number": shipment.number, "quantity": line.quantity})
        shipments[shipment.id] = shipment
    items = [picks[key] for key in sorted(picks, key=lambda k: (k[0] == "", k))]
    return {"warehouse_id": warehouse_id, "items": items,
            "shipments": sorted(shipments.values(), key=lambda s: (s.created_at, s.number))}


def mark_picked(session: Session, shipment_id: str, *, actor: str) -> Shipment:
    """``pending`` → ``picking``: its units were taken from the shelves (again: a no-op)."""
    _, shipment = lock_with_order(session, shipment_id)
    if shipment.status == "picking":
        return shipment
    if shipment.status != "pending":
        refuse(shipment, "picked")
    shipment.status, shipment.picked_at, shipment.picked_by = "picking", utcnow(), actor
    session.flush()
    return shipment


def pack(session: Session, shipment_id: str, *, packages: list[dict], actor: str) -> Shipment:
    """``picking`` → ``packed`` with the boxes as weighed and measured (repacking a packed one replaces them).

    Each box's chargeable weight is the greater of its weight and its volumetric weight
    under the shipment's service; ``over_quote`` flags a total above the checkout's quote.
    A booking with the carrier is deferred (it needs the real sizes).
    """
    _, shipment = lock_with_order(session, shipment_id)
    if shipment.status not in ("picking", "packed"):
        refuse(shipment, "packed")
    if shipment.status == "packed" and shipment.tracking_number:
        refuse(shipment, "repacked")
    service = rates.get_service(shipment.service)
    shipment.packages.clear()
    session.flush()
    total = 0
    for position, box in enumerate(packages):
        parcel = rates.Parcel(weight_g=box["weight_g"], length_mm=box["length_mm"], width_mm=box["width_mm"],
                              height_mm=box["height_mm"])
        volumetric = rates.volumetric_weight_g(service, parcel) if service else 0
        chargeable = max(parcel.weight_g, volumetric)
        total += chargeable
        shipment.packages.append(ShipmentPackage(position=position, volumetric_weight_g=volumetric,
                                                 chargeable_weight_g=chargeable, **box))
    shipment.chargeable_weight_g = total
    shipment.over_quote = total > shipment.quoted_chargeable_g
    shipment.status, shipment.packed_at, shipment.packed_by = "packed", utcnow(), actor
    session.flush()
    defer(session, "fulfillment.shipments.tasks.book_shipment", shipment_id=shipment.id,
          dedupe_key=f"book:{shipment.id}:{shipment.packed_at.isoformat()}")
    return shipment


def _set_tracking(session: Session, shipment: Shipment, tracking_number: str) -> None:
    try:
        number = carrier_of(shipment).normalize_tracking_number(tracking_number)
    except CarrierNumberError:
        raise InvalidTrackingNumber(carrier=shipment.carrier) from None
    taken = session.scalar(select(Shipment.id).where(Shipment.carrier == shipment.carrier,
                                                     Shipment.tracking_number == number, Shipment.id != shipment.id))
    if taken:
        raise TrackingNumberTaken()
    shipment.tracking_number = number


def hand_over(session: Session, shipment_id: str, *, tracking_number: str | None = None,
              label_reference: str | None = None, actor: str) -> Shipment:
    """``packed`` → ``handed_over``: the carrier took the parcel; its units leave the ledger.

    A carrier that booked the parcel already gave its tracking number; with the manual
    carrier staff enter the one on the label. The order becomes ``partially_shipped`` while
    another parcel still waits, else ``shipped``. The buyer (and a seller shipping from its
    own warehouse) are e-mailed by a job.
    """
    order, shipment = lock_with_order(session, shipment_id)
    if shipment.status != "packed":
        refuse(shipment, "handed over")
    if tracking_number:
        _set_tracking(session, shipment, tracking_number)
    if not shipment.tracking_number:
        raise TrackingNumberRequired()
    if label_reference:
        shipment.label_reference = label_reference
    if shipment.lines:  # a ship-back parcel (``ship_back``) carries the buyer's own item: no stock leaves
        reservations.ship_allocation(session, reference=order.id, actor=actor,
                                     line_ids=[ln.reservation_line_id for ln in shipment.lines])
    now = utcnow()
    shipment.status, shipment.handed_over_at, shipment.handed_over_by = "handed_over", now, actor
    shipment.last_event_at = now
    session.flush()
    waiting = session.scalar(select(exists().where(Shipment.order_id == order.id, Shipment.status.in_(UNSHIPPED))))
    if order.status in SHIPPABLE_ORDER:  # a replacement for a delivered order leaves its status alone
        orders.mark_shipped(session, order, partial=bool(waiting), at=now)
    notify_buyer(session, order, shipment, "shipment_shipped", key=f"shipped:{shipment.id}")
    if shipment.seller_id:
        notify_seller(session, order, shipment)
    return shipment


def cancel(session: Session, shipment_id: str, *, reason: str, actor: str) -> Shipment:
    """Cancel a parcel that has not left: its units go back to available stock through the ledger."""
    order, shipment = lock_with_order(session, shipment_id)
    if shipment.status not in UNSHIPPED:
        refuse(shipment, "canceled")
    if shipment.lines:  # a ship-back parcel holds no stock
        reservations.deallocate_lines(session, reference=order.id, reason=reason or "shipment canceled",
                                      line_ids=[ln.reservation_line_id for ln in shipment.lines], actor=actor)
    shipment.status, shipment.canceled_at, shipment.cancel_reason = "canceled", utcnow(), reason
    defer_booking_cancel(session, shipment)
    session.flush()
    return shipment


def defer_booking_cancel(session: Session, shipment: Shipment) -> None:
    if shipment.tracking_number:
        defer(session, "fulfillment.shipments.tasks.cancel_booking", carrier=shipment.carrier,
              tracking_number=shipment.tracking_number, dedupe_key=f"unbook:{shipment.id}")


def record_booking(session: Session, shipment_id: str, *, tracking_number: str, label_reference: str | None,
                   booked_at: datetime) -> Shipment | None:
    """Record what the carrier's booking returned, if the parcel still waits for it (else None)."""
    _, shipment = lock_with_order(session, shipment_id)
    if shipment.status != "packed" or shipment.tracking_number:
        return None
    _set_tracking(session, shipment, tracking_number)
    shipment.label_reference, shipment.booked_at = label_reference, booked_at
    record_event(session, shipment, type="label_created", occurred_at=booked_at, source="carrier")
    return shipment
