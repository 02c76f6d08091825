"""Returns, refunds and warranty claims (SPEC §6): the policy engine and the cases built on it.

``returns.policy`` decides (pure functions over market data and ``policy/data/policy.json``;
``returns.policy.explain`` says why in words); ``returns.cases`` runs the cases: returns and
warranty claims (``services``), refunds through ``shop.payments.refunds``, restocking through
the inventory ledger, the cost ledger, and the store, seller and admin endpoints (``api``).
"""
from __future__ import annotations

MESSAGE_DOMAIN = "returns"


def init_app(app) -> None:
    """Models, endpoints, e-mails, the refund subscriber, periodic jobs."""
    from pathlib import Path

    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder
    from shop.core.jobs.schedule import register_periodic
    from shop.core.notifications import register_templates
    from shop.orders import events

    from .cases import api, demo, labels_api, models, refunding, repairs_api, tasks  # noqa: F401 - models: tables; *_api: routes

    add_domain(app, MESSAGE_DOMAIN)
    register_templates(app, Path(__file__).resolve().parent / "cases" / "templates")
    register_blueprints(app, api.store, api.seller, api.admin)
    events.subscribe(app, events.refund_settled, refunding.on_refund_settled)
    register_periodic(app, "flag_overdue_refunds", "returns.cases.tasks.flag_overdue_refunds", 60 * 60)
    register_periodic(app, "settle_repairs", "returns.cases.tasks.settle_repairs", 60 * 60)
    register_periodic(app, "complete_orders", "returns.cases.tasks.complete_orders", 6 * 60 * 60)
    register_seeder(app, "returns", demo.seed_returns, after=("shipments",))
    from shop.orders.return_terms import RETURN_TERMS

    from .cases.cli import refunds_cli
    from .cases.return_terms import PolicyReturnTerms

    RETURN_TERMS.provide(app, PolicyReturnTerms())

    app.cli.add_command(refunds_cli)
