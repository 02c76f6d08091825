"""Import duties and taxes on a consignment, from the market's rules (kept as data).

Inputs are plain values: the market's ``import_rules`` (the ``import`` block of
``shop/markets/data/markets.json``), the destination country and subdivision, the
goods (line values in the market currency with their HS codes), the shipping price
and the day. The rules, in order:

1. **De minimis** — goods value ≤ the threshold exempts what it ``covers`` (duty, tax).
2. **Collection at checkout** (EU IOSS ≤ €150, UK ≤ £135, AU ≤ A$1,000, SG OVR ≤ S$400):
   the seller charges the destination tax now, whatever de minimis says about tax at
   the border; the order is DDP.
3. Otherwise the order is **DDP** when the market offers prepaid duties
   (``ddp_available``), else **DAP**: the same amounts are an estimate payable on delivery.
4. **Duty** — EU interim flat duty per item category (distinct HS-6) while in force for
   consignments up to its ceiling; China's cross-border retail regime (duty 0, tax ×
   factor) within the per-transaction limit; else the ad valorem rate of the HS chapter
   (``data/duty_rates.json``), per line.
5. **Surcharges** in force on the day for the country (ad valorem on the goods, or
   fixed per consignment / per item); charged as duties.
6. **Tax** — rate by region (``CA-ON``), by country (EU), else the market rate, on
   goods + shipping + duties.

Assumptions (documented, deliberate): thresholds compare the goods value (line
totals, without shipping); every amount is rounded half-up (``i18n.money.ROUNDING``)
to the currency's charge unit (whole dollars for TWD, ``i18n.money.charge_unit``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from i18n.money import ROUNDING, Money, charge_unit  # charge_unit: re-exported for callers here
from shop.checkout.shipping import NOW, ON_DELIVERY, Charge, LandedCost  # the store's types (re-exported)

DATA_FILE = Path(__file__).parent / "data" / "duty_rates.json"


def round_minor(value: Decimal, currency: str) -> int:
    unit = charge_unit(currency)
    return int((Decimal(value) / unit).quantize(Decimal(1), rounding=ROUNDING)) * unit


def money(value: Decimal, currency: str) -> Money:
    return Money(round_minor(value, currency), currency)


@lru_cache(maxsize=1)
def load_duty_table() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def duty_rate(market: str, hs_code: str | None) -> tuple[Decimal, str | None]:
    """``(rate, chapter)`` for goods of ``hs_code`` entering ``market`` (the chapter's, else the default)."""
    table = load_duty_table()
    chapter = (hs_code or "").replace(".", "")[:2] or None
    entry = table["chapters"].get(chapter) if chapter else None
    if entry and market in entry["rates"]:
        return Decimal(entry["rates"][market]), chapter
    return Decimal(table["default"].get(market, "0")), None


@dataclass(frozen=True)
class Goods:
    """One line of the consignment: its total value in the market currency."""

    value: Money
    quantity: int
    hs_code: str | None = None


def _in_force(entry: dict, today: date) -> bool:
    start, until = entry.get("effective_from"), entry.get("effective_until")
    if start and today < date.fromisoformat(start):
        return False
    if until and today > date.fromisoformat(until):
        return False
    return True


def _threshold(block: dict | None, currency: str, key: str) -> int | None:
    if not block or block.get(key) is None:
        return None
    if block.get("currency", currency) != currency:
        raise ValueError(f"threshold in {block['currency']} for a {currency} market")
    return int(block[key])


def tax_rate(rules: dict, country: str, subdivision: str | None) -> Decimal:
    """The destination tax rate: by region (``CA-ON``), by country, else the market's."""
    if subdivision:
        region = subdivision if "-" in subdivision else f"{country}-{subdivision}"
        by_region = rules.get("tax_rates_by_region") or {}
        if region.upper() in by_region:
            return Decimal(by_region[region.upper()])
    by_country = rules.get("tax_rates_by_country") or {}
    if country in by_country:
        return Decimal(by_country[country])
    return Decimal(rules.get("tax_rate") or "0")


def landed_cost(*, market: str, currency: str, rules: dict, country: str, subdivision: str | None,
                goods: list[Goods], shipping: Money, today: date) -> LandedCost:
    """Duties and taxes on ``goods`` shipped to ``country`` in ``market`` (see the module doc)."""
    country = country.upper()
    goods_value = sum((g.value for g in goods), Money.zero(currency))
    value = goods_value.amount

    dm = rules.get("de_minimis")
    dm_limit = _threshold(dm, currency, "amount_minor")
    exempt = set(dm.get("covers") or []) if dm_limit is not None and value <= dm_limit else set()

    cac = rules.get("collect_at_checkout")
    cac_limit = _threshold(cac, currency, "max_minor")
    at_checkout = cac_limit is not None and value <= cac_limit
    ddp = at_checkout or bool(rules.get("ddp_available"))
    incoterm = "DDP" if ddp else "DAP"
    # Duties are prepaid only where the market offers it; a checkout tax scheme alone covers tax.
    duty_collected = NOW if rules.get("ddp_available") else ON_DELIVERY
    tax_collected = NOW if ddp else ON_DELIVERY

    cbr = rules.get("cross_border_retail")
    cbr_limit = _threshold(cbr, currency, "per_transaction_limit_minor") if cbr else None
    in_cbr = cbr_limit is not None and value <= cbr_limit

    charges: list[Charge] = []
    if "duty" not in exempt and value > 0:
        charges += _duties(market, currency, rules, goods, goods_value, in_cbr, cbr, today, duty_collected)
    charges += _surcharges(currency, rules, country, goods, goods_value, today, duty_collected)

    taxable = at_checkout or "tax" not in exempt
    if taxable:
        rate = tax_rate(rules, country, subdivision)
        if in_cbr:
            rate = (rate * Decimal(cbr.get("tax_factor") or "1")).normalize()
        duties_total = sum((c.amount for c in charges if c.kind == "duty"), Money.zero(currency))
        base = goods_value + shipping + duties_total
        amount = money(Decimal(base.amount) * rate, currency)
        if rate > 0 and amount.amount > 0:
            charges.append(Charge("tax", "tax", amount, tax_collected, rate=str(rate), base=base,
                                  params={"name": rules.get("tax_name") or "", "scheme": cac.get("scheme")
                                          if at_checkout else None}))
    return LandedCost(incoterm=incoterm, scheme=cac.get("scheme") if at_checkout else None, currency=currency,
                      charges=tuple(charges), exemptions=tuple(sorted(exempt)))


def _duties(market, currency, rules, goods, goods_value, in_cbr, cbr, today, collected) -> list[Charge]:
    flat = rules.get("flat_duty_per_item_category")
    if flat and _in_force(flat, today):
        ceiling = _threshold(flat, currency, "applies_to_max_intrinsic_minor")
        if ceiling is None or goods_value.amount <= ceiling:
            categories = {(g.hs_code or "").replace(".", "")[:6] or f"line{i}" for i, g in enumerate(goods)}
            per = Money(_threshold(flat, currency, "amount_minor"), currency)
            amount = per.times(len(categories))
            return [Charge("duty", "duty_flat_item_category", amount, collected,
                           params={"categories": len(categories), "per_category": per.amount})]
    if in_cbr:
        rate = Decimal(cbr.get("duty_rate") or "0")
        amount = money(Decimal(goods_value.amount) * rate, currency)
        return [Charge("duty", "duty_cross_border_retail", amount, collected, rate=str(rate), base=goods_value)] \
            if amount.amount else []
    charges = []
    for line in goods:
        rate, chapter = duty_rate(market, line.hs_code)
        amount = money(Decimal(line.value.amount) * rate, currency)
        if amount.amount > 0:
            charges.append(Charge("duty", "duty_ad_valorem", amount, collected, rate=str(rate), base=line.value,
                                  params={"chapter": chapter or "", "hs_code": line.hs_code or ""}))
    return charges


def _surcharges(currency, rules, country, goods, goods_value, today, collected) -> list[Charge]:
    charges = []
    for entry in rules.get("surcharges") or []:
        if entry.get("countries") and country not in entry["countries"]:
            continue
        if not _in_force(entry, today):
            continue
        if entry.get("kind") == "ad_valorem":
            amount = money(Decimal(goods_value.amount) * Decimal(entry["rate"]), currency)
            charge = Charge("duty", entry["code"], amount, collected, rate=entry["rate"], base=goods_value,
                            params={"name": entry.get("name") or entry["code"]})
        elif entry.get("kind") == "fixed":
            per = Money(_threshold(entry, currency, "amount_minor"), currency)
            count = sum(g.quantity for g in goods) if entry.get("per") == "item" else 1
            charge = Charge("duty", entry["code"], per.times(count), collected,
                            params={"name": entry.get("name") or entry["code"], "count": count})
        else:
            continue
        if charge.amount.amount > 0:
            charges.append(charge)
    return charges
