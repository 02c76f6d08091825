from flask_babel import lazy_gettext as _l

from shop.core.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable


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


class NothingToRefund(Conflict):
    code = "payment_not_refundable"
    title = _l("This order has no captured payment to refund.")


class RefundExceedsBalance(Conflict):
    code = "refund_exceeds_balance"
    title = _l("The refund is more than what is left to refund on this payment.")
    detail = _l("At most %(available)s can still be refunded.")

    def __init__(self, *, requested, available):
        super().__init__(available=str(available))
        self.requested, self.available = requested, available

    def extra(self) -> dict:
        return {"requested_minor": self.requested.amount, "available_minor": self.available.amount,
                "currency": self.available.currency}


class InvalidRefundAmount(InvalidInput):
    code = "invalid_refund_amount"
    title = _l("The refund amount is not valid.")

    def __init__(self):
        super().__init__(errors={"amount_minor": [_l("A refund must be a positive whole amount.")]})


class RefundAlreadyRequested(Conflict):
    """A refund for this purpose (a return case) is pending or done: it is paid once."""

    code = "refund_already_requested"
    title = _l("This has already been refunded, or its refund is being paid.")

