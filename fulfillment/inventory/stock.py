"""The implementations fulfillment gives the store (wired by ``init_app``).

``StockProvider`` answers catalog's questions about stock; ``InventoryGateway``
is what checkout calls to reserve, release and allocate, so that ``shop`` never
imports ``fulfillment``.
"""
from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from . import services
from .services.queries import low_stock_thresholds


class StockProvider:
    """``shop.catalog.stock.StockProvider``: availability per market and low-stock thresholds."""

    def available_by_variant(self, session: Session, variant_ids: list[str], market_code: str) -> dict[str, int]:
        return services.available_by_variant(session, list(variant_ids), market_code)

    def low_stock_threshold(self, variant) -> int:
        session = object_session(variant)
        if session is None:
            return services.DEFAULT_LOW_STOCK_THRESHOLD
        return services.low_stock_threshold(session, variant.id)

    def low_stock_thresholds(self, session: Session, variant_ids: list[str]) -> dict[str, int]:
        return low_stock_thresholds(session, list(variant_ids))


class InventoryGateway:
    """``shop.orders.inventory.InventoryGateway``: what the store calls, ``reserve``, ``release`` and
    ``allocate``. Shipping an allocation and expiring holds are fulfilment's own work
    (``services.ship_allocation``, ``services.release_expired``), called directly."""

    reserve = staticmethod(services.reserve)
    release = staticmethod(services.release)
    allocate = staticmethod(services.allocate)
