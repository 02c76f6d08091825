"""Warehouses: a seller's own, the consolidation (bonded) warehouse in Korea, overseas centres."""
from __future__ import annotations

MESSAGE_DOMAIN = "inventory"


def init_app(app) -> None:
    """Warehouse endpoints (ops CRUD, the warehouses a seller may send to)."""
    from i18n.web import add_domain
    from shop.core.api import register_blueprints

    from . import api, models  # noqa: F401 - models: the tables in the metadata

    add_domain(app, MESSAGE_DOMAIN)
    register_blueprints(app, api.admin, api.seller)
