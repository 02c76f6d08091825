"""Carrier rate tables (``data/carriers.json``): which services reach a country and at what price.

A parcel is priced per service by zone and *chargeable* weight: the greater of its actual
weight and its volumetric weight (L×W×H in mm ÷ the service's divisor = grams, capped
where the service caps it). A parcel over a service's weight or size limits, or bound for
a country missing from the service's zones, does not get that service.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from i18n.money import BASE_CURRENCY

DATA_FILE = Path(__file__).parent / "data" / "carriers.json"


@dataclass(frozen=True)
class Item:
    """One unit's shipping data as sold (grams, millimetres)."""

    weight_g: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0


@dataclass(frozen=True)
class Parcel:
    """A packed parcel: actual weight and outer box dimensions (mm)."""

    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int

    @property
    def sides_desc(self) -> tuple[int, int, int]:
        a, b, c = sorted((self.length_mm, self.width_mm, self.height_mm), reverse=True)
        return a, b, c

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


def _block(item: Item, quantity: int) -> tuple[int, int, int]:
    """The box of ``quantity`` identical units laid out in a grid, sides descending.

    Of the grids that hold them (nx × ny × nz ≥ quantity) the one with the shortest
    longest side wins, then the smallest sum of sides: carriers limit both.
    """
    a, b, c = sorted((item.length_mm or 0, item.width_mm or 0, item.height_mm or 0), reverse=True)
    best = None
    for nx in range(1, quantity + 1):
        for ny in range(1, quantity // nx + 2):
            nz = -(-quantity // (nx * ny))
            sides = tuple(sorted((a * nx, b * ny, c * nz), reverse=True))
            key = (sides[0], sum(sides))
            if best is None or key < best[0]:
                best = (key, sides)
            if nx * ny >= quantity:
                break
    return best[1]


def pack(items: list[tuple[Item, int]]) -> Parcel:
    """One consolidated parcel for ``(item, quantity)`` pairs.

    Packing is deliberately simple and conservative: the units of each item form a
    compact grid block, and the blocks are stacked on their smallest side, so the box
    is as long and wide as the largest block and as high as the blocks' heights added
    up. Weights add up.
    """
    weight = length = width = height = 0
    for item, quantity in items:
        if quantity <= 0:
            continue
        weight += item.weight_g * quantity
        a, b, c = _block(item, quantity)
        length = max(length, a)
        width = max(width, b)
        height += c
    return Parcel(weight_g=weight, length_mm=length, width_mm=width, height_mm=height)


@dataclass(frozen=True)
class RateQuote:
    """One service's price for a parcel to a country, in KRW (the tables' currency)."""

    service: str
    carrier: str
    name: str
    zone: int
    chargeable_weight_g: int
    volumetric_weight_g: int
    amount_krw: int
    transit_days: tuple[int, int] | None


@lru_cache(maxsize=1)
def load_table() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("currency") != BASE_CURRENCY:
        raise ValueError(f"carrier tables must be in {BASE_CURRENCY}")
    for service in data["services"]:
        service["rates"] = sorted(service["rates"], key=lambda r: (r["zone"], r["up_to_g"]))
    return data


def services() -> list[dict]:
    return load_table()["services"]


def get_service(code: str) -> dict | None:
    return next((s for s in services() if s["code"] == code), None)


def volumetric_weight_g(service: dict, parcel: Parcel) -> int:
    divisor = service.get("volumetric_divisor")
    if not divisor:
        return 0
    # L×W×H (mm³) ÷ divisor is grams: (cm³ ÷ divisor = kg) × 1000 / 1000. Round up: carriers do.
    grams = -(-parcel.volume_mm3 // int(divisor))
    cap = service.get("volumetric_cap_g")
    return min(grams, cap) if cap else grams


def chargeable_weight_g(service: dict, parcel: Parcel) -> int:
    return max(parcel.weight_g, volumetric_weight_g(service, parcel))


def refusal(service: dict, country: str, parcel: Parcel) -> str | None:
    """Why ``service`` cannot carry ``parcel`` to ``country`` (a stable code), or None."""
    if country not in service["zones"]:
        return "country_not_served"
    max_weight = (service.get("max_weight_g_overrides") or {}).get(country, service.get("max_weight_g"))
    if max_weight and parcel.weight_g > max_weight:
        return "too_heavy"
    longest, middle, shortest = parcel.sides_desc
    if service.get("max_longest_side_mm") and longest > service["max_longest_side_mm"]:
        return "too_long"
    if service.get("max_sum_of_sides_mm") and longest + middle + shortest > service["max_sum_of_sides_mm"]:
        return "too_large"
    if (service.get("max_length_plus_girth_mm")
            and longest + 2 * (middle + shortest) > service["max_length_plus_girth_mm"]):
        return "too_large"
    if _row(service, service["zones"][country], chargeable_weight_g(service, parcel)) is None:
        return "too_heavy"
    return None


def _row(service: dict, zone: int, weight_g: int) -> dict | None:
    for row in service["rates"]:
        if row["zone"] == zone and row["up_to_g"] >= weight_g:
            return row
    return None


def quote_service(service: dict, country: str, parcel: Parcel) -> RateQuote | None:
    """The price of ``service`` for ``parcel`` to ``country``, or None when it is not offered."""
    if parcel.weight_g <= 0 or refusal(service, country, parcel):
        return None
    zone = service["zones"][country]
    chargeable = chargeable_weight_g(service, parcel)
    row = _row(service, zone, chargeable)
    transit = (service.get("transit_days") or {}).get(str(zone))
    return RateQuote(
        service=service["code"], carrier=service["carrier"], name=service["name"], zone=zone,
        chargeable_weight_g=chargeable, volumetric_weight_g=volumetric_weight_g(service, parcel),
        amount_krw=int(row["amount_minor"]), transit_days=tuple(transit) if transit else None,
    )


def quote_all(country: str, parcel: Parcel) -> list[RateQuote]:
    """Every service that carries ``parcel`` to ``country``, cheapest first."""
    country = country.upper()
    quotes = [q for s in services() if (q := quote_service(s, country, parcel)) is not None]
    return sorted(quotes, key=lambda q: (q.amount_krw, q.service))
