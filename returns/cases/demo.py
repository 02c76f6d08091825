"""Demo returns: the delivered demo order gets a return decided by the engine, so the buyer's
order page, the ops queue and a seller's returns view have something to show.

Idempotent (the case is keyed by its ``Idempotency-Key``, ``demo-returns:1``); skipped
when the shipments seeder told no delivered story. Only flushes; ``demo seed`` commits.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from fulfillment.shipments.demo import KEY_PREFIX
from shop.checkout.models import CheckoutKey
from shop.core.errors import DomainError
from shop.orders.models import Order

from . import services

log = logging.getLogger(__name__)
KEY = "demo-returns:1"


def seed_returns(session) -> None:
    order = session.scalar(select(Order).join(CheckoutKey, CheckoutKey.order_id == Order.id)
                           .where(CheckoutKey.key == KEY_PREFIX + "delivered"))
    if order is None or order.delivered_at is None:
        return
    line = order.lines[0]
    try:
        with session.begin_nested():
            services.open_case(session, order.id, kind="return", reason="changed_mind", idempotency_key=KEY,
                               lines=[{"order_line_id": line.id, "quantity": 1}], user_id=order.user_id,
                               note="The colour is not what I expected.")
    except DomainError as exc:
        log.info("demo return skipped: %s", exc.code)
