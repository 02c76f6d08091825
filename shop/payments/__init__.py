"""Payments through Stripe (only ``shop.payments.stripe`` imports ``stripe``), its webhook, alerts for ops."""
from __future__ import annotations

MESSAGE_DOMAIN = "checkout"


def init_app(app) -> None:
    """The payment gateway (``PAYMENTS``), webhook, paying again and alert endpoints, the expiry of unpaid orders,
    ``flask demo pay``."""
    from i18n.web import add_domain
    from shop.catalog.charging import CHARGE_LIMITS
    from shop.core.api import register_blueprints
    from shop.core.demo import demo_cli
    from shop.core.jobs.schedule import register_periodic
    from shop.orders.views import register_section

    from . import api, demo, models, services  # noqa: F401 - models: the tables in the metadata
    from .gateway import PAYMENTS
    from .stripe import ConfiguredStripe, StripeChargeLimits

    add_domain(app, MESSAGE_DOMAIN)
    PAYMENTS.provide(app, ConfiguredStripe())
    CHARGE_LIMITS.provide(app, StripeChargeLimits())
    register_blueprints(app, api.blp, api.admin, api.store)
    register_section(app, "payment", services.payment_section)
    register_periodic(app, "expire_unpaid_orders", "shop.payments.tasks.expire_unpaid_orders", 60)
    demo_cli.add_command(demo.pay_command)  # flask demo pay ORDER_NUMBER
