from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, InvalidInput


class CartClosed(Conflict):
    """The cart has been checked out; its order carries on (``order_id``)."""

    code = "cart_checked_out"
    title = _l("This cart has already been checked out.")

    def __init__(self, order_id: str | None = None):
        super().__init__()
        self.order_id = order_id

    def extra(self) -> dict:
        return {"order_id": self.order_id} if self.order_id else {}


class NotPurchasableHere(DomainError):
    """An item cannot be bought in the cart's market; ``reasons`` (from the catalog) say why."""

    code = "not_purchasable"
    status = 422
    title = _l("This item cannot be bought in this market.")

    def __init__(self, reasons: list, *, variant_id: str | None = None, detail=None):
        super().__init__(detail)
        self.reasons = reasons
        self.variant_id = variant_id

    def render_detail(self):
        text = "; ".join(r.get("text", "") for r in self.reasons if r.get("text"))
        return text or super().render_detail()

    def extra(self) -> dict:
        return {"reasons": self.reasons, **({"variant_id": self.variant_id} if self.variant_id else {})}


class QuantityTooLarge(DomainError):
    code = "quantity_too_large"
    status = 422
    title = _l("The quantity is too large.")
    detail = _l("At most %(max)s units of one item fit in a cart.")


class InvalidAddress(DomainError):
    code = "invalid_address"
    status = 422
    title = _l("The shipping address is not valid.")


class CountryNotInMarket(DomainError):
    code = "country_not_in_market"
    status = 422
    title = _l("This cart's market does not deliver to that country.")
    detail = _l("Choose a country of the %(market)s market.")


class ShippingOptionUnavailable(DomainError):
    code = "shipping_option_unavailable"
    status = 422
    title = _l("This shipping option is not available for this parcel.")

    def __init__(self, service: str, reason: str | None = None):
        super().__init__()
        self.service = service
        self.reason = reason

    def extra(self) -> dict:
        return {"service": self.service, "reason": self.reason}


class CheckoutIncomplete(DomainError):
    """Something the order needs is missing; ``missing`` lists what (``email``, ``shipping_address`` …)."""

    code = "checkout_incomplete"
    status = 422
    title = _l("The cart is not ready for checkout.")
    detail = _l("Missing: %(missing)s.")

    def __init__(self, missing: list[str]):
        super().__init__(missing=", ".join(missing))
        self.missing = missing

    def extra(self) -> dict:
        return {"missing": self.missing}


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    status = 428
    title = _l("An Idempotency-Key header is required.")
    detail = _l("Send a unique Idempotency-Key (1 to 200 visible characters) with every checkout.")


class OutOfStock(Conflict):
    """Some lines cannot be covered by stock; ``lines`` names them. Nothing was reserved."""

    code = "out_of_stock"
    title = _l("Some items are out of stock.")

    def __init__(self, lines: list[dict]):
        super().__init__()
        self.lines = lines

    def extra(self) -> dict:
        return {"lines": self.lines}


class UnchargeableAmount(DomainError):
    code = "unchargeable_amount"
    status = 422
    title = _l("This amount cannot be charged in this currency.")


class TooManyPendingOrders(DomainError):
    """The buyer (by e-mail or client address) already has the most unpaid orders allowed (``max_pending``).

    ``retry_after`` is the number of seconds until the first of them expires.
    """

    code = "too_many_pending_orders"
    status = 429
    title = _l("Too many orders are waiting for payment.")
    detail = _l("Pay for an open order or wait until one expires. Unpaid orders allowed at a time: %(max)s.")

    def __init__(self, max_pending: int, retry_after: int | None = None):
        super().__init__(max=max_pending)
        self.max_pending = max_pending
        self.retry_after = retry_after

    def extra(self) -> dict:
        return {"max_pending": self.max_pending,
                **({"retry_after": self.retry_after} if self.retry_after is not None else {})}


class NothingToAcknowledge(InvalidInput):
    code = "nothing_to_acknowledge"
    title = _l("This line has nothing to acknowledge: it can be returned for a change of mind in this market.")
