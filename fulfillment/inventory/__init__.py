"""Inventory: stock levels, the append-only stock ledger, reservations, inbound shipments."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the stock provider and the inventory gateway; register the expiry job."""
    from shop.jobs.schedule import register_periodic

    from .stock import InventoryGateway, StockProvider

    app.extensions["dari.stock"] = StockProvider()
    app.extensions["dari.inventory"] = InventoryGateway()
    register_periodic(app, "release_expired_reservations",
                      "fulfillment.inventory.tasks.release_expired_reservations", 60)
