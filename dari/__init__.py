"""Dari's app factory (``app.create_app``), above everything it assembles: the layers run
``i18n ← shop.core ← the store's packages ← fulfillment ← returns ← dari``."""
