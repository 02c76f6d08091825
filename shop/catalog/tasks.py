"""Catalog jobs."""
from __future__ import annotations

from flask import current_app

from shop.core.db import db

from .rates import refresh_rates


def refresh_exchange_rates() -> int:
    """Fetch rates from ``RATES_SOURCE`` (URL or file; default: the bundled file) and store new ones.

    Idempotent: an observation already stored for its as-of time is skipped.
    Returns how many rates were added.
    """
    return len(refresh_rates(db.session, current_app.config.get("RATES_SOURCE")))


def refresh_listings(products=(), variants=(), sellers=(), markets=(), currencies=()) -> int:
    """Bring the listing index in line with a committed change (``listings.refresh``).

    Deferred by the commit that made the change; safe to run twice (it recomputes from the
    live facts and writes only rows that differ). Returns how many rows changed.
    """
    from .listings import refresh

    return refresh(db.session, products=products, variants=variants, sellers=sellers, markets=markets,
                   currencies=currencies)


def refresh_dated_listings() -> int:
    """Periodic: rows whose answer the calendar changed (certificates starting or ending, dated rules)."""
    from .listings import refresh_dated

    return refresh_dated(db.session)
