"""Errors the catalog raises on purpose (stable codes; tests assert them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, unique_conflict


@unique_conflict("product_variants", "seller_id", "sku")
class SkuTaken(Conflict):
    """Another variant of the same seller already uses this SKU."""

    code = "sku_taken"
    title = _l("This SKU is already used by another of your variants.")
    detail = _l("The SKU %(sku)s is already in use.")


@unique_conflict("products", "slug")
@unique_conflict("collections", "slug")
class SlugTaken(Conflict):
    code = "slug_taken"
    title = _l("This product address (slug) is already taken.")


class InvalidCertificateTransition(Conflict):
    code = "invalid_certificate_transition"
    title = _l("The certificate cannot change to this status.")


class PriceUnavailable(DomainError):
    """No override and no exchange rate for the market currency: the price is unknown."""

    code = "price_unavailable"
    status = 409
    title = _l("No price is available in this market.")
    detail = _l("There is no exchange rate for %(currency)s.")


class NotPurchasable(DomainError):
    """The variant cannot be bought in this market; ``reasons`` says why, in words."""

    code = "not_purchasable"
    status = 409
    title = _l("This item cannot be bought in this market.")

    def __init__(self, reasons, **kwargs):
        super().__init__(**kwargs)
        self.reasons = list(reasons)

    def render_detail(self):
        return "; ".join(reason.text for reason in self.reasons) or None

    def extra(self) -> dict:
        return {"reasons": [reason.to_dict() for reason in self.reasons]}


class RatesSourceFailed(DomainError):
    code = "rates_source_failed"
    status = 502
    title = _l("The exchange-rate source could not be read.")
