"""Why a card payment failed, in the buyer's language.

Stripe's ``last_payment_error`` carries a ``decline_code`` (``insufficient_funds`` …) or a
``code`` (``card_declined``, ``expired_card`` …) and an English ``message``. Buyers see a
translated sentence chosen by the code, never Stripe's message (kept on the ``Payment``
for ops). As Stripe advises, a card reported lost or stolen reads as a plain decline, so
that the one holding it learns nothing more.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Payment

_DECLINED = _l("Your card was declined. Use another card, or contact your card issuer.")
_RETRY_LATER = _l("Your card could not be charged right now. Try again in a few minutes, or use another card.")
FALLBACK = _l("The payment did not go through. Try again, or use another card.")

MESSAGES = {
    "card_declined": _DECLINED,
    "generic_decline": _DECLINED,
    "do_not_honor": _DECLINED,
    "lost_card": _DECLINED,
    "stolen_card": _DECLINED,
    "insufficient_funds": _l("Your card has insufficient funds. Use another card."),
    "expired_card": _l("Your card has expired. Use another card."),
    "incorrect_cvc": _l("The card's security code is incorrect. Check it and try again."),
    "incorrect_number": _l("The card number is incorrect. Check it and try again."),
    "processing_error": _l("An error occurred while processing your card. Try again in a few minutes."),
    "authentication_required": _l("Your card issuer asks you to confirm this payment. "
                                  "Try again and complete the verification."),
    "try_again_later": _RETRY_LATER,
}


def failure_text(code: str | None) -> str:
    """The translated sentence for a Stripe decline or error code (any other code: ``FALLBACK``)."""
    return str(MESSAGES.get(code or "", FALLBACK))


def failure_view(payment: Payment) -> dict | None:
    """``{"code", "message"}`` of the payment's last failure, or None (no failure, or it succeeded since)."""
    if payment.failed_at is None or payment.status == "succeeded":
        return None
    return {"code": payment.failure_code, "message": failure_text(payment.failure_code)}
