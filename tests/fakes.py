"""Fakes of the seams' implementations, for tests that need no outside system or want to control one.

Each one satisfies the same contract as the real thing; ``tests/shop/test_contracts.py`` runs one
set of cases against both.
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from i18n.money import Money
from shop.checkout.shipping import LandedCost, ShippingOption
from shop.orders.inventory import StockShortage
from shop.payments.gateway import GatewayError, Intent, Refund

_ids = itertools.count(1)


@dataclass
class FakePayments:
    """``PaymentGateway`` in memory. ``down`` makes every call fail; ``hold`` makes ``cancel`` wait.

    ``calls`` records ``(method, in_transaction)``: whether the watched session (``watch``)
    had a transaction open when the provider was called.
    """

    down: bool = False
    hold: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    watch: object | None = None
    intents: dict = field(default_factory=dict)
    by_key: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)

    def _call(self, name: str) -> None:
        in_transaction = self.watch.in_transaction() if self.watch is not None else None
        self.calls.append((name, in_transaction))
        if self.down:
            raise GatewayError("fake provider down")

    def enabled(self) -> bool:
        return True

    def create_intent(self, *, amount: Money, idempotency_key: str, metadata: dict) -> Intent:
        self._call("create_intent")
        if idempotency_key not in self.by_key:
            intent_id = f"pi_fake{next(_ids)}"
            self.intents[intent_id] = Intent(id=intent_id, client_secret=f"{intent_id}_secret",
                                             status="requires_payment_method", amount=amount.amount,
                                             currency=amount.currency)
            self.by_key[idempotency_key] = intent_id
        return self.intents[self.by_key[idempotency_key]]

    def retrieve(self, intent_id: str) -> Intent:
        self._call("retrieve")
        if intent_id not in self.intents:
            raise GatewayError(f"no such intent {intent_id}")
        return self.intents[intent_id]

    def succeed(self, intent_id: str) -> Intent:
        """What a buyer confirming the card does (not part of the contract)."""
        intent = self.intents[intent_id]
        self.intents[intent_id] = Intent(intent.id, intent.client_secret, "succeeded", intent.amount, intent.currency)
        return self.intents[intent_id]

    def cancel(self, intent_id: str) -> Intent:
        self.entered.set()
        if self.hold is not None:
            self.hold.wait(30)
        intent = self.retrieve(intent_id)
        if intent.status in ("canceled", "succeeded", "processing"):
            return intent
        self.intents[intent_id] = Intent(intent.id, intent.client_secret, "canceled", intent.amount, intent.currency)
        return self.intents[intent_id]

    def refund(self, intent_id: str, *, amount: Money, idempotency_key: str) -> Refund:
        self._call("refund")
        intent = self.intents.get(intent_id)
        if intent is None or intent.status != "succeeded":
            raise GatewayError("cannot refund a payment that was not captured")
        if idempotency_key not in self.refunds:
            self.refunds[idempotency_key] = Refund(id=f"re_fake{next(_ids)}", intent_id=intent_id, amount=amount,
                                                   status="succeeded")
        return self.refunds[idempotency_key]


class FakeInventory:
    """``InventoryGateway`` over a dict of available units per (variant, market)."""

    def __init__(self, available: dict[tuple[str, str], int]):
        self.available = dict(available)
        self.holds: dict[str, dict] = {}

    def reserve(self, session, *, reference, market_code, lines, expires_at, actor=None):
        if reference in self.holds:
            return self.holds[reference]
        wanted: dict[str, int] = {}
        for variant_id, quantity in lines:
            wanted[variant_id] = wanted.get(variant_id, 0) + quantity
        short = [{"variant_id": v, "requested": q, "available": self.available.get((v, market_code), 0)}
                 for v, q in wanted.items() if self.available.get((v, market_code), 0) < q]
        if short:
            raise StockShortage(short)
        for variant_id, quantity in wanted.items():
            self.available[(variant_id, market_code)] -= quantity
        self.holds[reference] = {"market": market_code, "lines": wanted, "state": "active"}
        return self.holds[reference]

    def release(self, session, *, reference, reason, actor=None):
        hold = self.holds.get(reference)
        if hold is None or hold["state"] in ("released", "shipped"):
            return
        for variant_id, quantity in hold["lines"].items():
            self.available[(variant_id, hold["market"])] += quantity
        hold["state"] = "released"

    def allocate(self, session, *, reference, actor=None):
        from shop.core.errors import Conflict

        hold = self.holds.get(reference)
        if hold is None or hold["state"] != "active":
            raise Conflict()
        hold["state"] = "allocated"


class FakeShipping:
    """``ShippingQuoter`` with one flat-rate service and no duties or taxes."""

    def options(self, *, country, items, currency, fx_rate):
        weight = sum(int(data.get("weight_g") or 0) * quantity for data, quantity in items)
        return [ShippingOption(service="flat", carrier="fake", name="Flat rate", zone=1,
                               amount=Money(1000, currency), amount_krw=10000, chargeable_weight_g=weight,
                               volumetric_weight_g=0, transit_days=(3, 5))]

    def refusals(self, *, country, items):
        return {}

    def landed_cost(self, *, market, currency, rules, country, subdivision, goods, shipping, today):
        return LandedCost(incoterm="DAP", scheme=None, currency=currency, charges=(), exemptions=())
