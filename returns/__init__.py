"""Returns, refunds and warranty claims (SPEC §6): the policy engine and the cases built on it.

``returns.policy`` decides (pure functions over market data and ``data/policy.json``),
``returns.services`` runs the cases (RMA and warranty claims, refunds through
``shop.payments.refunds``, restocking through the inventory ledger, the cost ledger),
``returns.api`` serves the store, seller and admin endpoints.
"""
from __future__ import annotations

MESSAGE_DOMAIN = "returns"


def init_app(app) -> None:
    """Models, endpoints, the refund subscriber, periodic jobs."""
    from . import models  # noqa: F401 - the tables in the metadata
