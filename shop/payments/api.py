"""Stripe calls Dari back here; buyers pay an order again (another card); ops see alerts."""
from __future__ import annotations

import logging

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.auth import BEARER, BEARER_OR_GUEST, current_user, require_role
from shop.core.api import PageArgsSchema, idempotency_key, idempotency_key_parameter, page_schema, paginate
from shop.core.api_docs import raises
from shop.core.db import UnitOfWork, db
from shop.orders.api import ORDER_TOKEN_HEADER, ORDER_TOKEN_PARAMETER

from . import refunds, services
from .errors import InvalidWebhook, InvalidWebhookPayload, NothingToRefund, PaymentsNotConfigured
from .failures import failure_view
from .models import Refund
from .schemas import OrderPaymentSchema, OrderRefundsSchema, PaymentAlertSchema, RefundInSchema
from .stripe import InvalidSignature, MalformedEvent, verify_webhook

log = logging.getLogger(__name__)
blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payment provider callbacks")
admin = Blueprint("admin-payments", __name__, url_prefix="/api/v1/admin", description="Payments for operations")
store = Blueprint("store-payments", __name__, url_prefix="/api/v1/store/orders",
                  description="Paying for an order again, e.g. with another card after a decline")
REFUND_KEY_PARAMETER = idempotency_key_parameter(
    "a repeat of the request with the same key answers the first result (a retry after a timeout refunds once)")


_WEBHOOK_RESULT = {"type": "object", "properties": {
    "received": {"type": "boolean"}, "event_id": {"type": "string"},
    "outcome": {"type": "string", "description": "what the event changed, e.g. `paid`, `duplicate`, `ignored`"}}}


@blp.route("/stripe/webhook", methods=["POST"])
@blp.doc(security=[], responses={"200": {"description": "The event was recorded (or had been already).",
                                         "content": {"application/json": {"schema": _WEBHOOK_RESULT}}}})
@raises(503)
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
@store.doc(security=BEARER_OR_GUEST, parameters=[ORDER_TOKEN_PARAMETER],
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


def _refunds_view(order_id: str) -> dict:
    payment = services.get_payment(db.session, order_id)
    if payment is None:
        raise NothingToRefund()
    rows = db.session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.created_at))
    return {"order_id": order_id, "currency": payment.currency, "captured_minor": payment.captured_minor,
            "refundable_minor": refunds.available(payment).amount, "refunds": list(rows)}


@admin.route("/orders/<order_id>/refunds", methods=["GET"])
@admin.response(200, OrderRefundsSchema)
@admin.doc(security=BEARER)
@raises(409)
def list_order_refunds(order_id):
    """The order's refunds and what is left to refund."""
    require_role("ops", "admin")
    return _refunds_view(order_id)


@admin.route("/orders/<order_id>/refunds", methods=["POST"])
@admin.arguments(RefundInSchema)
@admin.response(201, OrderRefundsSchema)
@admin.doc(security=BEARER, parameters=[REFUND_KEY_PARAMETER])
def refund_order(body, order_id):
    """Refund part of the order's payment (a goodwill gesture, a price correction); paid by a job.

    Never more than what is left: concurrent requests queue on the payment's row lock, and
    one that no longer fits is a 409 ``refund_exceeds_balance`` with ``available_minor``.
    With an ``Idempotency-Key``, a repeat (a retry after a timeout, a second click) answers
    the first result and refunds nothing more; the key with another amount or reason is a
    422 ``idempotency_key_reused``.
    """
    staff = require_role("ops", "admin")
    key = idempotency_key()
    try:
        refunds.request_refund(db.session, order_id, body["amount_minor"], source=f"ops:{body['reason']}",
                               requested_by=staff.id, idempotency_key=key)
        db.session.commit()
    except IntegrityError:
        # Only a concurrent request with the same key gets here (the payment's lock orders the
        # rest): its refund is the answer.
        db.session.rollback()
        if key is None or refunds.refund_under_key(db.session, order_id, key) is None:
            raise
    return _refunds_view(order_id), 201
