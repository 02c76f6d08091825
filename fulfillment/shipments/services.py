"""Shipments: from a paid order's allocation to parcels delivered abroad.

Locks, always in this order: the order (``lock_order``), then its shipments (by id),
then stock levels (the ledger's ``lock_levels``). Services only flush; the caller commits.
No carrier or mail server is called from here: work that talks to the outside is
deferred through the outbox (``tasks``) and runs after the decision committed.

Idempotence: ``create_for_order`` derives the shipments from the order and its
reservation lines; a second run (or a retry after a crash) finds them and adds nothing,
and the unique constraints (order, warehouse, attempt) and (reservation line) stop a
concurrent run. Hand-over ships exactly the shipment's reservation lines, once.

Tracking: events are recorded once per ``dedupe_key``. The shipment's status follows the events
by rank (``handed_over`` < ``in_transit`` = ``exception`` < ``delivered`` = ``returned_to_sender``):
an event never lowers the rank, an event of the same rank only applies when it happened at or after
the one that set the status, and ``delivered`` and ``returned_to_sender`` are final. So a late event
never moves a parcel backwards, nor does one dated before the hand-over (``tracking_rules``).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfillment.carriers import registry
from fulfillment.carriers.base import InvalidTrackingNumber as CarrierNumberError
from fulfillment.carriers.base import TrackingUpdate
from fulfillment.inventory.services import reservations
from fulfillment.shipping import rates
from fulfillment.warehouses.models import Warehouse
from shop.catalog.models import ProductVariant
from shop.db import utcnow
from shop.jobs.outbox import defer
from shop.orders import services as orders
from shop.orders.models import Order, OrderLine

from . import tracking_rules
from .errors import (
    EventInFuture,
    InvalidShipmentTransition,
    InvalidTrackingNumber,
    NothingToReship,
    NotYetShipped,
    ShipmentNotFound,
    TrackingNumberRequired,
    TrackingNumberTaken,
)
from .models import UNSHIPPED, Shipment, ShipmentLine, ShipmentPackage, TrackingEvent

SHIPPABLE_ORDER = ("paid", "partially_shipped", "shipped")
# Which status an event moves a handed-over parcel to (None: recorded, no change).
EVENT_STATUS = {
    "label_created": None, "picked_up": "in_transit", "in_transit": "in_transit", "customs_hold": "in_transit",
    "customs_cleared": "in_transit", "out_for_delivery": "in_transit", "delivered": "delivered",
    "exception": "exception", "returned_to_sender": "returned_to_sender",
}
RANK = {"handed_over": 1, "in_transit": 2, "exception": 2, "delivered": 3, "returned_to_sender": 3}
FINAL = ("delivered", "returned_to_sender")


def carrier_of(shipment: Shipment):
    return registry.carrier_for(shipment.carrier, current_app.config)


def lock_shipment(session: Session, shipment_id: str) -> Shipment:
    shipment = session.scalar(select(Shipment).where(Shipment.id == shipment_id).with_for_update()
                              .execution_options(populate_existing=True))
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def lock_with_order(session: Session, shipment_id: str) -> tuple[Order, Shipment]:
    """Lock the shipment's order, then the shipment (the module's lock order)."""
    order_id = session.scalar(select(Shipment.order_id).where(Shipment.id == shipment_id))
    if order_id is None:
        raise ShipmentNotFound()
    order = orders.lock_order(session, order_id)
    return order, lock_shipment(session, shipment_id)


def _refuse(shipment: Shipment, action: str):
    raise InvalidShipmentTransition(current=shipment.status, action=action)


# --- creating shipments -------------------------------------------------------------------

def _quote(service_code: str, lines: list[tuple[ProductVariant, int]]) -> dict:
    parcel = rates.pack([(rates.Item(weight_g=v.weight_g, length_mm=v.length_mm, width_mm=v.width_mm,
                                     height_mm=v.height_mm), q) for v, q in lines])
    service = rates.get_service(service_code)
    chargeable = rates.chargeable_weight_g(service, parcel) if service else parcel.weight_g
    return {"quoted_weight_g": parcel.weight_g, "quoted_length_mm": parcel.length_mm,
            "quoted_width_mm": parcel.width_mm, "quoted_height_mm": parcel.height_mm,
            "quoted_chargeable_g": chargeable}


def _build(session: Session, order: Order, reservation_lines, *, attempt_of,
           line_for_variant: dict | None = None) -> list[Shipment]:
    """Group ``reservation_lines`` by warehouse into new shipments of ``order`` (flushed).

    Each unit belongs to the order line of its variant, or to the one ``line_for_variant``
    names (an exchange ships another variant for the line it replaces).
    """
    by_warehouse = defaultdict(list)
    for line in reservation_lines:
        by_warehouse[line.warehouse_id].append(line)
    order_lines = dict(line_for_variant or {})
    for order_line in order.lines:
        order_lines.setdefault(order_line.variant_id, order_line)
    warehouses = {w.id: w for w in session.scalars(select(Warehouse).where(Warehouse.id.in_(list(by_warehouse))))}
    variants = {v.id: v for v in session.scalars(select(ProductVariant).where(
        ProductVariant.id.in_({line.variant_id for line in reservation_lines})))}
    count = session.scalar(select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id)) or 0
    created = []
    for warehouse_id in sorted(by_warehouse, key=lambda w: (warehouses[w].code, w)):
        warehouse, lines = warehouses[warehouse_id], by_warehouse[warehouse_id]
        count += 1
        shipment = Shipment(
            number=f"{order.number}-{count}", order_id=order.id, warehouse_id=warehouse_id,
            seller_id=warehouse.seller_id, attempt=attempt_of(warehouse_id), carrier=order.shipping_carrier,
            service=order.shipping_service, status="pending",
            **_quote(order.shipping_service, [(variants[line.variant_id], line.quantity) for line in lines]))
        for position, line in enumerate(sorted(lines, key=lambda ln: (variants[ln.variant_id].sku, ln.id))):
            order_line = order_lines[line.variant_id]
            shipment.lines.append(ShipmentLine(
                position=position, reservation_line_id=line.id, order_line_id=order_line.id, level_id=line.level_id,
                variant_id=line.variant_id, seller_id=order_line.seller_id, sku=variants[line.variant_id].sku,
                quantity=line.quantity))
        session.add(shipment)
        created.append(shipment)
    session.flush()
    return created


def create_for_order(session: Session, order_id: str) -> list[Shipment]:
    """The shipments of a paid order: one per warehouse its allocated stock sits in.

    Stock in the consolidation warehouse leaves as one parcel whatever the number of
    sellers; a seller's own warehouse and an overseas centre each ship their own. Returns
    the order's shipments; an order not (or no longer) paid gets none. Idempotent.
    """
    order = orders.lock_order(session, order_id)
    if order is None:
        return []
    existing = list(session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.number)))
    if existing or order.status not in SHIPPABLE_ORDER:
        return existing
    reservation = reservations.get_reservation(session, order.id)
    allocated = [line for line in reservation.lines if line.state == "allocated"]
    return _build(session, order, allocated, attempt_of=lambda warehouse_id: 1)


def defer_creation(sender, *, session, order, **_) -> None:
    """``order_paid`` subscriber: the shipments are made by a job once the payment committed."""
    defer(session, "fulfillment.shipments.tasks.create_shipments", order_id=order.id,
          dedupe_key=f"shipments:{order.id}")


def cancel_for_order(sender, *, session, order, reason, **_) -> None:
    """``order_canceled`` subscriber: unshipped parcels are canceled (the order's release freed their stock)."""
    for shipment in session.scalars(select(Shipment).where(Shipment.order_id == order.id,
                                                           Shipment.status.in_(UNSHIPPED))):
        shipment.status, shipment.canceled_at = "canceled", utcnow()
        shipment.cancel_reason = f"order canceled: {reason}"[:500]
        _defer_booking_cancel(session, shipment)
    session.flush()


# --- warehouse work -----------------------------------------------------------------------

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
        _refuse(shipment, "picked")
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
        _refuse(shipment, "packed")
    if shipment.status == "packed" and shipment.tracking_number:
        _refuse(shipment, "repacked")
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
        _refuse(shipment, "handed over")
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
    _notify(session, order, shipment, "shipment_shipped", key=f"shipped:{shipment.id}")
    if shipment.seller_id:
        _notify_seller(session, order, shipment)
    return shipment


def cancel(session: Session, shipment_id: str, *, reason: str, actor: str) -> Shipment:
    """Cancel a parcel that has not left: its units go back to available stock through the ledger."""
    order, shipment = lock_with_order(session, shipment_id)
    if shipment.status not in UNSHIPPED:
        _refuse(shipment, "canceled")
    if shipment.lines:  # a ship-back parcel holds no stock
        reservations.deallocate_lines(session, reference=order.id, reason=reason or "shipment canceled",
                                      line_ids=[ln.reservation_line_id for ln in shipment.lines], actor=actor)
    shipment.status, shipment.canceled_at, shipment.cancel_reason = "canceled", utcnow(), reason
    _defer_booking_cancel(session, shipment)
    session.flush()
    return shipment


def _defer_booking_cancel(session: Session, shipment: Shipment) -> None:
    if shipment.tracking_number:
        defer(session, "fulfillment.shipments.tasks.cancel_booking", carrier=shipment.carrier,
              tracking_number=shipment.tracking_number, dedupe_key=f"unbook:{shipment.id}")


def reship(session: Session, shipment_id: str, *, actor: str) -> list[Shipment]:
    """Ship a canceled parcel's goods again: allocate them anew (any serving warehouse) into new shipments.

    Raises ``NothingToReship`` unless the shipment is canceled, its order still shippable
    and it was not re-shipped before; the inventory's ``OutOfStock`` when stock is short.
    """
    order, shipment = lock_with_order(session, shipment_id)
    done = session.scalar(select(exists().where(Shipment.replaces_id == shipment.id)))
    if shipment.status != "canceled" or order.status not in SHIPPABLE_ORDER or done:
        raise NothingToReship()
    lines = reservations.allocate_more(session, reference=order.id, actor=actor,
                                       lines=[(ln.variant_id, ln.quantity) for ln in shipment.lines])
    created = _build(session, order, lines, attempt_of=lambda warehouse: _next_attempt(session, order, warehouse))
    for new in created:
        new.replaces_id = shipment.id
    session.flush()
    return created


def ship_replacement(session: Session, order_id: str, lines: list[tuple[str, str, int]], *,
                     actor: str) -> list[Shipment]:
    """Zero-price replacement parcels for units of an order (a warranty replacement, an exchange).

    ``lines`` are (order line id, variant id, quantity): the same variant, or another variant
    of the line's product (an exchange of size or colour). The units are reserved and allocated
    to the order like any order line (``OutOfStock`` when short), then grouped into parcels that
    go through pick, pack and hand-over like the first ones. The order keeps its status; the
    parcels count as later attempts from their warehouse. ``ValueError`` for a line or variant
    that does not fit.
    """
    from shop.catalog.models import ProductVariant

    order = orders.lock_order(session, order_id)
    by_id = {line.id: line for line in order.lines}
    line_for_variant = {}
    for order_line_id, variant_id, quantity in lines:
        order_line = by_id.get(order_line_id)
        variant = session.get(ProductVariant, variant_id)
        if order_line is None or variant is None or variant.product_id != order_line.product_id or quantity < 1:
            raise ValueError("a replacement ships the order line's product")
        if variant_id != order_line.variant_id:
            line_for_variant[variant_id] = order_line
    if not lines:
        raise ValueError("nothing to replace")
    allocated = reservations.allocate_more(session, reference=order.id, actor=actor,
                                           lines=[(variant_id, quantity) for _, variant_id, quantity in lines])
    return _build(session, order, allocated, attempt_of=lambda warehouse: _next_attempt(session, order, warehouse),
                  line_for_variant=line_for_variant)


def _next_attempt(session: Session, order: Order, warehouse_id: str) -> int:
    latest = session.scalar(select(func.max(Shipment.attempt)).where(Shipment.order_id == order.id,
                                                                     Shipment.warehouse_id == warehouse_id))
    return (latest or 0) + 1


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


# --- tracking -----------------------------------------------------------------------------

def _dedupe_key(type: str, occurred_at: datetime, location: str | None, note: str | None) -> str:
    text = "|".join((type, occurred_at.isoformat(), location or "", note or ""))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def record_event(session: Session, shipment: Shipment, *, type: str, occurred_at: datetime,
                 location: str | None = None, note: str | None = None, source: str = "ops",
                 dedupe_key: str | None = None, actor: str | None = None,
                 skew: timedelta = tracking_rules.DEFAULT_SKEW) -> tuple[TrackingEvent, bool]:
    """Record one tracking event on a (locked) shipment; ``(event, created)``.

    The same event again (same ``dedupe_key``: the carrier's id, else type, time, place and note)
    returns the first one and changes nothing. Raises ``NotYetShipped`` for an event before hand-over
    but ``label_created``, and what ``tracking_rules.check_event_time`` raises; an event it flags is
    recorded and moves nothing. A delivery of the order's last parcel marks the order delivered.
    """
    occurred_at, flag = tracking_rules.check_event_time(shipment, type=type, occurred_at=occurred_at,
                                                        source=source, now=utcnow(), skew=skew)
    if shipment.status == "canceled" or (type != "label_created" and shipment.status in UNSHIPPED):
        raise NotYetShipped()
    key = dedupe_key or _dedupe_key(type, occurred_at, location, note)
    found = session.scalar(select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id,
                                                       TrackingEvent.dedupe_key == key))
    if found is not None:
        return found, False
    event = TrackingEvent(shipment_id=shipment.id, type=type, occurred_at=occurred_at, location=location,
                          note=note, source=source, dedupe_key=key, actor=actor, flag=flag)
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:  # the same delivery, recorded concurrently
        return session.scalar(select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id,
                                                          TrackingEvent.dedupe_key == key)), False
    target = EVENT_STATUS[type]
    if target and flag is None and _advances(shipment, target, occurred_at):
        shipment.status, shipment.last_event_at = target, occurred_at
        if target == "delivered":
            shipment.delivered_at = occurred_at
        session.flush()
        order = session.get(Order, shipment.order_id)
        if target == "delivered":
            _notify(session, order, shipment, "shipment_delivered", key=f"delivered:{shipment.id}")
            _deliver_order(session, order)
        elif target == "exception":
            _notify(session, order, shipment, "shipment_exception", key=f"exception:{event.id}", note=note)
    return event, True


def _advances(shipment: Shipment, target: str, occurred_at: datetime) -> bool:
    current = shipment.status
    if current in FINAL or current not in RANK:
        return False
    if RANK[target] != RANK[current]:
        return RANK[target] > RANK[current]
    return shipment.last_event_at is None or occurred_at >= shipment.last_event_at


def _deliver_order(session: Session, order: Order) -> None:
    """The order is delivered when every parcel that left (and none waits) was delivered, at the last one's time."""
    live = list(session.scalars(select(Shipment).where(Shipment.order_id == order.id, Shipment.status != "canceled")))
    if order.status != "shipped" or not live or any(s.status != "delivered" for s in live):
        return
    orders.mark_delivered(session, order, max(s.delivered_at for s in live))


def record_updates(session: Session, updates: list[TrackingUpdate], *, source: str,
                   skew: timedelta = tracking_rules.DEFAULT_SKEW) -> dict:
    """Apply carrier updates (webhook or poll) to the shipments with their tracking numbers.

    Unknown tracking numbers and updates a shipment cannot take yet are counted, not raised: a carrier's
    feed must not fail on one parcel. Returns the counts (``flagged``: recorded, moved nothing).
    """
    counts = {"recorded": 0, "flagged": 0, "duplicate": 0, "unknown": 0, "refused": 0}
    for item in sorted(updates, key=lambda u: (u.tracking_number, u.occurred_at)):
        shipment_id = session.scalar(select(Shipment.id).where(Shipment.tracking_number == item.tracking_number))
        if shipment_id is None:
            counts["unknown"] += 1
            continue
        _, shipment = lock_with_order(session, shipment_id)
        try:
            event, created = record_event(session, shipment, type=item.type, occurred_at=item.occurred_at,
                                          location=item.location, note=item.note, source=source,
                                          dedupe_key=item.external_id, skew=skew)
        except (NotYetShipped, EventInFuture):
            counts["refused"] += 1
            continue
        counts["duplicate" if not created else "flagged" if event.flag else "recorded"] += 1
    return counts


def touch(session: Session, shipment_id: str) -> None:
    """Mark a parcel as just asked about (it goes to the back of the poll queue)."""
    session.execute(update(Shipment).where(Shipment.id == shipment_id).values(updated_at=utcnow()))


def pollable(session: Session, *, limit: int = 200) -> list[tuple[str, str, str]]:
    """``(shipment id, carrier, tracking number)`` of parcels on their way, least recently updated first."""
    rows = session.execute(
        select(Shipment.id, Shipment.carrier, Shipment.tracking_number)
        .where(Shipment.status.in_(("handed_over", "in_transit", "exception")), Shipment.tracking_number.is_not(None))
        .order_by(Shipment.updated_at, Shipment.id).limit(limit)).all()
    return [tuple(row) for row in rows]


# --- notifications ------------------------------------------------------------------------

def _notify(session: Session, order: Order, shipment: Shipment, template: str, *, key: str,
            note: str | None = None) -> None:
    from shop.notifications import queue
    from shop.orders.mail import order_link

    names = {line.id: line for line in order.lines}
    link = order_link(order, storefront_url=current_app.config.get("STOREFRONT_URL"),
                      secret_key=current_app.config["SECRET_KEY"])
    carrier = carrier_of(shipment)
    queue(session, key=key, template=template, to=order.email, locale=order.locale, context={
        "order_number": order.number, "shipment_number": shipment.number, "carrier": shipment.carrier,
        "carrier_name": carrier_display_name(shipment.carrier), "tracking_number": shipment.tracking_number,
        "tracking_url": carrier.tracking_url(shipment.tracking_number) if shipment.tracking_number else None,
        "items": [{"name": names[ln.order_line_id].name, "quantity": ln.quantity} for ln in shipment.carried],
        "note": note, "order_link": link, "transit_days": order.transit_days,
    })


def _notify_seller(session: Session, order: Order, shipment: Shipment) -> None:
    from shop.notifications import queue
    from shop.sellers.models import Seller

    seller = session.get(Seller, shipment.seller_id)
    queue(session, key=f"seller-shipped:{shipment.id}", template="seller_shipment_shipped", to=seller.contact_email,
          locale=current_app.config.get("SELLER_LOCALE", "ko"), context={
              "seller_name": seller.legal_name, "order_number": order.number, "shipment_number": shipment.number,
              "carrier_name": carrier_display_name(shipment.carrier), "tracking_number": shipment.tracking_number,
              "country": (order.shipping_address or {}).get("country"),
              "items": [{"sku": ln.sku, "quantity": ln.quantity} for ln in shipment.carried],
          })


def carrier_display_name(code: str) -> str:
    from fulfillment.carriers.manual import carrier_info

    return carrier_info(code).name


# --- reads --------------------------------------------------------------------------------

def shipments_query(*, status=None, warehouse_id=None, order_id=None, seller_id=None, over_quote=None):
    query = select(Shipment).order_by(Shipment.created_at.desc(), Shipment.id)
    if status:
        query = query.where(Shipment.status == status)
    if warehouse_id:
        query = query.where(Shipment.warehouse_id == warehouse_id)
    if order_id:
        query = query.where(Shipment.order_id == order_id)
    if over_quote is not None:
        query = query.where(Shipment.over_quote.is_(over_quote))
    if seller_id:
        query = query.where(exists().where(ShipmentLine.shipment_id == Shipment.id,
                                           ShipmentLine.seller_id == seller_id))
    return query


def get_shipment(session: Session, shipment_id: str, *, seller_id: str | None = None) -> Shipment:
    """The shipment; for a seller only one holding its goods (else ``ShipmentNotFound``)."""
    shipment = session.scalar(shipments_query(seller_id=seller_id).where(Shipment.id == shipment_id))
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def order_shipments(session: Session, order_id: str) -> list[Shipment]:
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.number)))


def order_line_names(session: Session, shipment: Shipment) -> dict[str, OrderLine]:
    ids = [line.order_line_id for line in shipment.carried]
    return {line.id: line for line in session.scalars(select(OrderLine).where(OrderLine.id.in_(ids)))}
