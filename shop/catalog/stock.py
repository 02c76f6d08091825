"""The catalog's view of stock, behind an interface the inventory package implements.

The catalog (``shop``) must not import ``fulfillment``; the inventory feature
registers an object satisfying ``StockProvider`` as
``app.extensions["dari.stock"]``. With none registered, stock is unknown and
treated as in stock, so the catalog works on its own.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from flask import current_app, has_app_context

IN_STOCK, LOW, OUT = "in_stock", "low", "out"
EXTENSION_KEY = "dari.stock"


@runtime_checkable
class StockProvider(Protocol):
    def available_by_variant(self, session, variant_ids: list[str], market_code: str) -> dict[str, int]:
        """Units available to sell in ``market_code`` per variant id (missing id = 0)."""

    def low_stock_threshold(self, variant) -> int:
        """At or below this many available units a variant shows as ``low``."""


def get_stock_provider() -> StockProvider | None:
    if not has_app_context():
        return None
    return current_app.extensions.get(EXTENSION_KEY)


def stock_levels(session, variant_ids: list[str], market_code: str) -> dict[str, int] | None:
    """Available units per variant, or None when no provider is registered (stock unknown)."""
    provider = get_stock_provider()
    if provider is None:
        return None
    if not variant_ids:
        return {}
    levels = provider.available_by_variant(session, list(variant_ids), market_code)
    return {variant_id: int(levels.get(variant_id, 0) or 0) for variant_id in variant_ids}


def variant_stock_state(variant, levels: dict[str, int] | None) -> str:
    """``in_stock`` / ``low`` / ``out`` for one variant; unknown stock counts as in stock."""
    if levels is None:
        return IN_STOCK
    available = levels.get(variant.id, 0)
    if available <= 0:
        return OUT
    provider = get_stock_provider()
    threshold = provider.low_stock_threshold(variant) if provider is not None else 0
    return LOW if available <= threshold else IN_STOCK


def product_stock_state(variants, levels: dict[str, int] | None) -> str:
    """The best state among a product's sellable variants (one in stock makes the product in stock)."""
    states = {variant_stock_state(variant, levels) for variant in variants}
    for state in (IN_STOCK, LOW):
        if state in states:
            return state
    return OUT
