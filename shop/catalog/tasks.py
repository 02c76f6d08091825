"""Catalog jobs."""
from __future__ import annotations

from flask import current_app

from shop.db import db

from .services.rates import refresh_rates


def refresh_exchange_rates() -> int:
    """Fetch rates from ``RATES_SOURCE`` (URL or file; default: the bundled file) and store new ones.

    Idempotent: an observation already stored for its as-of time is skipped.
    Returns how many rates were added.
    """
    return len(refresh_rates(db.session, current_app.config.get("RATES_SOURCE")))
