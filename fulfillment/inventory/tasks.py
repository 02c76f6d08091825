"""Inventory jobs; the runner gives each its own transaction (commit or roll back)."""
from __future__ import annotations

from shop.db import db

from .services import release_expired


def release_expired_reservations() -> int:
    """Periodic: release the stock of reservations past their expiry. Safe to run twice."""
    return release_expired(db.session)
