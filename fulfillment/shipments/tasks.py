"""Shipment jobs, run by the worker (outbox jobs) and the scheduler (periodic ones).

Each is safe to run twice. Jobs that talk to a carrier decide from what they read, end
that read transaction, call out with nothing locked or open, and record the answer in a
new transaction (which the job runner commits); a failure raises for RQ's retry with
backoff and stays visible to ops in the failed-jobs view.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app

from fulfillment.carriers import registry
from fulfillment.carriers.base import BookingRequest, CarrierUnavailable, PackageSpec
from fulfillment.carriers.base import Party as CarrierParty
from fulfillment.customs.rules import export_rules
from shop.core.db import db, utcnow

from . import access, creation, papers, tracking, tracking_rules, warehouse
from .models import Shipment

log = logging.getLogger(__name__)


def create_shipments(order_id: str) -> int:
    """Outbox job (``order_paid``): the order's shipments from its allocation. Idempotent."""
    return len(creation.create_for_order(db.session, order_id))


def _carrier_party(party) -> CarrierParty:
    return CarrierParty(name=party.name, line1=party.line1, line2=party.line2, city=party.city, region=party.region,
                        postal_code=party.postal_code, country=party.country, phone=party.phone, email=party.email)


def book_shipment(shipment_id: str) -> str:
    """Outbox job (after packing): book the parcel with its carrier and record the tracking number.

    A carrier without booking (the manual one) answers ``None``: staff enter the number at
    hand-over. A booking that arrives after the parcel was canceled or handed over is not
    recorded (``record_booking`` refuses) and is canceled with the carrier.
    """
    session = db.session
    shipment = session.get(Shipment, shipment_id)
    if shipment is None or shipment.status != "packed" or shipment.tracking_number:
        return "skipped"
    data = papers.invoice_data(session, shipment)
    request = BookingRequest(
        shipment_id=shipment.id, reference=shipment.number, carrier=shipment.carrier, service=shipment.service,
        sender=_carrier_party(data.sender), receiver=_carrier_party(data.receiver),
        packages=tuple(PackageSpec(p.weight_g, p.length_mm, p.width_mm, p.height_mm) for p in shipment.packages),
        declared_value_minor=sum(i.unit_value_minor * i.quantity for i in data.items), currency=data.currency,
        incoterm=data.incoterm)
    carrier = access.carrier_of(shipment)
    session.commit()  # end the read: nothing is held while the carrier answers
    booking = carrier.book(request)
    if booking is None:
        return "manual"
    recorded = warehouse.record_booking(session, shipment_id, tracking_number=booking.tracking_number,
                                       label_reference=booking.label_reference, booked_at=utcnow())
    if recorded is None:
        session.commit()
        carrier.cancel(booking.tracking_number)
        return "canceled late booking"
    return "booked"


def cancel_booking(carrier: str, tracking_number: str) -> str:
    """Outbox job (a booked parcel was canceled): tell the carrier. Nothing is read or written."""
    registry.carrier_for(carrier, current_app.config).cancel(tracking_number)
    return "canceled"


def poll_tracking(limit: int = 200) -> dict:
    """Periodic: ask carriers for new events of parcels on their way, least recently updated first.

    One carrier failing is logged and skipped (the next run asks again); the events are
    recorded exactly like the webhook's, so an event seen both ways counts once.
    """
    session = db.session
    due = tracking.pollable(session, limit=limit)
    session.commit()
    counts = {"polled": 0, "failed": 0, "recorded": 0, "flagged": 0, "duplicate": 0, "unknown": 0, "refused": 0}
    skew = tracking_rules.clock_skew(current_app.config)
    carriers = {}
    for shipment_id, code, tracking_number in due:
        carrier = carriers.get(code) or carriers.setdefault(code, registry.carrier_for(
            code, current_app.config))
        try:
            updates = carrier.fetch_events(tracking_number)
        except CarrierUnavailable as exc:
            log.warning("tracking poll of %s %s failed: %s", code, tracking_number, exc)
            counts["failed"] += 1
            continue
        counts["polled"] += 1
        if updates:
            for key, value in tracking.record_updates(session, updates, source="poll", skew=skew).items():
                counts[key] += value
        tracking.touch(session, shipment_id)
        session.commit()
    return counts


def write_export_list(day: str | None = None) -> str:
    """Periodic: write the export list of a Seoul calendar day (yesterday by default) under
    ``EXPORTS_FOLDER``; running it again rewrites the same file. Returns its path."""
    zone = export_rules().declaration.daily_list_timezone
    the_day = date.fromisoformat(day) if day else (datetime.now(zone) - timedelta(days=1)).date()
    body = papers.declarations(db.session, the_day)  # UTF-8 with a byte-order mark, for a spreadsheet
    folder = Path(current_app.config.get("EXPORTS_FOLDER") or Path(current_app.instance_path) / "exports")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"declarations-{the_day.isoformat()}.csv"
    partial = path.with_suffix(".csv.part")
    partial.write_bytes(body)
    partial.replace(path)
    return str(path)
