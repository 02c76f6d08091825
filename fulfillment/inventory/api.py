from dataclasses import asdict

from flask_smorest import Blueprint

from shop.auth import BEARER, require_role, require_seller
from shop.core.api import page_schema, paginate
from shop.core.db import db

from . import services
from .schemas import (
    AdjustmentSchema,
    AdminInboundListArgsSchema,
    AdminLevelArgsSchema,
    InboundAnnounceSchema,
    InboundListArgsSchema,
    InboundSchema,
    LevelArgsSchema,
    LevelSchema,
    MovementArgsSchema,
    MovementSchema,
    ReceiveSchema,
    ReconciliationSchema,
    ReservationSchema,
    ThresholdSchema,
    VariantSettingsSchema,
    WriteOffSchema,
)

seller = Blueprint("seller-inventory", __name__, url_prefix="/api/v1/seller",
                   description="A seller's stock, ledger and inbound shipments")
admin = Blueprint("admin-inventory", __name__, url_prefix="/api/v1/admin",
                  description="Stock operations: receiving, adjustments, write-offs, reconciliation")

STAFF = ("ops", "admin")


# --- seller -------------------------------------------------------------------------------

@seller.route("/inventory", methods=["GET"])
@seller.arguments(LevelArgsSchema, location="query")
@seller.response(200, page_schema(LevelSchema, "StockLevelPage"))
@seller.doc(security=BEARER)
def list_inventory(args):
    """The seller's stock per variant and warehouse, with low-stock flags against each variant's threshold."""
    user = require_seller()
    return services.list_levels(db.session, seller_id=user.seller_id, **args)


@seller.route("/inventory/<variant_id>/movements", methods=["GET"])
@seller.arguments(MovementArgsSchema, location="query")
@seller.response(200, page_schema(MovementSchema, "StockMovementPage"))
@seller.doc(security=BEARER)
def list_movements(args, variant_id):
    """The stock ledger of one of the seller's variants, newest first."""
    user = require_seller()
    services.get_variant(db.session, variant_id, seller_id=user.seller_id)
    query = services.movements_query(variant_id, warehouse_id=args.get("warehouse_id"), kind=args.get("kind"))
    return paginate(db.session, query, args["page"], args["per_page"])


@seller.route("/inventory/<variant_id>/settings", methods=["PUT"])
@seller.arguments(ThresholdSchema)
@seller.response(200, VariantSettingsSchema)
@seller.doc(security=BEARER)
def set_settings(data, variant_id):
    """Set the low-stock threshold of one of the seller's variants."""
    user = require_seller()
    services.get_variant(db.session, variant_id, seller_id=user.seller_id)
    setting = services.set_low_stock_threshold(db.session, variant_id, data["low_stock_threshold"])
    db.session.commit()
    return setting


@seller.route("/inbound-shipments", methods=["GET"])
@seller.arguments(InboundListArgsSchema, location="query")
@seller.response(200, page_schema(InboundSchema, "SellerInboundPage"))
@seller.doc(security=BEARER)
def list_seller_inbound(args):
    """The seller's inbound shipments, newest first."""
    user = require_seller()
    query = services.list_inbound_query(seller_id=user.seller_id, warehouse_id=args.get("warehouse_id"),
                                        status=args.get("status"))
    return paginate(db.session, query, args["page"], args["per_page"])


@seller.route("/inbound-shipments", methods=["POST"])
@seller.arguments(InboundAnnounceSchema)
@seller.response(201, InboundSchema)
@seller.doc(security=BEARER)
def announce_inbound(data):
    """Announce goods on their way to a warehouse; stock rises only when staff receive them."""
    user = require_seller()
    shipment = services.announce_inbound(db.session, seller_id=user.seller_id, actor=user.id, **data)
    db.session.commit()
    return shipment


@seller.route("/inbound-shipments/<shipment_id>", methods=["GET"])
@seller.response(200, InboundSchema)
@seller.doc(security=BEARER)
def get_seller_inbound(shipment_id):
    """One of the seller's inbound shipments with its announced and received lines."""
    user = require_seller()
    return services.get_inbound(db.session, shipment_id, seller_id=user.seller_id)


@seller.route("/inbound-shipments/<shipment_id>/cancel", methods=["POST"])
@seller.response(200, InboundSchema)
@seller.doc(security=BEARER)
def cancel_seller_inbound(shipment_id):
    """Cancel an announcement that has not been received."""
    user = require_seller()
    shipment = services.cancel_inbound(db.session, shipment_id, seller_id=user.seller_id)
    db.session.commit()
    return shipment


# --- operations ---------------------------------------------------------------------------

@admin.route("/inventory", methods=["GET"])
@admin.arguments(AdminLevelArgsSchema, location="query")
@admin.response(200, page_schema(LevelSchema, "AdminStockLevelPage"))
@admin.doc(security=BEARER)
def admin_list_inventory(args):
    """Stock per variant and warehouse across every seller (ops, admins)."""
    require_role(*STAFF)
    return services.list_levels(db.session, **args)


@admin.route("/inventory/<variant_id>/movements", methods=["GET"])
@admin.arguments(MovementArgsSchema, location="query")
@admin.response(200, page_schema(MovementSchema, "AdminStockMovementPage"))
@admin.doc(security=BEARER)
def admin_list_movements(args, variant_id):
    """The stock ledger of any variant, newest first (ops, admins)."""
    require_role(*STAFF)
    services.get_variant(db.session, variant_id)
    query = services.movements_query(variant_id, warehouse_id=args.get("warehouse_id"), kind=args.get("kind"))
    return paginate(db.session, query, args["page"], args["per_page"])


@admin.route("/inventory/adjustments", methods=["POST"])
@admin.arguments(AdjustmentSchema)
@admin.response(201, MovementSchema)
@admin.doc(security=BEARER)
def create_adjustment(data):
    """Correct on-hand stock after a count (positive or negative); a reason is required."""
    user = require_role(*STAFF)
    movement = services.adjust(db.session, actor=user.id, **data)
    db.session.commit()
    return movement


@admin.route("/inventory/write-offs", methods=["POST"])
@admin.arguments(WriteOffSchema)
@admin.response(201, MovementSchema)
@admin.doc(security=BEARER)
def create_write_off(data):
    """Write off damaged, lost or expired units; a reason is required."""
    user = require_role(*STAFF)
    movement = services.write_off(db.session, actor=user.id, **data)
    db.session.commit()
    return movement


@admin.route("/inventory/reconciliation", methods=["GET"])
@admin.response(200, ReconciliationSchema)
@admin.doc(security=BEARER)
def reconcile():
    """Check that every stock level equals the sums of its ledger and reservations."""
    require_role(*STAFF)
    problems = services.check_ledger(db.session)
    return {"consistent": not problems, "discrepancies": [asdict(problem) for problem in problems]}


@admin.route("/reservations/<path:reference>", methods=["GET"])
@admin.response(200, ReservationSchema)
@admin.doc(security=BEARER)
def get_reservation(reference):
    """The stock reservation held for a reference (an order)."""
    require_role(*STAFF)
    return services.get_reservation(db.session, reference)


@admin.route("/inbound-shipments", methods=["GET"])
@admin.arguments(AdminInboundListArgsSchema, location="query")
@admin.response(200, page_schema(InboundSchema, "InboundPage"))
@admin.doc(security=BEARER)
def list_inbound(args):
    """Inbound shipments of every seller, filterable by status and warehouse (ops, admins)."""
    require_role(*STAFF)
    query = services.list_inbound_query(seller_id=args.get("seller_id"), warehouse_id=args.get("warehouse_id"),
                                        status=args.get("status"))
    return paginate(db.session, query, args["page"], args["per_page"])


@admin.route("/inbound-shipments/<shipment_id>", methods=["GET"])
@admin.response(200, InboundSchema)
@admin.doc(security=BEARER)
def get_inbound(shipment_id):
    """One inbound shipment with its announced and received lines (ops, admins)."""
    require_role(*STAFF)
    return services.get_inbound(db.session, shipment_id)


@admin.route("/inbound-shipments/<shipment_id>/receive", methods=["POST"])
@admin.arguments(ReceiveSchema)
@admin.response(200, InboundSchema)
@admin.doc(security=BEARER)
def receive_inbound(data, shipment_id):
    """Record counted quantities; differences and unannounced lines need a discrepancy reason."""
    user = require_role(*STAFF)
    shipment = services.receive_inbound(db.session, shipment_id, lines=data["lines"], actor=user.id)
    db.session.commit()
    return shipment
