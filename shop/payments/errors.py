from flask_babel import lazy_gettext as _l

from shop.errors import Conflict, DomainError, ServiceUnavailable


class PaymentsNotConfigured(ServiceUnavailable):
    code = "payments_not_configured"
    title = _l("Card payments are not available right now.")
    detail = _l("The payment provider is not configured on this server.")


class PaymentProviderUnavailable(ServiceUnavailable):
    code = "payment_provider_unavailable"
    title = _l("The payment provider could not be reached.")
    detail = _l("Nothing was charged. Retry with the same Idempotency-Key.")


class InvalidWebhook(DomainError):
    code = "invalid_webhook_signature"
    status = 400
    title = _l("The webhook signature is not valid.")


class InvalidWebhookPayload(DomainError):
    code = "invalid_webhook_payload"
    status = 400
    title = _l("The webhook payload is not a valid event.")


class OrderNotPayable(Conflict):
    """The order can no longer be paid: ``reason`` is ``paid`` (or later), ``canceled`` or ``expired``."""

    code = "order_not_payable"
    title = _l("This order can no longer be paid.")

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason

    def extra(self) -> dict:
        return {"reason": self.reason}
