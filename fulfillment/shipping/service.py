"""The store's ``ShippingQuoter`` (``shop.checkout.shipping``), registered as ``SHIPPING``.

The store (``shop``) must not import ``fulfillment``; it passes plain values (dicts,
ints, Decimals) and gets the contract's dataclasses back.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from i18n.money import Money, from_base
from shop.checkout.shipping import LandedCost, ShippingOption

from . import duties, rates


def convert_krw(amount_krw: int, currency: str, fx_rate: Decimal) -> Money:
    """KRW → ``currency`` at ``fx_rate`` (``i18n.money.from_base``), rounded half-up to the charge unit."""
    return duties.money(from_base(amount_krw, currency, fx_rate), currency)


def _item(data: dict) -> rates.Item:
    return rates.Item(weight_g=int(data.get("weight_g") or 0), length_mm=int(data.get("length_mm") or 0),
                      width_mm=int(data.get("width_mm") or 0), height_mm=int(data.get("height_mm") or 0))


class ShippingService:
    """Rates from the carrier tables and duties/taxes from the market rules."""

    def pack(self, items: list[tuple[dict, int]]) -> rates.Parcel:
        return rates.pack([(_item(data), quantity) for data, quantity in items])

    def options(self, *, country: str, items: list[tuple[dict, int]], currency: str,
                fx_rate: Decimal) -> list[ShippingOption]:
        """Services that carry these ``(item dict, quantity)`` to ``country``, cheapest first."""
        parcel = self.pack(items)
        return [
            ShippingOption(
                service=q.service, carrier=q.carrier, name=q.name, zone=q.zone,
                amount=convert_krw(q.amount_krw, currency, fx_rate), amount_krw=q.amount_krw,
                chargeable_weight_g=q.chargeable_weight_g, volumetric_weight_g=q.volumetric_weight_g,
                transit_days=q.transit_days,
            )
            for q in rates.quote_all(country, parcel)
        ]

    def refusals(self, *, country: str, items: list[tuple[dict, int]]) -> dict[str, str]:
        """Why each service that is not offered is refused (``{"kpacket": "too_heavy"}``)."""
        parcel = self.pack(items)
        return {s["code"]: reason for s in rates.services()
                if (reason := rates.refusal(s, country.upper(), parcel))}

    def landed_cost(self, *, market: str, currency: str, rules: dict, country: str, subdivision: str | None,
                    goods: list[dict], shipping: Money, today: date) -> LandedCost:
        """Duties and taxes; ``goods`` are dicts ``{"value_minor", "quantity", "hs_code"}``."""
        lines = [duties.Goods(value=Money(int(g["value_minor"]), currency), quantity=int(g["quantity"]),
                              hs_code=g.get("hs_code")) for g in goods]
        return duties.landed_cost(market=market, currency=currency, rules=rules, country=country,
                                  subdivision=subdivision, goods=lines, shipping=shipping, today=today)
