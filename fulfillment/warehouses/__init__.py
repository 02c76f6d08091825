"""Warehouses: a seller's own, the consolidation (bonded) warehouse in Korea, overseas centres."""
