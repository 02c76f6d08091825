"""Catalog: products, variants, translations, certificates, market prices, collections, storefront."""
from __future__ import annotations

RATES_REFRESH_SECONDS = 6 * 3600


def init_app(app) -> None:
    """Register the periodic exchange-rate refresh (``RATES_REFRESH_SECONDS`` overrides the interval)."""
    from shop.jobs.schedule import register_periodic

    interval = int(app.config.get("RATES_REFRESH_SECONDS") or RATES_REFRESH_SECONDS)
    register_periodic(app, "refresh_exchange_rates", "shop.catalog.tasks.refresh_exchange_rates", interval)
