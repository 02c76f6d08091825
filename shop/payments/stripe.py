"""The one adapter to Stripe: PaymentIntents, their cancellation, webhook signatures.

Only this module imports ``stripe``. The real client is pointed at the configured
``STRIPE_API_BASE`` (the localstripe emulator in development and tests).

Stripe's currency rules live here and nowhere else (``to_stripe_amount``):

====  =================  ===============================================================
KRW   zero-decimal       our minor units (Babel: 0 digits) are Stripe's amount
JPY   zero-decimal       same
VND   zero-decimal       same
TWD   two-decimal API,   Babel gives TWD 2 digits and Stripe's API takes cents, but Stripe
      whole-unit charge  charges (and pays out) whole dollars: the amount must be a multiple
                         of 100. Dari rounds every TWD price, shipping and tax to whole
                         dollars (``fulfillment.shipping.duties.charge_unit``) and refuses
                         a fractional TWD amount here rather than let Stripe round it.
USD…  two-decimal        minor units as they are
====  =================  ===============================================================

HUF and UGX have similar special cases and are not handled (no market uses them);
three-decimal currencies are refused.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import stripe as stripe_lib

from i18n.money import Money, currency_digits

log = logging.getLogger(__name__)

# Stripe's zero-decimal currencies (amount in whole units).
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                          "VND", "VUV", "XAF", "XOF", "XPF"})
# Two-decimal in the API, but only whole units can be charged.
WHOLE_UNITS_ONLY = frozenset({"TWD"})


class StripeCurrencyError(ValueError):
    """An amount Stripe cannot charge in this currency (fractional TWD, 3-decimal currencies…)."""


class GatewayError(Exception):
    """Stripe (or the emulator) could not be reached or refused the request."""


class InvalidSignature(Exception):
    """A webhook whose signature (or payload) does not verify."""


def to_stripe_amount(money: Money) -> int:
    """Our ``Money`` as the integer ``amount`` Stripe expects for its currency."""
    digits = currency_digits(money.currency)
    if money.currency in ZERO_DECIMAL:
        unit = 10 ** digits
        if money.amount % unit:
            raise StripeCurrencyError(f"{money.currency} is charged in whole units")
        return money.amount // unit
    if digits != 2:
        raise StripeCurrencyError(f"{money.currency}: {digits}-digit currencies are not supported")
    if money.currency in WHOLE_UNITS_ONLY and money.amount % 100:
        raise StripeCurrencyError(f"{money.currency} is charged in whole units (multiple of 100)")
    return money.amount


def from_stripe_amount(amount: int, currency: str) -> Money:
    """Stripe's ``amount`` in ``currency`` (any case) as our ``Money``."""
    code = currency.upper()
    digits = currency_digits(code)
    if code in ZERO_DECIMAL:
        return Money(int(amount) * 10 ** digits, code)
    if digits != 2:
        raise StripeCurrencyError(f"{code}: {digits}-digit currencies are not supported")
    return Money(int(amount), code)


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str | None
    status: str
    amount: int
    currency: str  # upper case


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    object: dict


def _intent(obj) -> Intent:
    obj = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return Intent(id=obj["id"], client_secret=obj.get("client_secret"), status=obj["status"],
                  amount=int(obj["amount"]), currency=str(obj["currency"]).upper())


class StripeGateway:
    """PaymentIntents through the real ``stripe`` client."""

    def __init__(self, secret_key: str, *, api_base: str | None = None, timeout: int = 20):
        kwargs = {"max_network_retries": 2,
                  "http_client": stripe_lib.RequestsClient(timeout=timeout)
                  if hasattr(stripe_lib, "RequestsClient") else None}
        if api_base:
            kwargs["base_addresses"] = {"api": api_base.rstrip("/")}
        self.client = stripe_lib.StripeClient(secret_key, **{k: v for k, v in kwargs.items() if v is not None})

    def create_payment_intent(self, *, amount: Money, idempotency_key: str, metadata: dict) -> Intent:
        """A card PaymentIntent for ``amount``; the same ``idempotency_key`` returns the same intent."""
        params = {"amount": to_stripe_amount(amount), "currency": amount.currency.lower(),
                  "payment_method_types": ["card"], "metadata": {k: str(v) for k, v in metadata.items()}}
        try:
            obj = self.client.v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe_lib.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return _intent(obj)

    def retrieve_payment_intent(self, intent_id: str) -> Intent:
        try:
            return _intent(self.client.v1.payment_intents.retrieve(intent_id))
        except stripe_lib.StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def cancel_payment_intent(self, intent_id: str) -> Intent:
        """Cancel the intent if it still can be; returns its state either way (``succeeded`` stays)."""
        try:
            current = self.retrieve_payment_intent(intent_id)
            if current.status in ("canceled", "succeeded", "processing"):
                return current
            return _intent(self.client.v1.payment_intents.cancel(intent_id))
        except stripe_lib.StripeError as exc:
            raise GatewayError(str(exc)) from exc


def verify_webhook(payload: bytes, signature: str | None, secret: str) -> WebhookEvent:
    """The event of a webhook request, verified with Stripe's own helper; raises ``InvalidSignature``."""
    if not signature:
        raise InvalidSignature("missing Stripe-Signature")
    try:
        event = stripe_lib.Webhook.construct_event(payload, signature, secret)
    except (stripe_lib.SignatureVerificationError, ValueError) as exc:
        raise InvalidSignature(str(exc)) from exc
    data = json.loads(payload)
    obj = (data.get("data") or {}).get("object") or {}
    if not isinstance(obj, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
        raise InvalidSignature("malformed event")
    return WebhookEvent(id=event.id, type=data["type"], created=int(data.get("created") or 0), object=obj)
