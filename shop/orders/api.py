"""Order endpoints: the customer's own, a seller's lines, and the ops/admin view."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shop.auth import BEARER, BEARER_OR_GUEST, current_user, require_role, require_seller, require_user
from shop.core.api import page_schema, paginate
from shop.core.api_docs import load_examples
from shop.core.db import db
from shop.core.errors import CredentialInQuery, NotFound

from . import services
from .models import Order
from .schemas import AdminOrderListArgsSchema, OrderListArgsSchema, OrderSchema
from .views import order_view

EXAMPLES = load_examples("shop.orders")  # from the demo data

store = Blueprint("store-orders", __name__, url_prefix="/api/v1/store/orders", description="A customer's orders")
seller = Blueprint("seller-orders", __name__, url_prefix="/api/v1/seller/orders",
                   description="Orders holding a seller's goods (its own lines only)")
admin = Blueprint("admin-orders", __name__, url_prefix="/api/v1/admin", description="Orders for operations")
ORDER_TOKEN_HEADER = "X-Order-Token"
# The guest's access token, documented the same way on every endpoint that takes it.
ORDER_TOKEN_PARAMETER = {"in": "header", "name": ORDER_TOKEN_HEADER, "required": False,
                         "schema": {"type": "string", "maxLength": 100},
                         "description": "a guest's access token from checkout"}


def _page(result: dict, **kwargs) -> dict:
    return {**result, "items": [order_view(order, **kwargs) for order in result["items"]]}


@store.route("", methods=["GET"])
@store.arguments(OrderListArgsSchema, location="query")
@store.response(200, page_schema(OrderSchema, "OrderPage"))
@store.doc(security=BEARER)
def list_my_orders(args):
    """The signed-in customer's orders, newest first."""
    user = require_user()
    query = services.customer_orders(user.id, status=args.get("status"))
    return _page(paginate(db.session, query, args["page"], args["per_page"]))


@store.route("/<order_id>", methods=["GET"])
@store.response(200, OrderSchema, example=EXAMPLES["order"])
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER])
def get_my_order(order_id):
    """One order: its owner's, or a guest's with the access token from checkout in ``X-Order-Token``.

    The token is a secret: in the query string it would land in access logs, so
    ``?access_token=`` is refused (400 ``credential_in_query``), never used.
    """
    if "access_token" in request.args:
        raise CredentialInQuery(header=ORDER_TOKEN_HEADER)
    token = request.headers.get(ORDER_TOKEN_HEADER)
    order = services.get_order_for(db.session, order_id, user=current_user(), token=token)
    return order_view(order, session=db.session)


@seller.route("", methods=["GET"])
@seller.arguments(OrderListArgsSchema, location="query")
@seller.response(200, page_schema(OrderSchema, "SellerOrderPage"))
@seller.doc(security=BEARER)
def list_seller_orders(args):
    """Orders with the seller's goods; each shows only the seller's own lines."""
    user = require_seller()
    query = services.seller_orders(user.seller_id, status=args.get("status"))
    return _page(paginate(db.session, query, args["page"], args["per_page"]), seller_id=user.seller_id)


@seller.route("/<order_id>", methods=["GET"])
@seller.response(200, OrderSchema)
@seller.doc(security=BEARER)
def get_seller_order(order_id):
    """One order holding the seller's goods, showing only the seller's lines."""
    user = require_seller()
    return order_view(services.get_seller_order(db.session, user.seller_id, order_id), seller_id=user.seller_id)


@admin.route("/orders", methods=["GET"])
@admin.arguments(AdminOrderListArgsSchema, location="query")
@admin.response(200, page_schema(OrderSchema, "AdminOrderPage"))
@admin.doc(security=BEARER)
def list_orders(args):
    """All orders, filtered by status, market, seller, number and creation date (ops, admins)."""
    require_role("ops", "admin")
    query = services.admin_orders(status=args.get("status"), market=args.get("market"), seller=args.get("seller"),
                                  created_from=args.get("created_from"), created_to=args.get("created_to"),
                                  number=args.get("number"))
    return _page(paginate(db.session, query, args["page"], args["per_page"]))


@admin.route("/orders/<order_id>", methods=["GET"])
@admin.response(200, OrderSchema)
@admin.doc(security=BEARER)
def get_order(order_id):
    """One order with its lines and payment (ops, admins)."""
    require_role("ops", "admin")
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound()
    return order_view(order, session=db.session)
