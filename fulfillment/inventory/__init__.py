"""Inventory: stock levels, the append-only stock ledger, reservations, inbound shipments."""
from __future__ import annotations

from flask import Flask

MESSAGE_DOMAIN = "inventory"


def init_app(app: Flask) -> None:
    """Provide the store's stock seams (``STOCK``, ``INVENTORY``); endpoints, periodic jobs, e-mails, demo stock."""
    from pathlib import Path

    from fulfillment.warehouses.services import register_in_use_check
    from i18n.web import add_domain
    from shop.catalog.stock import STOCK
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder
    from shop.core.jobs.schedule import register_periodic
    from shop.core.notifications import register_templates
    from shop.orders.inventory import INVENTORY

    from . import api, demo, models  # noqa: F401 - models: the tables in the metadata
    from .services.queries import warehouse_holds_stock
    from .stock import InventoryGateway, StockProvider

    add_domain(app, MESSAGE_DOMAIN)
    register_templates(app, Path(__file__).resolve().parent / "templates")
    STOCK.provide(app, StockProvider())
    INVENTORY.provide(app, InventoryGateway())
    register_blueprints(app, api.seller, api.admin)
    register_periodic(app, "release_expired_reservations",
                      "fulfillment.inventory.tasks.release_expired_reservations", 60)
    register_periodic(app, "low_stock_alerts", "fulfillment.inventory.tasks.send_low_stock_alerts", 3600)
    register_seeder(app, "inventory", demo.seed_inventory, after=("catalog",))
    # A warehouse that ever held stock or has an inbound shipment cannot be deleted.
    register_in_use_check(app, warehouse_holds_stock)
