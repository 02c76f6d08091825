"""Stripe calls Dari back here."""
from __future__ import annotations

import logging

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from shop.api import PageArgsSchema, page_schema, paginate
from shop.auth import BEARER, require_role
from shop.db import db

from . import services
from .errors import InvalidWebhook, InvalidWebhookPayload, PaymentsNotConfigured
from .schemas import PaymentAlertSchema
from .stripe import InvalidSignature, MalformedEvent, verify_webhook

log = logging.getLogger(__name__)
blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payment provider callbacks")
admin = Blueprint("admin-payments", __name__, url_prefix="/api/v1/admin", description="Payments for operations")


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
