"""Catalog: products, variants, translations, certificates, market prices, collections, storefront."""
from __future__ import annotations

MESSAGE_DOMAIN = "catalog"
RATES_REFRESH_SECONDS = 6 * 3600


def init_app(app) -> None:
    """Catalog endpoints, the demo catalogue, the listing index, and the periodic exchange-rate refresh.

    ``RATES_REFRESH_SECONDS`` overrides the refresh interval.
    """
    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder
    from shop.core.jobs.schedule import register_periodic

    from . import api, demo, listings, models  # noqa: F401 - models: the tables in the metadata
    from .cli import storefront_cli

    add_domain(app, MESSAGE_DOMAIN)
    register_blueprints(app, api.seller, api.admin, api.store)
    register_seeder(app, "catalog", demo.seed_catalog, after=("sellers", "markets"))
    interval = int(app.config.get("RATES_REFRESH_SECONDS") or RATES_REFRESH_SECONDS)
    register_periodic(app, "refresh_exchange_rates", "shop.catalog.tasks.refresh_exchange_rates", interval)
    # The listing index follows every change through the outbox; the calendar's changes hourly.
    listings.install_session_hooks()
    register_periodic(app, "refresh_dated_listings", "shop.catalog.tasks.refresh_dated_listings", 3600)
    app.cli.add_command(storefront_cli)
    # Seeded last, so that the demo storefront lists what every package seeded even before a worker runs.
    register_seeder(app, "storefront", listings.rebuild,
                    after=("catalog", "inventory", "carts", "shipments", "returns"))
