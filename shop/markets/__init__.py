"""Markets: destinations and their rules (duties, returns, warranty, certificates) as sourced data."""
from __future__ import annotations


def init_app(app) -> None:
    """Market endpoints, ``flask markets``, and the market rules as demo data."""
    from shop.api import register_blueprints
    from shop.demo import register_seeder

    from . import api, demo, models  # noqa: F401 - models: the tables in the metadata
    from .cli import markets_cli

    register_blueprints(app, api.store, api.admin)
    app.cli.add_command(markets_cli)
    register_seeder(app, "markets", demo.seed_markets)
