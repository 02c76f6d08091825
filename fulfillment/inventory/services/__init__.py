"""Inventory services (SPEC §5): the ledger, reservations, inbound shipments and reads.

Checkout calls ``reserve``, ``release``, ``allocate`` (through
``app.extensions["dari.inventory"]``); the periodic job calls ``release_expired``.
"""
from .expiry import release_expired
from .inbound import announce_inbound, cancel_inbound, get_inbound, list_inbound_query, receive_inbound
from .ledger import (
    LedgerDiscrepancy,
    adjust,
    check_ledger,
    ensure_level,
    lock_levels,
    record,
    restock_return,
    write_off,
)
from .queries import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    LevelView,
    available_by_variant,
    expired_holds,
    get_variant,
    list_levels,
    low_stock_threshold,
    movements_query,
    own_variants,
    set_low_stock_threshold,
)
from .reservations import allocate, get_reservation, release, reserve, ship_allocation

__all__ = [
    "DEFAULT_LOW_STOCK_THRESHOLD", "LedgerDiscrepancy", "LevelView", "adjust", "allocate", "announce_inbound",
    "available_by_variant", "cancel_inbound", "check_ledger", "ensure_level", "expired_holds", "get_inbound",
    "get_reservation", "get_variant", "list_inbound_query", "list_levels", "lock_levels", "low_stock_threshold",
    "movements_query", "own_variants", "receive_inbound", "record", "release", "release_expired", "reserve",
    "restock_return", "set_low_stock_threshold", "ship_allocation", "write_off",
]
