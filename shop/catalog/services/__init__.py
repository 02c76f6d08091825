"""Catalog services. Public entry points other features call are re-exported here."""
from __future__ import annotations

from .products import get_variant_for_market  # noqa: F401  (contract used by checkout)
