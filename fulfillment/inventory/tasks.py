"""Inventory jobs; the runner gives each its own transaction (commit or roll back)."""
from __future__ import annotations

from shop.core.db import db

from .services import release_expired
from .services.alerts import send_low_stock_alerts as alert_low_stock


def release_expired_reservations() -> int:
    """Periodic: release the stock of reservations past their expiry. Safe to run twice."""
    return release_expired(db.session)


def send_low_stock_alerts() -> int:
    """Periodic: e-mail each seller its variants at or under their low-stock threshold, once a day at most.

    Safe to run twice or concurrently (one alert per variant and one e-mail per seller a day).
    Returns the variants alerted.
    """
    return alert_low_stock(db.session)
