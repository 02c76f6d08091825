"""What the store needs from a card payment provider: the ``PaymentGateway`` contract.

Checkout creates an intent, the expiry job cancels one, returns will refund. The Stripe
adapter (``shop.payments.stripe.StripeGateway``) is the implementation; the payments
package registers it as ``PAYMENTS`` (``app.extensions["dari.payments"]``), configured
from the app's ``STRIPE_*`` settings at each call. Tests swap in a fake through the same
seam. Every method talks to the outside world: never call one with a database
transaction open or a row locked (decide and commit, call, record in a new transaction).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from i18n.money import Money
from shop.core.seams import Seam


class GatewayError(Exception):
    """The provider could not be reached or refused the request (nothing is known to have changed)."""


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str | None
    status: str  # requires_payment_method, requires_confirmation, processing, succeeded, canceled …
    amount: int  # the provider's amount
    currency: str  # upper case


@dataclass(frozen=True)
class Refund:
    id: str
    intent_id: str
    amount: Money
    status: str  # pending, succeeded, failed, canceled


@runtime_checkable
class PaymentGateway(Protocol):
    def enabled(self) -> bool:
        """Whether card payments can be taken at all (credentials configured)."""

    def create_intent(self, *, amount: Money, idempotency_key: str, metadata: dict) -> Intent:
        """A card payment for ``amount``; the same ``idempotency_key`` returns the same intent."""

    def retrieve(self, intent_id: str) -> Intent:
        """The intent as the provider sees it now."""

    def cancel(self, intent_id: str) -> Intent:
        """Cancel the intent if it still can be; returns its state either way (``succeeded`` stays)."""

    def refund(self, intent_id: str, *, amount: Money, idempotency_key: str) -> Refund:
        """Give back ``amount`` of a captured payment; the same ``idempotency_key`` refunds once.

        The caller makes sure the sum refunded never exceeds what was captured (the provider
        may not: localstripe does not). Raises ``GatewayError``.
        """


PAYMENTS: Seam[PaymentGateway] = Seam("dari.payments", PaymentGateway,
                                      "creates, cancels and refunds card payments")
