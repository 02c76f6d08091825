"""Errors of the return services; each renders as a problem document with its ``code``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, InvalidInput, NotFound


class ReturnNotFound(NotFound):
    """The case does not exist, or is not the caller's to see (never say which)."""

    code = "return_not_found"
    title = _l("This return does not exist.")


class OrderNotReturnable(Conflict):
    code = "order_not_returnable"
    title = _l("Nothing of this order has been delivered, so nothing can be returned yet.")


class OrderCanceled(Conflict):
    code = "order_canceled"
    title = _l("This order was canceled: there is nothing to return.")


class UnknownOrderLine(InvalidInput):
    code = "unknown_order_line"
    title = _l("A line of the request is not a line of this order.")

    def __init__(self, line_id: str):
        super().__init__(errors={"lines": [_l("%(line)s is not a line of this order.", line=line_id)]})


class QuantityAboveDelivered(InvalidInput):
    code = "return_quantity_above_delivered"
    title = _l("You cannot return more units than were delivered and are not already being returned.")

    def __init__(self, line_id: str, available: int):
        super().__init__(errors={"lines": [_l("At most %(available)s of %(line)s can be returned.",
                                              available=available, line=line_id)]})
        self.line_id, self.available = line_id, available

    def extra(self) -> dict:
        return {"order_line_id": self.line_id, "available": self.available}


class InvalidReturnTransition(Conflict):
    code = "invalid_return_transition"
    title = _l("The return cannot make this change in its current state.")
    detail = _l("Its status is %(current)s.")


class InvalidCount(InvalidInput):
    code = "invalid_return_count"
    title = _l("The counted quantities do not fit the return.")

    def __init__(self, message):
        super().__init__(errors={"lines": [message]})


class RefundWithoutReturnNotAllowed(Conflict):
    code = "refund_without_return_not_allowed"
    title = _l("These goods are worth more than the limit for a refund without return.")
    detail = _l("The limit for this market is %(limit)s.")


class RemedyNotOffered(Conflict):
    code = "remedy_not_offered"
    title = _l("This remedy is not one the decision offers.")


class NoReturnDestination(Conflict):
    code = "no_return_destination"
    title = _l("No warehouse or seller address accepts returns for this order.")


class DatesOutOfOrder(InvalidInput):
    code = "dates_out_of_order"
    title = _l("The dates given are not in order.")

    def __init__(self, field: str):
        super().__init__(errors={field: [_l("Must not be before the delivery.")]})


class InvalidExchange(InvalidInput):
    code = "invalid_exchange"
    title = _l("This item cannot be exchanged for the variant asked for.")

    def __init__(self, line_id: str):
        super().__init__(errors={"lines": [_l("%(line)s can only be exchanged for another size or colour of the "
                                              "same product at the same price.", line=line_id)]})


class NotARepair(Conflict):
    code = "not_a_repair"
    title = _l("This claim is not being repaired.")


class RemedyOutOfOrder(Conflict):
    """The market's law orders the remedies: a later one only once the earlier ones are impossible."""

    code = "remedy_out_of_order"
    title = _l("The law of this market puts a replacement first: refund only if a replacement is impossible.")


class NoShipBackWarehouse(Conflict):
    code = "no_ship_back_warehouse"
    title = _l("No warehouse can send the repaired item back for this order.")


class RepairPartnerNotFound(NotFound):
    """The partner does not exist or is another seller's (never say which)."""

    code = "repair_partner_not_found"
    title = _l("This repair partner does not exist.")


class ReturnLabelBuyerPays(Conflict):
    """A prepaid label is only for a return the seller or the mall pays."""

    code = "return_label_buyer_pays"
    title = _l("The buyer pays this return's shipping, so it gets no prepaid label.")


class ReturnLabelExists(Conflict):
    code = "return_label_exists"
    title = _l("This return already has a label.")


class ReturnLabelNotNow(Conflict):
    code = "return_label_not_now"
    title = _l("A label can only be issued for an approved return that has not been sent yet.")


class ReturnLabelNotFound(NotFound):
    code = "return_label_not_found"
    title = _l("This return has no label.")


class ReturnLabelCarrierUnsupported(Conflict):
    """The configured carrier books labels through its API, which needs a job (not built yet)."""

    code = "return_label_carrier_unsupported"
    title = _l("This carrier's return labels cannot be issued here yet.")
