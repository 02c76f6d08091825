from flask_smorest import Blueprint

from shop.auth import BEARER, require_role, require_seller
from shop.core.api import page_schema, paginate
from shop.core.db import db

from . import services
from .schemas import WarehouseCreateSchema, WarehouseListArgsSchema, WarehouseSchema, WarehouseUpdateSchema

admin = Blueprint("admin-warehouses", __name__, url_prefix="/api/v1/admin/warehouses",
                  description="Warehouses (operations staff)")
seller = Blueprint("seller-warehouses", __name__, url_prefix="/api/v1/seller/warehouses",
                   description="Warehouses a seller can send goods to")

STAFF = ("ops", "admin")


@admin.route("", methods=["GET"])
@admin.arguments(WarehouseListArgsSchema, location="query")
@admin.response(200, page_schema(WarehouseSchema, "WarehousePage"))
@admin.doc(security=BEARER)
def list_warehouses(args):
    """Warehouses, filterable by kind, market served and active flag."""
    require_role(*STAFF)
    query = services.list_warehouses_query(kind=args.get("kind"), market_code=args.get("market"),
                                           active=args.get("active"))
    return paginate(db.session, query, args["page"], args["per_page"])


@admin.route("", methods=["POST"])
@admin.arguments(WarehouseCreateSchema)
@admin.response(201, WarehouseSchema)
@admin.doc(security=BEARER)
def create_warehouse(data):
    """Create a warehouse. Korean ones (consolidation, seller) serve every market; an overseas centre its own."""
    require_role("admin")
    warehouse = services.create_warehouse(db.session, **data)
    db.session.commit()
    return warehouse


@admin.route("/<warehouse_id>", methods=["GET"])
@admin.response(200, WarehouseSchema)
@admin.doc(security=BEARER)
def get_warehouse(warehouse_id):
    """One warehouse (ops, admins)."""
    require_role(*STAFF)
    return services.get_warehouse(db.session, warehouse_id)


@admin.route("/<warehouse_id>", methods=["PATCH"])
@admin.arguments(WarehouseUpdateSchema)
@admin.response(200, WarehouseSchema)
@admin.doc(security=BEARER)
def update_warehouse(data, warehouse_id):
    """Rename, re-code, move the address or (de)activate a warehouse."""
    require_role("admin")
    warehouse = services.update_warehouse(db.session, warehouse_id, data)
    db.session.commit()
    return warehouse


@admin.route("/<warehouse_id>", methods=["DELETE"])
@admin.response(204)
@admin.doc(security=BEARER)
def delete_warehouse(warehouse_id):
    """Delete a warehouse that never held stock (deactivate it otherwise)."""
    require_role("admin")
    services.delete_warehouse(db.session, warehouse_id)
    db.session.commit()


@seller.route("", methods=["GET"])
@seller.arguments(WarehouseListArgsSchema, location="query")
@seller.response(200, page_schema(WarehouseSchema, "SellerWarehousePage"))
@seller.doc(security=BEARER)
def list_seller_warehouses(args):
    """Active warehouses the seller can announce inbound shipments to: shared ones and its own."""
    user = require_seller()
    query = services.seller_warehouses_query(user.seller_id)
    if args.get("kind"):
        query = query.where(services.Warehouse.kind == args["kind"])
    if args.get("market"):
        query = query.where(services.serves_market(args["market"].upper()))
    return paginate(db.session, query, args["page"], args["per_page"])
