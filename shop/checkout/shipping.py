"""What checkout needs from shipping: the ``ShippingQuoter`` contract and the types it returns.

The store quotes carriers and landed cost without importing ``fulfillment``: the shipping
package registers an implementation as ``SHIPPING`` (``app.extensions["dari.shipping"]``)
and returns these dataclasses, which both sides share. Inputs are plain values: item
dicts (``weight_g``, ``length_mm``, ``width_mm``, ``height_mm``), Decimals and ``Money``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from i18n.money import Money
from shop.core.seams import Seam

NOW = "now"  # collected at checkout
ON_DELIVERY = "on_delivery"  # an estimate the buyer pays the carrier


@dataclass(frozen=True)
class ShippingOption:
    service: str
    carrier: str
    name: str
    zone: int
    amount: Money  # in the market currency
    amount_krw: int
    chargeable_weight_g: int
    volumetric_weight_g: int
    transit_days: tuple[int, int] | None


@dataclass(frozen=True)
class Charge:
    kind: str  # "duty" | "tax"
    code: str  # "duty_ad_valorem", "duty_flat_item_category", a surcharge code, "tax"
    amount: Money
    collected: str  # NOW | ON_DELIVERY
    rate: str | None = None
    base: Money | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LandedCost:
    incoterm: str  # "DDP" | "DAP"
    scheme: str | None  # checkout tax scheme (IOSS, …) when it applied
    currency: str
    charges: tuple[Charge, ...]
    exemptions: tuple[str, ...]  # what de minimis exempted: "duty", "tax"

    def _sum(self, kind: str | None = None, collected: str | None = None) -> Money:
        total = Money.zero(self.currency)
        for charge in self.charges:
            if (kind is None or charge.kind == kind) and (collected is None or charge.collected == collected):
                total = total + charge.amount
        return total

    @property
    def duties(self) -> Money:
        return self._sum("duty")

    @property
    def taxes(self) -> Money:
        return self._sum("tax")

    @property
    def due_now(self) -> Money:
        return self._sum(collected=NOW)

    @property
    def due_on_delivery(self) -> Money:
        return self._sum(collected=ON_DELIVERY)


@runtime_checkable
class ShippingQuoter(Protocol):
    def options(self, *, country: str, items: list[tuple[dict, int]], currency: str,
                fx_rate: Decimal) -> list[ShippingOption]:
        """Services that carry these ``(item dict, quantity)`` to ``country``, cheapest first."""

    def refusals(self, *, country: str, items: list[tuple[dict, int]]) -> dict[str, str]:
        """Why each service that is not offered is refused (``{"kpacket": "too_heavy"}``)."""

    def landed_cost(self, *, market: str, currency: str, rules: dict, country: str, subdivision: str | None,
                    goods: list[dict], shipping: Money, today: date) -> LandedCost:
        """Duties and taxes; ``goods`` are dicts ``{"value_minor", "quantity", "hs_code"}``."""


SHIPPING: Seam[ShippingQuoter] = Seam("dari.shipping", ShippingQuoter,
                                      "quotes carriers, duties and taxes for carts")
