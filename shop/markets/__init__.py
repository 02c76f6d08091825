"""Markets: destinations and their rules (duties, returns, warranty, certificates) as sourced data."""
from __future__ import annotations

# Also the domain of the rules' prose in ``data/markets.json`` (``i18n.data_texts``).
MESSAGE_DOMAIN = "markets"


def init_app(app) -> None:
    """Market endpoints, ``flask markets``, the market rules as demo data, and their messages."""
    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder

    from . import api, demo, models  # noqa: F401 - models: the tables in the metadata
    from .cli import markets_cli

    register_blueprints(app, api.store, api.admin)
    app.cli.add_command(markets_cli)
    register_seeder(app, "markets", demo.seed_markets)
    add_domain(app, MESSAGE_DOMAIN)
