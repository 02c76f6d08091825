"""Fulfilment's settings, from the environment (loaded by ``shop.core.config.load_settings``)."""
from __future__ import annotations

import os
from pathlib import Path


def _mapping(text: str | None) -> dict:
    """``code=adapter,code2=adapter2`` from the environment as a dict."""
    pairs = (item.split("=", 1) for item in (text or "").split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs if key.strip()}


def load(instance_path: Path) -> dict:
    env = os.environ.get
    return {
        # Who sends parcels from Dari's own warehouses (the customs invoice's exporter).
        "MALL_NAME": env("MALL_NAME") or "Dari",
        "MALL_EMAIL": env("MALL_EMAIL") or None,
        "MALL_BUSINESS_NUMBER": env("MALL_BUSINESS_NUMBER") or None,
        # Tracking webhooks and the carrier adapters (``fulfillment.carriers.registry``).
        "AFTERSHIP_WEBHOOK_SECRET": env("AFTERSHIP_WEBHOOK_SECRET") or None,
        "CARRIER_ADAPTERS": _mapping(env("CARRIER_ADAPTERS")),
        # Carrier clocks drift: how far (seconds) a tracking event may lie ahead of now or before the hand-over.
        "TRACKING_CLOCK_SKEW_SECONDS": int(env("TRACKING_CLOCK_SKEW_SECONDS") or 300),
        "EXPORTS_FOLDER": str(instance_path / "exports"),
    }
