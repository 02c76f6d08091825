"""Order jobs: after payment, and the expiry of unpaid orders."""
from __future__ import annotations

import logging

from shop.db import db, utcnow

from . import services
from .models import Order

log = logging.getLogger(__name__)


def order_paid(order_id: str) -> str:
    """Everything that follows a payment: today the confirmation e-mail (fulfilment hooks in here)."""
    from .mail import send_order_confirmation

    session = db.session
    order = services.lock_order(session, order_id)
    if order is None:
        return "missing"
    if order.confirmation_sent_at is None:
        send_order_confirmation(order)
        order.confirmation_sent_at = utcnow()
    return "done"


def expire_unpaid_orders() -> int:
    """Cancel unpaid orders whose reservation expired (and their PaymentIntents); periodic."""
    from shop.payments.errors import PaymentsNotConfigured
    from shop.payments.services import expire_order, gateway

    session = db.session
    try:
        gateway_ = gateway()
    except PaymentsNotConfigured:
        gateway_ = None
    count = 0
    for order_id in services.expired_unpaid_ids(session):
        outcome = expire_order(session, order_id, gateway_)
        log.info("expire %s: %s", order_id, outcome)
        count += outcome == "canceled"
    return count


__all__ = ["order_paid", "expire_unpaid_orders", "Order"]
