"""Cart, quote and checkout (SPEC §4)."""
from __future__ import annotations

MESSAGE_DOMAIN = "checkout"


def init_app(app) -> None:
    """Carts and checkout: they need inventory and shipping (checked at start-up); demo carts."""
    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder
    from shop.orders import events
    from shop.orders.inventory import INVENTORY
    from shop.payments.gateway import PAYMENTS

    from . import api, demo, models, services  # noqa: F401 - models: the tables in the metadata
    from .services.carts import reopen_cart
    from .shipping import SHIPPING

    add_domain(app, MESSAGE_DOMAIN)
    for seam in (INVENTORY, SHIPPING, PAYMENTS):
        seam.require(app, by="shop.checkout")
    register_blueprints(app, api.blp)
    register_seeder(app, "carts", demo.seed_carts, after=("inventory",))
    events.subscribe(app, events.order_canceled, reopen_cart)
