"""Shipping rates and landed cost (duties, taxes) for the store's quotes.

``init_app`` provides the store's ``ShippingQuoter`` seam (``shop.checkout.shipping.SHIPPING``).
"""
from __future__ import annotations

MESSAGE_DOMAIN = "checkout"


def init_app(app) -> None:
    from i18n.web import add_domain
    from shop.checkout.shipping import SHIPPING

    from .service import ShippingService

    add_domain(app, MESSAGE_DOMAIN)
    SHIPPING.provide(app, ShippingService())
