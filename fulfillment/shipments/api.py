"""Shipment endpoints: warehouse work and papers for ops, a seller's parcels, carrier webhooks."""
from __future__ import annotations

import logging

from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from fulfillment.carriers import registry
from fulfillment.carriers.base import BadSignature, InvalidPayload
from fulfillment.customs.documents import CSV_CONTENT_TYPE
from shop.auth import BEARER, require_role, require_seller
from shop.core.api import page_schema, paginate
from shop.core.api_docs import load_examples
from shop.core.db import db

from . import access, creation, papers, reads, tracking, tracking_rules, warehouse
from .errors import BadWebhookSignature, InvalidWebhookPayload, UnknownTrackingSource
from .schemas import (
    CancelSchema,
    DeclarationArgsSchema,
    EventInSchema,
    EventResultSchema,
    HandOverSchema,
    PackSchema,
    PickListSchema,
    SellerShipmentListArgsSchema,
    ShipmentListArgsSchema,
    ShipmentSchema,
    WebhookResultSchema,
)
from .views import shipment_view

EXAMPLES = load_examples("fulfillment.shipments")  # from the demo data

log = logging.getLogger(__name__)
admin = Blueprint("admin-shipments", __name__, url_prefix="/api/v1/admin",
                  description="Warehouse work (pick, pack, hand over), tracking and customs papers")
seller = Blueprint("seller-shipments", __name__, url_prefix="/api/v1/seller",
                   description="Parcels holding the seller's goods")
carriers = Blueprint("carriers", __name__, url_prefix="/api/v1/carriers",
                     description="Tracking updates pushed by carriers and tracking aggregators")

STAFF = ("ops", "admin")


def _staff() -> str:
    return require_role(*STAFF).id


def _page(result: dict, seller_id: str | None = None) -> dict:
    return {**result, "items": [shipment_view(s, seller_id=seller_id) for s in result["items"]]}


def _done(shipment) -> dict:
    db.session.commit()
    return shipment_view(shipment)


# --- ops ----------------------------------------------------------------------------------

@admin.route("/shipments", methods=["GET"])
@admin.arguments(ShipmentListArgsSchema, location="query")
@admin.response(200, page_schema(ShipmentSchema, "ShipmentPage"))
@admin.doc(security=BEARER)
def list_shipments(args):
    """Shipments, newest first, by status, warehouse, order, or heavier than quoted."""
    _staff()
    query = reads.shipments_query(status=args.get("status"), warehouse_id=args.get("warehouse_id"),
                                     order_id=args.get("order_id"), over_quote=args.get("over_quote"))
    return _page(paginate(db.session, query, args["page"], args["per_page"]))


@admin.route("/shipments/<shipment_id>", methods=["GET"])
@admin.response(200, ShipmentSchema, example=EXAMPLES["shipment"])
@admin.doc(security=BEARER)
def get_shipment(shipment_id):
    """One shipment with its lines, status and tracking (ops, admins)."""
    _staff()
    return shipment_view(reads.get_shipment(db.session, shipment_id))


@admin.route("/warehouses/<warehouse_id>/pick-list", methods=["GET"])
@admin.response(200, PickListSchema)
@admin.doc(security=BEARER)
def pick_list(warehouse_id):
    """What to take from the shelves for the warehouse's waiting parcels, by location then SKU."""
    _staff()
    result = warehouse.pick_list(db.session, warehouse_id)
    return {**result, "shipments": [shipment_view(s) for s in result["shipments"]]}


@admin.route("/shipments/<shipment_id>/pick", methods=["POST"])
@admin.response(200, ShipmentSchema)
@admin.doc(security=BEARER)
def mark_picked(shipment_id):
    """The parcel's units were taken from the shelves (``pending`` → ``picking``)."""
    return _done(warehouse.mark_picked(db.session, shipment_id, actor=_staff()))


@admin.route("/shipments/<shipment_id>/pack", methods=["POST"])
@admin.arguments(PackSchema, example=EXAMPLES["pack"])
@admin.response(200, ShipmentSchema)
@admin.doc(security=BEARER)
def pack(data, shipment_id):
    """Record the boxes as weighed and measured; the quote is kept and a heavier parcel flagged."""
    return _done(warehouse.pack(db.session, shipment_id, packages=data["packages"], actor=_staff()))


@admin.route("/shipments/<shipment_id>/hand-over", methods=["POST"])
@admin.arguments(HandOverSchema)
@admin.response(200, ShipmentSchema)
@admin.doc(security=BEARER)
def hand_over(data, shipment_id):
    """The carrier took the parcel: its units leave stock through the ledger; the buyer is told."""
    return _done(warehouse.hand_over(db.session, shipment_id, actor=_staff(), **data))


@admin.route("/shipments/<shipment_id>/cancel", methods=["POST"])
@admin.arguments(CancelSchema)
@admin.response(200, ShipmentSchema)
@admin.doc(security=BEARER)
def cancel(data, shipment_id):
    """Cancel a parcel that has not left; its units go back to available stock."""
    return _done(warehouse.cancel(db.session, shipment_id, reason=data["reason"], actor=_staff()))


@admin.route("/shipments/<shipment_id>/reship", methods=["POST"])
@admin.response(201, ShipmentSchema(many=True))
@admin.doc(security=BEARER)
def reship(shipment_id):
    """Ship a canceled parcel's goods again, allocated anew (possibly from another warehouse)."""
    created = creation.reship(db.session, shipment_id, actor=_staff())
    db.session.commit()
    return [shipment_view(s) for s in created]


@admin.route("/shipments/<shipment_id>/events", methods=["POST"])
@admin.arguments(EventInSchema)
@admin.response(200, EventResultSchema)
@admin.doc(security=BEARER)
def add_event(data, shipment_id):
    """Record a tracking event by hand (manual carrier); the same event twice is recorded once.

    An event dated before the hand-over (beyond ``TRACKING_CLOCK_SKEW_SECONDS``), other than
    ``label_created``, is refused: 422 ``event_before_handover``.
    """
    actor = _staff()
    _, shipment = access.lock_with_order(db.session, shipment_id)
    event, created = tracking.record_event(db.session, shipment, source="ops", actor=actor,
                                           skew=tracking_rules.clock_skew(current_app.config), **data)
    db.session.commit()
    view = shipment_view(shipment)
    return {"created": created, "event": next(e for e in view["events"] if e["id"] == event.id), "shipment": view}


@admin.route("/shipments/<shipment_id>/documents/invoice.pdf", methods=["GET"])
@admin.doc(security=BEARER, responses={"200": {"description": "commercial invoice and packing list",
                                               "content": {"application/pdf": {}}}})
def invoice(shipment_id):
    """The commercial invoice with its packing list, as PDF."""
    _staff()
    shipment = reads.get_shipment(db.session, shipment_id)
    body = papers.invoice(db.session, shipment)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{shipment.number}.pdf"'})


@admin.route("/exports/declarations.csv", methods=["GET"])
@admin.arguments(DeclarationArgsSchema, location="query")
@admin.doc(security=BEARER, responses={"200": {"description": "one row per item handed over that day",
                                               "content": {"text/csv": {}}}})
def declarations(args):
    """The export list of one day (Seoul) for the e-commerce export declaration, as CSV."""
    _staff()
    body = papers.declarations(db.session, args["date"])
    return Response(body, content_type=CSV_CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="declarations-{args["date"].isoformat()}.csv"'})


# --- sellers ------------------------------------------------------------------------------

@seller.route("/shipments", methods=["GET"])
@seller.arguments(SellerShipmentListArgsSchema, location="query")
@seller.response(200, page_schema(ShipmentSchema, "SellerShipmentPage"))
@seller.doc(security=BEARER)
def list_seller_shipments(args):
    """Parcels holding the seller's goods; each shows only the seller's lines."""
    user = require_seller()
    query = reads.shipments_query(status=args.get("status"), seller_id=user.seller_id)
    return _page(paginate(db.session, query, args["page"], args["per_page"]), seller_id=user.seller_id)


@seller.route("/shipments/<shipment_id>", methods=["GET"])
@seller.response(200, ShipmentSchema)
@seller.doc(security=BEARER)
def get_seller_shipment(shipment_id):
    """One parcel holding the seller's goods, showing only the seller's lines."""
    user = require_seller()
    shipment = reads.get_shipment(db.session, shipment_id, seller_id=user.seller_id)
    return shipment_view(shipment, seller_id=user.seller_id)


# --- carriers -----------------------------------------------------------------------------

@carriers.route("/<name>/webhook", methods=["POST"])
@carriers.response(200, WebhookResultSchema)
@carriers.doc(security=[])
def webhook(name):
    """A tracking update signed with the configured secret (bad → 401, nothing changes).

    Updates for tracking numbers no shipment has are counted, not refused; a repeated
    delivery records nothing new. An update dated before the parcel's hand-over is recorded
    flagged ``before_handover`` and counted as ``flagged``: it moves neither parcel nor order.
    """
    parser = registry.webhook_for(name)
    if parser is None:
        raise UnknownTrackingSource()
    secret = registry.webhook_secret(name, current_app.config) or ""
    try:
        updates = parser.parse(request.headers, request.get_data(cache=False), secret)
    except BadSignature as exc:
        log.warning("%s webhook rejected: %s", name, exc)
        raise BadWebhookSignature() from exc
    except InvalidPayload as exc:
        log.warning("%s webhook malformed: %s", name, exc)
        raise InvalidWebhookPayload() from exc
    try:
        counts = tracking.record_updates(db.session, updates, source="webhook",
                                         skew=tracking_rules.clock_skew(current_app.config))
        db.session.commit()
    except IntegrityError:  # a concurrent delivery of the same update
        db.session.rollback()
        counts = {"recorded": 0, "flagged": 0, "duplicate": len(updates), "unknown": 0, "refused": 0}
    return counts
