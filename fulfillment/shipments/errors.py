"""Errors of the shipment services; each renders as a problem document with its ``code``."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, InvalidInput, NotFound, Unauthorized


class ShipmentNotFound(NotFound):
    """The shipment does not exist, or is not the caller's to see (never say which)."""

    code = "shipment_not_found"
    title = _l("This shipment does not exist.")


class InvalidShipmentTransition(Conflict):
    code = "invalid_shipment_transition"
    title = _l("The shipment cannot make this change in its current state.")
    detail = _l("Its status is %(current)s.")


class TrackingNumberRequired(InvalidInput):
    code = "tracking_number_required"
    title = _l("This carrier needs the tracking number from its label.")

    def __init__(self):
        super().__init__(errors={"tracking_number": [_l("Enter the tracking number printed on the label.")]})


class InvalidTrackingNumber(InvalidInput):
    code = "invalid_tracking_number"
    title = _l("This is not a tracking number of the carrier.")

    def __init__(self, carrier: str):
        super().__init__(errors={"tracking_number": [_l("Not a valid %(carrier)s tracking number.",
                                                        carrier=carrier)]})


class TrackingNumberTaken(Conflict):
    code = "tracking_number_taken"
    title = _l("Another shipment already has this tracking number.")


class NotYetShipped(Conflict):
    """Carrier events (other than the label) only apply once the parcel was handed over."""

    code = "shipment_not_handed_over"
    title = _l("The parcel has not been handed over to the carrier yet.")


class EventInFuture(InvalidInput):
    code = "event_in_future"
    title = _l("A tracking event cannot happen in the future.")

    def __init__(self):
        super().__init__(errors={"occurred_at": [_l("Give a time that has passed.")]})


class EventBeforeHandOver(InvalidInput):
    """An event (other than the label) dated before the parcel was handed over, beyond the clock skew."""

    code = "event_before_handover"
    title = _l("A tracking event cannot happen before the parcel was handed over to the carrier.")

    def __init__(self, handed_over_at: datetime):
        super().__init__(errors={"occurred_at": [_l("Give a time at or after the hand-over.")]})
        self.handed_over_at = handed_over_at

    def extra(self) -> dict:
        return {"handed_over_at": self.handed_over_at.isoformat()}


class NothingToReship(Conflict):
    code = "nothing_to_reship"
    title = _l("Only a canceled shipment of a paid order that was not re-shipped yet can be re-shipped.")


class UnknownTrackingSource(NotFound):
    code = "unknown_tracking_source"
    title = _l("No tracking webhook is configured under this name.")


class BadWebhookSignature(Unauthorized):
    code = "bad_webhook_signature"
    title = _l("The webhook signature is missing or wrong.")


class InvalidWebhookPayload(DomainError):
    code = "invalid_webhook_payload"
    status = 422
    title = _l("The webhook payload cannot be read.")


class UnknownTrackingNumber(NotFound):
    code = "unknown_tracking_number"
    title = _l("No shipment has this tracking number.")


class CustomsPapersIncomplete(Conflict):
    """The goods or parties lack what customs papers must state (an HS code, an address)."""

    code = "customs_papers_incomplete"
    title = _l("The customs papers cannot be made: some required data is missing or invalid.")
    detail = _l("Missing or invalid: %(field)s.")
