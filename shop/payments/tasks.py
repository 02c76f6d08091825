"""Payment jobs."""
from __future__ import annotations

import logging

from shop.core.db import UnitOfWork, db

from . import services
from .errors import PaymentsNotConfigured

log = logging.getLogger(__name__)


def cancel_intent(intent_id: str) -> str:
    """Cancel a PaymentIntent at the provider (no-op when it already succeeded or was canceled).

    Nothing defers it any more (a declined card leaves the intent confirmable); kept so that
    jobs already in the outbox or on RQ from before that change still run.
    """
    return services.gateway().cancel(intent_id).status


def expire_unpaid_orders() -> int:
    """Periodic: cancel unpaid orders whose reservation expired, and their intents; returns how many."""
    try:
        gateway = services.gateway()
    except PaymentsNotConfigured:
        gateway = None
    outcomes = services.expire_unpaid_orders(UnitOfWork(db.session), gateway)
    for order_id, outcome in outcomes.items():
        log.info("expire %s: %s", order_id, outcome)
    return sum(outcome == "canceled" for outcome in outcomes.values())
