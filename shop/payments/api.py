"""Stripe calls Dari back here; buyers pay an order again (another card); ops see alerts."""
from __future__ import annotations

import logging

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from shop.api import PageArgsSchema, page_schema, paginate
from shop.auth import BEARER, current_user, require_role
from shop.db import UnitOfWork, db
from shop.orders.api import ORDER_TOKEN_HEADER, ORDER_TOKEN_PARAMETER

from . import services
from .errors import InvalidWebhook, InvalidWebhookPayload, PaymentsNotConfigured
from .failures import failure_view
from .schemas import OrderPaymentSchema, PaymentAlertSchema
from .stripe import InvalidSignature, MalformedEvent, verify_webhook

log = logging.getLogger(__name__)
blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payment provider callbacks")
admin = Blueprint("admin-payments", __name__, url_prefix="/api/v1/admin", description="Payments for operations")
store = Blueprint("store-payments", __name__, url_prefix="/api/v1/store/orders",
                  description="Paying for an order again, e.g. with another card after a decline")


@blp.route("/stripe/webhook", methods=["POST"])
@blp.doc(security=[])
def stripe_webhook():
    """Stripe webhook: the signature is verified (bad → 400, nothing changes), then the payload's
    types (malformed → 400 ``invalid_webhook_payload``); each event applies at most once."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise PaymentsNotConfigured()
    try:
        event = verify_webhook(request.get_data(cache=False), request.headers.get("Stripe-Signature"), secret)
    except InvalidSignature as exc:
        log.warning("stripe webhook rejected: %s", exc)
        raise InvalidWebhook() from exc
    except MalformedEvent as exc:
        # Signed with our secret but not an event we can read: refused, nothing recorded.
        log.warning("stripe webhook malformed: %s", exc)
        raise InvalidWebhookPayload() from exc
    try:
        outcome = services.handle_event(db.session, event)
        db.session.commit()
    except IntegrityError:
        # The same event is being processed by a concurrent delivery.
        db.session.rollback()
        outcome = "duplicate"
    return {"received": True, "event_id": event.id, "outcome": outcome}


@admin.route("/payment-alerts", methods=["GET"])
@admin.arguments(PageArgsSchema, location="query")
@admin.response(200, page_schema(PaymentAlertSchema, "PaymentAlertPage"))
@admin.doc(security=BEARER)
def list_payment_alerts(args):
    """Payments flagged for ops: amount or currency mismatches, money for canceled orders."""
    require_role("ops", "admin")
    return paginate(db.session, services.payment_alerts_query(), args["page"], args["per_page"])


@store.route("/<order_id>/payment", methods=["POST"])
@store.response(200, OrderPaymentSchema)
@store.doc(security=[*BEARER, {}], parameters=[ORDER_TOKEN_PARAMETER],
           responses={"404": {"description": "not the caller's order (``not_found``)"},
                      "409": {"description": "paid, canceled or expired (``order_not_payable``, with ``reason``)"},
                      "503": {"description": "card payments are off or the provider is unreachable"}})
def resume_order_payment(order_id):
    """The order's PaymentIntent ``client_secret`` again, to confirm the same intent (e.g. with another card).

    For the order's owner (bearer token) or a guest with its access token (``X-Order-Token``);
    anyone else gets 404. A declined card leaves the order ``pending_payment`` with its stock
    until ``expires_at``; ``failure`` says, translated, why the last attempt failed. An order
    that was paid, canceled or has expired is a 409 ``order_not_payable``.
    """
    gateway = services.gateway()  # 503 when card payments are off
    result = services.resume_payment(UnitOfWork(db.session), gateway, order_id, user=current_user(),
                                     token=request.headers.get(ORDER_TOKEN_HEADER))
    order, payment = result.order, result.payment
    return {"order_id": order.id, "order_status": order.status, "expires_at": order.expires_at,
            "payment_intent_id": payment.intent_id, "client_secret": payment.client_secret,
            "status": payment.status, "failure": failure_view(payment)}
