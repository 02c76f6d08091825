"""The catalog's view of stock, behind an interface the inventory package implements.

The catalog (``shop``) must not import ``fulfillment``; the inventory feature
registers an object satisfying ``StockProvider`` as
``app.extensions["dari.stock"]``. With none registered, stock is unknown and
treated as in stock, so the catalog works on its own.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from flask import has_app_context

from shop.core.seams import Seam

IN_STOCK, LOW, OUT = "in_stock", "low", "out"
EXTENSION_KEY = "dari.stock"


@runtime_checkable
class StockProvider(Protocol):
    def available_by_variant(self, session, variant_ids: list[str], market_code: str) -> dict[str, int]:
        """Units available to sell in ``market_code`` per variant id (missing id = 0)."""

    def low_stock_threshold(self, variant) -> int:
        """At or below this many available units a variant shows as ``low``."""

    def low_stock_thresholds(self, session, variant_ids: list[str]) -> dict[str, int]:
        """``low_stock_threshold`` for many variants in one query (every id present in the answer)."""


STOCK: Seam[StockProvider] = Seam(EXTENSION_KEY, StockProvider, "tells the catalog how much stock each variant has")


def get_stock_provider() -> StockProvider | None:
    if not has_app_context():
        return None
    return STOCK.find()


def stock_levels(session, variant_ids: list[str], market_code: str) -> dict[str, int] | None:
    """Available units per variant, or None when no provider is registered (stock unknown)."""
    provider = get_stock_provider()
    if provider is None:
        return None
    if not variant_ids:
        return {}
    levels = provider.available_by_variant(session, list(variant_ids), market_code)
    return {variant_id: int(levels.get(variant_id, 0) or 0) for variant_id in variant_ids}


def stock_thresholds(session, variant_ids: list[str]) -> dict[str, int] | None:
    """Low-stock thresholds per variant, or None when no provider is registered.

    One call to the provider whatever the number of variants; a provider without
    the batch method falls back to asking variant by variant.
    """
    provider = get_stock_provider()
    if provider is None:
        return None
    ids = list(dict.fromkeys(variant_ids))
    if not ids:
        return {}
    batch = getattr(provider, "low_stock_thresholds", None)
    if batch is not None:
        return {variant_id: int(threshold) for variant_id, threshold in batch(session, ids).items()}
    from .models import ProductVariant

    return {variant_id: int(provider.low_stock_threshold(session.get(ProductVariant, variant_id)))
            for variant_id in ids}


def stock_states(session, variants, market_code: str) -> dict[str, str]:
    """``in_stock`` / ``low`` / ``out`` per variant id, in a fixed number of queries.

    Availability for all ``variants`` in one provider call, then thresholds (one
    more call) for those that have any stock. Unknown stock counts as in stock.
    """
    variants = list(variants)
    levels = stock_levels(session, [v.id for v in variants], market_code)
    if levels is None:
        return {v.id: IN_STOCK for v in variants}
    thresholds = stock_thresholds(session, [v.id for v in variants if levels.get(v.id, 0) > 0]) or {}
    return {v.id: variant_stock_state(v, levels, thresholds) for v in variants}


def stock_state(available: int, threshold: int) -> str:
    """The one stock rule: ``out`` (nothing available), ``low`` (at or under the threshold), else ``in_stock``."""
    if available <= 0:
        return OUT
    return LOW if available <= threshold else IN_STOCK


def variant_stock_state(variant, levels: dict[str, int] | None,
                        thresholds: dict[str, int] | None = None) -> str:
    """``in_stock`` / ``low`` / ``out`` for one variant; unknown stock counts as in stock.

    ``thresholds`` (from ``stock_thresholds``) saves asking the provider for this
    variant's threshold; without it the provider is asked (one query per call).
    """
    if levels is None:
        return IN_STOCK
    available = levels.get(variant.id, 0)
    if available <= 0:  # out whatever the threshold: don't ask the provider for it
        threshold = 0
    elif thresholds is not None and variant.id in thresholds:
        threshold = thresholds[variant.id]
    else:
        provider = get_stock_provider()
        threshold = provider.low_stock_threshold(variant) if provider is not None else 0
    return stock_state(available, threshold)


def best_stock_state(states) -> str:
    """The best of some variant states (one in stock makes the product in stock)."""
    states = set(states)
    for state in (IN_STOCK, LOW):
        if state in states:
            return state
    return OUT


def product_stock_state(variants, levels: dict[str, int] | None,
                        thresholds: dict[str, int] | None = None) -> str:
    """The best state among a product's sellable variants (one in stock makes the product in stock)."""
    return best_stock_state(variant_stock_state(variant, levels, thresholds) for variant in variants)
