"""Shipping rates and landed cost (duties, taxes) for the store's quotes.

``init_app`` registers the service as ``app.extensions["dari.shipping"]``.
"""
from __future__ import annotations


def init_app(app) -> None:
    from .service import ShippingService

    app.extensions["dari.shipping"] = ShippingService()
