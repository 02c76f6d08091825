"""Shipments: parcels from allocations, warehouse work, customs papers, carriers, tracking (SPEC §5)."""
from __future__ import annotations

MESSAGE_DOMAIN = "fulfillment"


def init_app(app) -> None:
    from . import models  # noqa: F401 - the tables in the metadata
