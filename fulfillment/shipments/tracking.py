"""Tracking: carrier events recorded once each, and the parcel's status following them.

Events are recorded once per ``dedupe_key``. The shipment's status follows the events by rank
(``handed_over`` < ``in_transit`` = ``exception`` < ``delivered`` = ``returned_to_sender``):
an event never lowers the rank, an event of the same rank only applies when it happened at or
after the one that set the status, and ``delivered`` and ``returned_to_sender`` are final. So a
late event never moves a parcel backwards, nor does one dated before the hand-over
(``tracking_rules``).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfillment.carriers.base import TrackingUpdate
from shop.core.db import utcnow
from shop.orders import services as orders
from shop.orders.models import Order

from . import tracking_rules
from .access import lock_with_order
from .errors import (
    EventInFuture,
    NotYetShipped,
)
from .models import UNSHIPPED, Shipment, TrackingEvent
from .notices import notify_buyer

# Which status an event moves a handed-over parcel to (None: recorded, no change).
EVENT_STATUS = {
    "label_created": None, "picked_up": "in_transit", "in_transit": "in_transit", "customs_hold": "in_transit",
    "customs_cleared": "in_transit", "out_for_delivery": "in_transit", "delivered": "delivered",
    "exception": "exception", "returned_to_sender": "returned_to_sender",
}


RANK = {"handed_over": 1, "in_transit": 2, "exception": 2, "delivered": 3, "returned_to_sender": 3}


FINAL = ("delivered", "returned_to_sender")


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
            notify_buyer(session, order, shipment, "shipment_delivered", key=f"delivered:{shipment.id}")
            _deliver_order(session, order)
        elif target == "exception":
            notify_buyer(session, order, shipment, "shipment_exception", key=f"exception:{event.id}", note=note)
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
