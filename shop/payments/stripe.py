"""The one adapter to Stripe: PaymentIntents, their cancellation, refunds, webhook signatures
(and, for ``flask demo pay``, a test card's confirmation and the intent's events).

``StripeGateway`` implements ``shop.payments.gateway.PaymentGateway``.

Only this module imports ``stripe``. The real client is pointed at the configured
``STRIPE_API_BASE`` (the localstripe emulator in development and tests).

Stripe's currency rules live here and nowhere else: ``to_stripe_amount`` and ``from_stripe_amount``
are read only by this module; the payment and refund services compare ``amount_of`` an object
Stripe sent with our ``Money``, and checkout asks ``shop.catalog.charging.chargeable`` (the
``ChargeLimits`` this module provides):

====  =================  ===============================================================
KRW   zero-decimal       our minor units (Babel: 0 digits) are Stripe's amount
JPY   zero-decimal       same
VND   zero-decimal       same
TWD   two-decimal API,   Babel gives TWD 2 digits and Stripe's API takes cents, but Stripe
      whole-unit charge  charges (and pays out) whole dollars: the amount must be a multiple
                         of 100. Dari rounds every TWD price, shipping and tax to whole
                         dollars (``i18n.money.charge_unit``, used by shipping, duties and
                         seller price overrides) and refuses here, by the same
                         ``charge_unit``, a fractional TWD amount rather than let Stripe
                         round it.
USD…  two-decimal        minor units as they are
====  =================  ===============================================================

HUF and UGX have similar special cases and are not handled (no market uses them);
three-decimal currencies are refused. Stripe's ``amount`` has at most eight digits
(``MAX_AMOUNT``: US$999,999.99, ¥99,999,999); a larger amount is refused here too.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from flask import current_app

from i18n.money import Money, charge_unit, currency_digits

from .gateway import GatewayError, Intent, Refund


def stripe_lib():
    """The ``stripe`` package, imported on first use: with its HTTP stack it weighs ~30 MB, which a
    web process that only serves the storefront never needs."""
    import stripe

    return stripe

log = logging.getLogger(__name__)

# Stripe's zero-decimal currencies (amount in whole units).
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                          "VND", "VUV", "XAF", "XOF", "XPF"})
# The largest ``amount`` Stripe accepts (eight digits in the currency's smallest unit).
MAX_AMOUNT = 99_999_999


class StripeCurrencyError(ValueError):
    """An amount Stripe cannot charge in this currency (fractional TWD, 3-decimal currencies…)."""


class InvalidSignature(Exception):
    """A webhook whose signature (or payload) does not verify."""


def to_stripe_amount(money: Money) -> int:
    """Our ``Money`` as the integer ``amount`` Stripe expects for its currency."""
    digits = currency_digits(money.currency)
    if money.currency in ZERO_DECIMAL:
        unit = 10 ** digits
        if money.amount % unit:
            raise StripeCurrencyError(f"{money.currency} is charged in whole units")
        if money.amount // unit > MAX_AMOUNT:
            raise StripeCurrencyError(f"{money.currency}: more than Stripe's maximum amount {MAX_AMOUNT}")
        return money.amount // unit
    if digits != 2:
        raise StripeCurrencyError(f"{money.currency}: {digits}-digit currencies are not supported")
    unit = charge_unit(money.currency)  # TWD: 100 (whole dollars); two-decimal API, whole-unit charges
    if money.amount % unit:
        raise StripeCurrencyError(f"{money.currency} is charged in whole units (multiple of {unit})")
    if money.amount > MAX_AMOUNT:
        raise StripeCurrencyError(f"{money.currency}: more than Stripe's maximum amount {MAX_AMOUNT}")
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


def amount_of(obj: dict, currency: str | None = None) -> Money | None:
    """The amount of a Stripe object as our ``Money``: an intent's amount received (else its amount),
    a refund's amount; in the object's currency, else ``currency`` (a refund inside a charge may not
    repeat it). None when the amount cannot be read as one of ours."""
    amount = obj.get("amount_received") if obj.get("object") == "payment_intent" else None
    amount = amount or obj.get("amount")
    code = obj.get("currency") or currency
    if not _is_int(amount) or not isinstance(code, str):
        return None
    try:
        return from_stripe_amount(amount, code)
    except (StripeCurrencyError, ValueError):
        return None


def max_charge(currency: str) -> Money:
    """The largest amount one payment can charge in ``currency`` (a multiple of its charge unit).

    Raises ``StripeCurrencyError`` for a currency Stripe is not used with (three-decimal).
    """
    largest = from_stripe_amount(MAX_AMOUNT, currency)
    unit = charge_unit(largest.currency)
    return Money(largest.amount - largest.amount % unit, largest.currency)


class StripeChargeLimits:
    """``shop.catalog.charging.ChargeLimits``: Stripe's eight-digit maximum, per currency."""

    def max_charge(self, currency: str) -> Money | None:
        try:
            return max_charge(currency)
        except StripeCurrencyError:
            return None


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
    """``PaymentGateway`` through the real ``stripe`` client, for one secret key and API base."""

    def __init__(self, secret_key: str, *, api_base: str | None = None, timeout: int = 20):
        self.secret_key = secret_key
        kwargs = {"max_network_retries": 2,
                  "http_client": stripe_lib().RequestsClient(timeout=timeout)
                  if hasattr(stripe_lib(), "RequestsClient") else None}
        if api_base:
            kwargs["base_addresses"] = {"api": api_base.rstrip("/")}
        self.client = stripe_lib().StripeClient(secret_key, **{k: v for k, v in kwargs.items() if v is not None})

    def enabled(self) -> bool:
        return True

    def create_intent(self, *, amount: Money, idempotency_key: str, metadata: dict) -> Intent:
        """A card PaymentIntent for ``amount``; the same ``idempotency_key`` returns the same intent."""
        params = {"amount": to_stripe_amount(amount), "currency": amount.currency.lower(),
                  "payment_method_types": ["card"], "metadata": {k: str(v) for k, v in metadata.items()}}
        try:
            obj = self.client.v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return _intent(obj)

    def retrieve(self, intent_id: str) -> Intent:
        try:
            return _intent(self.client.v1.payment_intents.retrieve(intent_id))
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def cancel(self, intent_id: str) -> Intent:
        """Cancel the intent if it still can be; returns its state either way (``succeeded`` stays)."""
        try:
            current = self.retrieve(intent_id)
            if current.status in ("canceled", "succeeded", "processing"):
                return current
            return _intent(self.client.v1.payment_intents.cancel(intent_id))
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def refund(self, intent_id: str, *, amount: Money, idempotency_key: str) -> Refund:
        """Refund ``amount`` of the intent's charge (partial refunds allowed); once per key.

        The key goes to Stripe as the idempotency key and into the refund's metadata
        (``dari_refund``); a refund already made under the key is returned instead of a new
        one, so a retry after Stripe's 24-hour key expiry (or against a provider that ignores
        the header, such as localstripe) still refunds once.
        """
        if amount.amount <= 0:
            raise StripeCurrencyError("a refund must be positive")
        wanted = to_stripe_amount(amount)
        try:
            existing = self._refund_made_under(intent_id, idempotency_key)
            if existing is None:
                params = {"payment_intent": intent_id, "amount": wanted, "metadata": {"dari_refund": idempotency_key}}
                existing = self.client.v1.refunds.create(params=params,
                                                         options={"idempotency_key": idempotency_key})
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc
        data = existing.to_dict() if hasattr(existing, "to_dict") else dict(existing)
        if not _is_int(data.get("amount")) or not isinstance(data.get("id"), str):
            raise GatewayError("Stripe answered a refund without an id or an integer amount")
        refunded = from_stripe_amount(int(data["amount"]), str(data.get("currency") or amount.currency))
        if refunded != amount:
            raise GatewayError(f"Stripe refunded {refunded}, not {amount}")
        return Refund(id=data["id"], intent_id=intent_id, amount=refunded, status=str(data.get("status") or ""))

    def confirm_with_test_card(self, intent_id: str, payment_method: str) -> Intent:
        """Confirm the intent with one of Stripe's test PaymentMethods (``pm_card_visa``), as Stripe.js would.

        For demos only: refused (``GatewayError``) unless the key is a test key. The card is
        attached first and the intent then confirmed without one, because localstripe does
        not implement ``confirm`` with a ``payment_method``; Stripe's test mode takes both.
        """
        if not self.secret_key.startswith("sk_test_"):
            raise GatewayError("test cards are used only with a test key (sk_test_…)")
        try:
            self.client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
            return _intent(self.client.v1.payment_intents.confirm(intent_id))
        except stripe_lib().CardError:
            return self.retrieve(intent_id)  # declined: the intent says so, its event says why
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def intent_events(self, intent_id: str, types: tuple[str, ...]) -> list[WebhookEvent]:
        """The provider's events of ``types`` about the intent, oldest first: what its webhook delivers."""
        found = []
        try:
            for event_type in types:
                for event in self.client.v1.events.list(params={"type": event_type, "limit": 100}).auto_paging_iter():
                    data = json.loads(str(event))
                    if (data.get("data") or {}).get("object", {}).get("id") == intent_id:
                        found.append(_check_event(data))
        except stripe_lib().StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return sorted(found, key=lambda event: (event.created, event.id))

    def _refund_made_under(self, intent_id: str, key: str):
        listed = self.client.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
        for refund in listed.auto_paging_iter():
            data = refund.to_dict() if hasattr(refund, "to_dict") else dict(refund)
            if (data.get("metadata") or {}).get("dari_refund") == key:
                return data
        return None


class ConfiguredStripe:
    """The ``PaymentGateway`` the app registers: a ``StripeGateway`` for the current ``STRIPE_*`` settings.

    Read at each call, so the configuration can change (tests point it at localstripe);
    ``enabled()`` is False without ``STRIPE_SECRET_KEY``, and every other method then
    raises ``GatewayError``.
    """

    def __init__(self):
        self._gateways: dict[tuple, StripeGateway] = {}

    def _gateway(self) -> StripeGateway:
        config = current_app.config
        key = (config.get("STRIPE_SECRET_KEY"), config.get("STRIPE_API_BASE"))
        if not key[0]:
            raise GatewayError("Stripe is not configured (STRIPE_SECRET_KEY)")
        if key not in self._gateways:
            self._gateways[key] = StripeGateway(key[0], api_base=key[1])
        return self._gateways[key]

    def enabled(self) -> bool:
        return bool(current_app.config.get("STRIPE_SECRET_KEY"))

    def create_intent(self, *, amount: Money, idempotency_key: str, metadata: dict) -> Intent:
        return self._gateway().create_intent(amount=amount, idempotency_key=idempotency_key, metadata=metadata)

    def retrieve(self, intent_id: str) -> Intent:
        return self._gateway().retrieve(intent_id)

    def cancel(self, intent_id: str) -> Intent:
        return self._gateway().cancel(intent_id)

    def refund(self, intent_id: str, *, amount: Money, idempotency_key: str) -> Refund:
        return self._gateway().refund(intent_id, amount=amount, idempotency_key=idempotency_key)

    def confirm_with_test_card(self, intent_id: str, payment_method: str) -> Intent:
        return self._gateway().confirm_with_test_card(intent_id, payment_method)

    def intent_events(self, intent_id: str, types: tuple[str, ...]) -> list[WebhookEvent]:
        return self._gateway().intent_events(intent_id, types)


class MalformedEvent(ValueError):
    """A correctly signed webhook whose payload is not an event Dari can read (wrong types, missing parts)."""


# Longest id Dari stores (``stripe_events.id``, ``payments.intent_id``: 100 characters).
_MAX_ID = 100


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_event(data) -> WebhookEvent:
    """The event of a verified payload, after checking the type of every member Dari reads."""
    if not isinstance(data, dict):
        raise MalformedEvent("the event is not a JSON object")
    event_id, event_type, created = data.get("id"), data.get("type"), data.get("created")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= _MAX_ID:
        raise MalformedEvent("id: a string of 1 to 100 characters")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 100:
        raise MalformedEvent("type: a string of 1 to 100 characters")
    if not _is_int(created) or created < 0:
        raise MalformedEvent("created: a non-negative integer")
    body = data.get("data")
    obj = body.get("object") if isinstance(body, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object: an object")
    if "id" in obj and not isinstance(obj["id"], str):
        raise MalformedEvent("data.object.id: a string")
    if obj.get("object") == "payment_intent":
        # What the payment services read: the intent id, its amounts, currency, metadata, last error.
        if not isinstance(obj.get("id"), str) or not 0 < len(obj["id"]) <= _MAX_ID:
            raise MalformedEvent("data.object.id: a string of 1 to 100 characters")
        if not isinstance(obj.get("currency"), str) or not 0 < len(obj["currency"]) <= 10:
            raise MalformedEvent("data.object.currency: a currency code")
        if not _is_int(obj.get("amount")):
            raise MalformedEvent("data.object.amount: an integer")
        if obj.get("amount_received") is not None and not _is_int(obj["amount_received"]):
            raise MalformedEvent("data.object.amount_received: an integer")
        if obj.get("metadata") is not None and not isinstance(obj["metadata"], dict):
            raise MalformedEvent("data.object.metadata: an object")
        # Why an attempt failed (payment_intent.payment_failed): the codes and message Dari keeps.
        error = obj.get("last_payment_error")
        if error is not None:
            if not isinstance(error, dict):
                raise MalformedEvent("data.object.last_payment_error: an object")
            for member in ("code", "decline_code", "message"):
                if error.get(member) is not None and not isinstance(error[member], str):
                    raise MalformedEvent(f"data.object.last_payment_error.{member}: a string")
    if obj.get("object") == "refund":
        _check_refund(obj, "data.object")
    if obj.get("object") == "charge" and obj.get("refunds") is not None:
        refunds = obj["refunds"].get("data") if isinstance(obj["refunds"], dict) else None
        if not isinstance(refunds, list):
            raise MalformedEvent("data.object.refunds.data: a list")
        for index, refund in enumerate(refunds):
            _check_refund(refund, f"data.object.refunds.data[{index}]")
    return WebhookEvent(id=event_id, type=event_type, created=created, object=obj)


def _check_refund(obj, where: str) -> None:
    """What the refund services read of a refund object: its id, amount, status, metadata."""
    if not isinstance(obj, dict):
        raise MalformedEvent(f"{where}: an object")
    if not isinstance(obj.get("id"), str) or not 0 < len(obj["id"]) <= _MAX_ID:
        raise MalformedEvent(f"{where}.id: a string of 1 to 100 characters")
    if not _is_int(obj.get("amount")):
        raise MalformedEvent(f"{where}.amount: an integer")
    if not isinstance(obj.get("status"), str):
        raise MalformedEvent(f"{where}.status: a string")
    if obj.get("metadata") is not None and not isinstance(obj["metadata"], dict):
        raise MalformedEvent(f"{where}.metadata: an object")


def verify_webhook(payload: bytes, signature: str | None, secret: str) -> WebhookEvent:
    """The event of a webhook request.

    The signature is verified with Stripe's own helper (``InvalidSignature`` when it does
    not verify); then the payload is read and its members type-checked (``MalformedEvent``
    for a signed payload that is not a readable event, e.g. ``created`` not an integer).
    """
    if not signature:
        raise InvalidSignature("missing Stripe-Signature")
    try:
        stripe_lib().WebhookSignature.verify_header(payload, signature, secret,
                                                  tolerance=stripe_lib().Webhook.DEFAULT_TOLERANCE)
    except (stripe_lib().SignatureVerificationError, ValueError, IndexError, TypeError) as exc:
        raise InvalidSignature(str(exc)) from exc
    try:
        data = json.loads(payload)
    except ValueError as exc:  # also UnicodeDecodeError
        raise MalformedEvent(f"not JSON: {exc}") from exc
    return _check_event(data)
