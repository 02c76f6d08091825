"""Errors of the inventory services; each renders as a problem document with its ``code``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, InvalidInput, NotFound
from shop.orders.inventory import StockShortage


class OutOfStock(StockShortage):
    """Not every requested line can be covered by available stock in the market.

    The store's ``StockShortage``: ``variant_ids`` lists the short variants; the problem
    document carries ``lines``: ``[{"variant_id", "requested", "available"}]``. Nothing was reserved.
    """

    code = "out_of_stock"
    status = 409
    title = _l("Not enough stock.")
    detail = _l("Some items are not available in the requested quantity in %(market)s.")

    def __init__(self, variant_ids: list[str], *, market: str, lines: list[dict] | None = None):
        super().__init__(lines if lines is not None else [{"variant_id": v} for v in variant_ids], market=market)
        self.variant_ids = list(variant_ids)


class InsufficientStock(Conflict):
    """A change would take on-hand stock below what is reserved, allocated or present."""

    code = "insufficient_stock"
    title = _l("There is not enough stock in this warehouse for this change.")
    detail = _l("On hand %(on_hand)s, reserved %(reserved)s, allocated %(allocated)s.")


class InvalidQuantity(InvalidInput):
    code = "invalid_quantity"
    title = _l("Quantities must be whole numbers greater than zero.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    title = _l("A reason is required for this stock change.")

    def __init__(self, field: str = "reason"):
        super().__init__(errors={field: [_l("Give a reason.")]})


class VariantNotFound(NotFound):
    """Variants that do not exist or belong to another seller (never say which).

    The problem document lists them as ``variant_ids``.
    """

    code = "variant_not_found"
    title = _l("This product variant does not exist.")

    def __init__(self, variant_ids: list[str] | None = None):
        super().__init__()
        self.variant_ids = list(variant_ids or [])

    def extra(self) -> dict:
        return {"variant_ids": self.variant_ids} if self.variant_ids else {}


class ReservationNotFound(NotFound):
    code = "reservation_not_found"
    title = _l("There is no stock reservation for this reference.")


class ReservationExpired(Conflict):
    """The reservation expired and (some of) its stock went to someone else."""

    code = "reservation_expired"
    title = _l("The stock reservation has expired.")


class ReservationClosed(Conflict):
    """The reservation was released (canceled) and cannot be allocated or shipped."""

    code = "reservation_closed"
    title = _l("The stock reservation has been released.")


class ReservationMismatch(Conflict):
    """The reference already has an open reservation for different lines or market."""

    code = "reservation_mismatch"
    title = _l("This reference already holds a different stock reservation.")


class InboundNotFound(NotFound):
    code = "inbound_not_found"
    title = _l("This inbound shipment does not exist.")


class InboundNotOpen(Conflict):
    code = "inbound_not_open"
    title = _l("This inbound shipment has already been received or canceled.")


class ReceiptMismatch(InvalidInput):
    """Counted lines differ from the announcement without a reason, or lines are missing."""

    code = "receipt_mismatch"
    title = _l("The counted lines do not match the announcement.")
