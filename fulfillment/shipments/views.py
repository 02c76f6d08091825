"""Shipments as JSON-ready dicts: for ops, for a seller (its own lines), and the buyer's parcel timeline."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fulfillment.carriers import registry

from . import notices, reads
from .models import Shipment

# What a buyer reads for each event type and shipment status, in the served locale.
EVENT_LABELS = {
    "label_created": _l("Shipping label created"),
    "picked_up": _l("Picked up by the carrier"),
    "in_transit": _l("In transit"),
    "customs_hold": _l("Held at customs"),
    "customs_cleared": _l("Cleared customs"),
    "out_for_delivery": _l("Out for delivery"),
    "delivered": _l("Delivered"),
    "exception": _l("Delivery problem"),
    "returned_to_sender": _l("Returned to sender"),
}
STATUS_LABELS = {
    "pending": _l("Being prepared"),
    "picking": _l("Being prepared"),
    "packed": _l("Packed"),
    "handed_over": _l("Handed over to the carrier"),
    "in_transit": _l("In transit"),
    "delivered": _l("Delivered"),
    "exception": _l("Delivery problem"),
    "returned_to_sender": _l("Returned to sender"),
    "canceled": _l("Canceled"),
}
HANDED_OVER = _l("Handed over to the carrier")


def _tracking_url(shipment: Shipment) -> str | None:
    if not shipment.tracking_number:
        return None
    return registry.carrier_for(shipment.carrier, current_app.config).tracking_url(shipment.tracking_number)


def _iso(value):
    return value.isoformat() if value is not None else None


def timeline(shipment: Shipment) -> list[dict]:
    """The parcel's history for its buyer, oldest first: hand-over, then each carrier event.

    Flagged events (dated before the hand-over) are left out: they did not happen to this
    parcel as far as the buyer is concerned, and would contradict its status.
    """
    entries = []
    if shipment.handed_over_at:
        entries.append({"type": "handed_over", "label": str(HANDED_OVER), "occurred_at": shipment.handed_over_at,
                        "location": None, "note": None})
    entries += [{"type": e.type, "label": str(EVENT_LABELS[e.type]), "occurred_at": e.occurred_at,
                 "location": e.location, "note": e.note} for e in shipment.events if e.flag is None]
    entries.sort(key=lambda e: e["occurred_at"])
    return [{**e, "occurred_at": _iso(e["occurred_at"])} for e in entries]


def parcel_view(shipment: Shipment, names: dict) -> dict:
    """One parcel as the buyer sees it (no warehouse internals)."""
    return {
        "id": shipment.id, "number": shipment.number, "status": shipment.status,
        "status_label": str(STATUS_LABELS[shipment.status]), "carrier": shipment.carrier,
        "carrier_name": notices.carrier_display_name(shipment.carrier), "service": shipment.service,
        "tracking_number": shipment.tracking_number if shipment.shipped else None,
        "tracking_url": _tracking_url(shipment) if shipment.shipped else None,
        "handed_over_at": _iso(shipment.handed_over_at), "delivered_at": _iso(shipment.delivered_at),
        "lines": [{"order_line_id": ln.order_line_id, "sku": ln.sku, "name": names[ln.order_line_id].name,
                   "quantity": ln.quantity} for ln in shipment.carried],
        "timeline": timeline(shipment),
    }


def order_section(session: Session, order) -> list[dict] | None:
    """The ``shipments`` part of an order's detailed view (registered with ``shop.orders.views``)."""
    shipments = reads.order_shipments(session, order.id)
    if not shipments:
        return None
    names = {line.id: line for line in order.lines}
    return [parcel_view(s, names) for s in shipments]


def shipment_view(shipment: Shipment, *, seller_id: str | None = None) -> dict:
    """A shipment for ops, or for a seller with only the seller's own lines."""
    lines = [ln for ln in shipment.carried if seller_id is None or ln.seller_id == seller_id]
    return {
        "id": shipment.id, "number": shipment.number, "order_id": shipment.order_id,
        "warehouse_id": shipment.warehouse_id, "seller_id": shipment.seller_id, "attempt": shipment.attempt,
        "replaces_id": shipment.replaces_id, "carrier": shipment.carrier, "service": shipment.service,
        "status": shipment.status, "tracking_number": shipment.tracking_number,
        "tracking_url": _tracking_url(shipment), "label_reference": shipment.label_reference,
        "quote": {"weight_g": shipment.quoted_weight_g, "length_mm": shipment.quoted_length_mm,
                  "width_mm": shipment.quoted_width_mm, "height_mm": shipment.quoted_height_mm,
                  "chargeable_weight_g": shipment.quoted_chargeable_g},
        "chargeable_weight_g": shipment.chargeable_weight_g, "over_quote": shipment.over_quote,
        "packages": [{"weight_g": p.weight_g, "length_mm": p.length_mm, "width_mm": p.width_mm,
                      "height_mm": p.height_mm, "volumetric_weight_g": p.volumetric_weight_g,
                      "chargeable_weight_g": p.chargeable_weight_g} for p in shipment.packages],
        "lines": [{"id": ln.id, "order_line_id": ln.order_line_id, "variant_id": ln.variant_id,
                   "seller_id": ln.seller_id, "sku": ln.sku, "quantity": ln.quantity, "level_id": ln.level_id}
                  for ln in lines],
        "events": [{"id": e.id, "type": e.type, "label": str(EVENT_LABELS[e.type]), "occurred_at": e.occurred_at,
                    "location": e.location, "note": e.note, "source": e.source, "flag": e.flag,
                    "actor": e.actor if seller_id is None else None} for e in shipment.events],
        "created_at": shipment.created_at, "booked_at": shipment.booked_at, "picked_at": shipment.picked_at,
        "packed_at": shipment.packed_at, "handed_over_at": shipment.handed_over_at,
        "delivered_at": shipment.delivered_at, "canceled_at": shipment.canceled_at,
        "cancel_reason": shipment.cancel_reason,
    }
