"""Sellers: onboarding (apply → approve/suspend), profiles, members, business numbers."""
from __future__ import annotations


def init_app(app) -> None:
    """Seller endpoints and the demo sellers."""
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder

    from . import api, demo, models  # noqa: F401 - models: the tables in the metadata

    register_blueprints(app, api.public, api.seller, api.admin)
    register_seeder(app, "sellers", demo.seed_sellers, after=("accounts",))
