"""Store cart and checkout endpoints (``/api/v1/store/carts``)."""
from __future__ import annotations

import re

from flask import current_app, request
from flask_smorest import Blueprint

from i18n.web import buyer_locale
from shop.auth import BEARER_OR_GUEST, current_user
from shop.core.api import ProblemSchema
from shop.core.api_docs import load_examples, raises
from shop.core.db import UnitOfWork, db
from shop.markets.services import get_market
from shop.orders.services import access_token
from shop.orders.views import order_view
from shop.payments import services as payments

from .errors import IdempotencyKeyRequired
from .schemas import (
    CartCreateSchema,
    CartSchema,
    CartUpdateSchema,
    CheckoutResultSchema,
    LineAddSchema,
    LineUpdateSchema,
    QuoteSchema,
    ShippingAddressSchema,
    ShippingChoiceSchema,
)
from .services import carts, checkout
from .services.quote import build_quote
from .views import cart_view, quote_view

EXAMPLES = load_examples("shop.checkout")  # from the demo data

blp = Blueprint("carts", __name__, url_prefix="/api/v1/store/carts", description="Cart, quote and checkout")
_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def _cart(cart_id: str, *, for_update: bool = False):
    return carts.get_cart(db.session, cart_id, current_user(), for_update=for_update)


def _respond(cart, status: int = 200):
    view = cart_view(build_quote(db.session, cart))
    return view, status


@blp.route("", methods=["POST"])
@blp.arguments(CartCreateSchema, example=EXAMPLES["cart_create"])
@blp.response(201, CartSchema, example=EXAMPLES["cart"])
@blp.doc(security=BEARER_OR_GUEST)
def create_cart(data):
    """Open a cart in a market; signed-in customers own it, guests reach it by its secret id.

    Its `locale` (and so the order's: line names, e-mails) is the body's `locale`, else the one
    the request negotiates: `?lang=`, then `Accept-Language`, then the signed-in customer's profile
    locale, then the market's default. `PATCH` changes it.
    """
    market = get_market(db.session, data["market"])
    cart = carts.create_cart(db.session, market_code=market.code,
                             locale=data.get("locale") or buyer_locale(market.default_locale),
                             email=data.get("email"), user=current_user())
    db.session.commit()
    return _respond(cart, 201)


@blp.route("/<cart_id>", methods=["GET"])
@blp.response(200, CartSchema, example=EXAMPLES["cart"])
@blp.doc(security=BEARER_OR_GUEST)
def get_cart(cart_id):
    """The cart with its full quote: subtotal, shipping options, duties, taxes, total, breakdown."""
    return _respond(_cart(cart_id))


@blp.route("/<cart_id>", methods=["PATCH"])
@blp.arguments(CartUpdateSchema)
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def update_cart(data, cart_id):
    """Change the cart's locale or e-mail; fields left out stay as they are."""
    cart = carts.update_cart(db.session, _cart(cart_id, for_update=True), data)
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/quote", methods=["GET"])
@blp.response(200, QuoteSchema)
@blp.doc(security=BEARER_OR_GUEST)
def get_quote(cart_id):
    """Only the quote of the cart."""
    return quote_view(build_quote(db.session, _cart(cart_id)))


@blp.route("/<cart_id>/lines", methods=["POST"])
@blp.arguments(LineAddSchema, example=EXAMPLES["line_add"])
@blp.response(201, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def add_line(data, cart_id):
    """Add a variant (it must be purchasable in the cart's market); quantities merge."""
    cart = _cart(cart_id, for_update=True)
    carts.add_line(db.session, cart, data["variant_id"], data["quantity"])
    db.session.commit()
    return _respond(cart, 201)


@blp.route("/<cart_id>/lines/<line_id>", methods=["PATCH"])
@blp.arguments(LineUpdateSchema)
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def update_line(data, cart_id, line_id):
    """Change the quantity of a cart line; the cart comes back with its new quote."""
    cart = _cart(cart_id, for_update=True)
    carts.update_line(db.session, cart, line_id, data["quantity"])
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/lines/<line_id>/return-acknowledgement", methods=["PUT"])
@blp.response(200, CartSchema)
@blp.alt_response(422, schema=ProblemSchema, content_type="application/problem+json",
                  description="``nothing_to_acknowledge``: the line can be returned for a change of mind here")
@blp.doc(security=BEARER_OR_GUEST)
def acknowledge_return_exclusions(cart_id, line_id):
    """The buyer acknowledges what this line could not be returned for (its ``return_exclusions``).

    Recorded with the time and the version of the rules, and kept on the order line: a later
    change-of-mind return the exclusion blocks is refused citing it. Where the buyer was never
    told, an exclusion that needs notice does not apply.
    """
    cart = _cart(cart_id, for_update=True)
    carts.acknowledge_return_exclusions(db.session, cart, line_id, acknowledged=True)
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/lines/<line_id>/return-acknowledgement", methods=["DELETE"])
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def withdraw_return_acknowledgement(cart_id, line_id):
    """Withdraw the acknowledgement of the line (before checkout)."""
    cart = _cart(cart_id, for_update=True)
    carts.acknowledge_return_exclusions(db.session, cart, line_id, acknowledged=False)
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/lines/<line_id>", methods=["DELETE"])
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def remove_line(cart_id, line_id):
    """Remove a line from the cart; the cart comes back with its new quote."""
    cart = _cart(cart_id, for_update=True)
    carts.remove_line(db.session, cart, line_id)
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/shipping-address", methods=["PUT"])
@blp.arguments(ShippingAddressSchema, example=EXAMPLES["shipping_address"])
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def set_shipping_address(data, cart_id):
    """The delivery address; its country must belong to the cart's market."""
    cart = _cart(cart_id, for_update=True)
    carts.set_shipping_address(db.session, cart, data)
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/shipping-option", methods=["PUT"])
@blp.arguments(ShippingChoiceSchema, example=EXAMPLES["shipping_option"])
@blp.response(200, CartSchema)
@blp.doc(security=BEARER_OR_GUEST)
def choose_shipping(data, cart_id):
    """Choose one of the quote's shipping options by its service code."""
    cart = _cart(cart_id, for_update=True)
    carts.choose_shipping(db.session, cart, data["service"])
    db.session.commit()
    return _respond(cart)


@blp.route("/<cart_id>/checkout", methods=["POST"])
@blp.response(201, CheckoutResultSchema)
@blp.doc(security=BEARER_OR_GUEST, parameters=[{"in": "header", "name": "Idempotency-Key", "required": True,
                                       "schema": {"type": "string", "maxLength": 200}}])
@raises(429, 503)
def checkout_cart(cart_id):
    """Create the order (``pending_payment``), reserve its stock and a Stripe PaymentIntent.

    Returns the order and the PaymentIntent's ``client_secret``. Repeating the request
    with the same ``Idempotency-Key`` returns the same order; the key with another cart
    is a 422. Out of stock is a 409 naming the lines. Without Stripe configured: 503. A buyer
    (e-mail, or client address) with ``CHECKOUT_MAX_PENDING_PER_BUYER`` unpaid orders
    already gets 429 ``too_many_pending_orders``.
    """
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not _KEY.fullmatch(key):
        raise IdempotencyKeyRequired()
    gateway = payments.gateway()  # 503 before anything is reserved when card payments are off
    # Behind a reverse proxy the client address is right only with ProxyFix (PROXY_COUNT, see README).
    result = checkout.checkout(UnitOfWork(db.session), gateway, cart_id, key=key, user=current_user(),
                               client_ip=request.remote_addr)
    order, payment = result.order, result.payment
    body = {
        "order": order_view(order, session=db.session),
        "client_secret": payment.client_secret if payment is not None and order.status == "pending_payment" else None,
        "payment_intent_id": payment.intent_id if payment is not None else None,
        "access_token": access_token(order.id, current_app.config["SECRET_KEY"]),
    }
    return body, 201 if result.created else 200
