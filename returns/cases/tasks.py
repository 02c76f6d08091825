"""Periodic return jobs, run by the scheduler; each safe to run twice."""
from __future__ import annotations

from shop.core.db import db

from . import queues, repairs


def flag_overdue_refunds() -> int:
    """Flag (once) the cases whose refund deadline has passed without a refund."""
    return queues.flag_overdue(db.session)


def complete_orders() -> int:
    """Close delivered orders whose return windows are over with nothing open (``completed``)."""
    return queues.complete_orders(db.session)


def settle_repairs() -> dict:
    """Flag (once) repairs past the market's reasonable time; close claims whose repaired item was delivered."""
    return repairs.settle_repairs(db.session)
