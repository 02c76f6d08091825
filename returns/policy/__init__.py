"""The return and warranty policy engine: pure functions over market data (SPEC §6).

``decide_return`` and ``decide_warranty`` read only what they are given: the market's
``returns`` and ``warranty`` rules (``shop/markets/data/markets.json``, as stored on the
``Market`` row), this package's ``data/policy.json`` (how reasons group, which categories
an exclusion reaches, the engine's own rules where the law is open) and the seller's
policy. There is no branch on a market's code: a market differs only by its data.

The guarantees a decision keeps:

- A change-of-mind window is the longer of the statutory one and the seller's; a seller
  with no stated policy gets the market's fallback (JP: 8 days), a seller stating "no
  returns" (0 days) gets none beyond the law.
- Days count from the day after delivery: that is the EU/UK rule, and where a law leaves
  the counting open it is the reading more generous to the buyer (the reason says which).
  They are calendar days where the buyer is (``zones``: the shipping country's time zones,
  ``returns.policy.days``); the decision names the zone its dates are in.
- Category exclusions block a change of mind only; a fault (defective, damaged in
  transit, wrong item, not as described, arrived late) can be returned as long as a
  guarantee runs (the longer of the seller's warranty and the statutory one), at the
  seller's cost, with shipping and duties refunded.
- Every reason carries the source ids of the rule it applies; the words are rendered in
  the reader's locale by ``returns.policy.explain``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from . import days as local

DATA = Path(__file__).resolve().parent / "data" / "policy.json"
RETURN_REASONS = ("changed_mind", "defective", "damaged_in_transit", "wrong_item", "not_as_described",
                  "arrived_late")
REMEDIES = ("repair", "replace", "refund")


@lru_cache(maxsize=1)
def policy_data() -> dict:
    """The engine's own data (versioned, with its sources)."""
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MarketRules:
    """The parts of a market the engine reads (``Market.returns`` / ``Market.warranty`` as stored)."""

    code: str
    returns: dict
    warranty: dict
    data_version: str = ""

    @classmethod
    def of(cls, market) -> MarketRules:
        return cls(code=market.code, returns=market.returns or {}, warranty=market.warranty or {},
                   data_version=market.data_version or "")


@dataclass(frozen=True)
class SellerPolicy:
    """A seller's stated policy: ``return_window_days`` None = none stated, 0 = "no returns"."""

    return_window_days: int | None = None
    pays_change_of_mind_shipping: bool = False
    warranty_months: int = 0

    @classmethod
    def of(cls, seller) -> SellerPolicy:
        return cls(return_window_days=seller.return_window_days,
                   pays_change_of_mind_shipping=bool(seller.pays_change_of_mind_shipping),
                   warranty_months=seller.warranty_months or 0)


@dataclass(frozen=True)
class Reason:
    """One reason of a decision: a stable ``code``, its parameters and the rule's sources."""

    code: str
    sources: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReturnDecision:
    allowed: bool
    reason: str  # the return reason asked about
    kind: str  # change_of_mind | fault
    window_days: int | None  # change of mind: days; a fault: None (see guarantee_months)
    window_basis: str | None  # law | seller | fallback | guarantee | None
    guarantee_months: int | None
    last_day: date | None
    return_shipping_payer: str | None  # consumer | seller
    refund_outbound_shipping: bool
    refund_duties: bool
    restocking_fee_allowed: bool
    refund_deadline_days: int
    refund_deadline_from: str  # goods_received | withdrawal_notice
    refund_deadline: date | None  # known now when it runs from the request
    reasons: tuple[Reason, ...]
    data_version: str = ""
    time_zone: str | None = None  # the IANA zone its dates are in (None: dates given, not instants)


@dataclass(frozen=True)
class WarrantyDecision:
    allowed: bool
    period_months: int | None
    period_basis: str | None  # law | seller
    last_day: date | None
    remedies: tuple[str, ...]
    presumption: bool | None  # True: the fault is presumed present at delivery; None: the law says nothing
    reasons: tuple[Reason, ...]
    data_version: str = ""
    time_zone: str | None = None


def _sources(*groups) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        for source in group or ():
            if source not in seen:
                seen.append(source)
    return tuple(seen)


def _count(delivered_at, requested_at, zones, last_day_of) -> local.LocalDays:
    """The period from the delivery in the buyer's calendar (``returns.policy.days``), its dates checked."""
    if delivered_at is None:
        raise ValueError("the goods have not been delivered")
    counted = local.count(delivered_at, requested_at, zones, last_day_of)
    if counted.on < counted.start:
        raise ValueError("requested before delivery")
    return counted


def _months_after(months: int | None):
    return lambda day: day + relativedelta(months=months) if months else None


def exclusions_for(market: MarketRules, category: str | None, *, opened: bool,
                   notice_given: bool = True, told: set[str] | None = None) -> list[Reason]:
    """The market's change-of-mind exclusions that reach goods of ``category`` in this condition.

    An exclusion the law grants only on a condition (the seller warned beforehand, the buyer
    confirmed at checkout) applies only with notice; without it the reason says so. ``told``:
    the exclusions the buyer acknowledged at checkout (the notice, code by code), else
    ``notice_given`` says whether the buyer was told.
    """
    mapping = policy_data()["category_exclusions"]
    reach = mapping.get(category or "", {})
    codes = list(reach.get("always", ())) + (list(reach.get("when_opened", ())) if opened else [])
    rules = market.returns
    listed = set(rules.get("exclusions") or ())
    conditions = rules.get("exclusion_conditions") or {}
    found = []
    for code in codes:
        if code in listed:
            condition = conditions.get(code) or ("seller_notice" if rules.get("exclusions_need_notice") else None)
            sources = _sources(rules.get("sources"), mapping.get("sources"))
            noticed = (code in told) if told is not None else notice_given
            if condition and not noticed:
                found.append(Reason("exclusion_needs_notice", sources, {"exclusion": code}))
            else:
                found.append(Reason("excluded_category", sources, {"exclusion": code, "condition": condition}))
    return found


def guarantee(market: MarketRules, seller: SellerPolicy) -> tuple[int | None, str | None, list[Reason]]:
    """The guarantee that applies: (months, basis ``law``/``seller``, reasons); months None = none at all."""
    warranty = market.warranty
    statutory = warranty.get("statutory_months")
    sources = tuple(warranty.get("sources") or ())
    reasons: list[Reason] = []
    if statutory is None:
        open_term = policy_data()["open_term_guarantees"].get(market.code)
        if open_term is not None:
            statutory, sources = open_term["months"], tuple(open_term["sources"])
            reasons.append(Reason("guarantee_open_term", sources, {"months": statutory}))
        elif not sources:
            reasons.append(Reason("warranty_not_compiled", (), {"market": market.code}))
    seller_months = seller.warranty_months or 0
    if statutory is None and not seller_months:
        return None, None, reasons
    if statutory is not None and statutory >= seller_months:
        reasons.append(Reason("guarantee_law", sources, {"months": statutory}))
        return statutory, "law", reasons
    reasons.append(Reason("guarantee_seller", sources, {"months": seller_months, "statutory": statutory}))
    return seller_months, "seller", reasons


def change_of_mind_window(market: MarketRules, seller: SellerPolicy) -> tuple[int, str | None, list[Reason]]:
    """(days, basis ``law``/``seller``/``fallback``, reasons): the longer of the law's and the seller's."""
    rules = market.returns
    sources = tuple(rules.get("sources") or ())
    statutory = rules.get("withdrawal_days") or 0
    seller_days, basis_seller = seller.return_window_days, "seller"
    if seller_days is None and rules.get("fallback_days_without_policy"):
        seller_days, basis_seller = rules["fallback_days_without_policy"], "fallback"
    seller_days = seller_days or 0
    if not statutory and not seller_days:
        code = "no_returns_stated" if seller.return_window_days == 0 else "no_statutory_window"
        return 0, None, [Reason(code, sources)]
    if statutory >= seller_days:
        return statutory, "law", [Reason("window_law", sources, {"days": statutory})]
    code = "window_fallback" if basis_seller == "fallback" else "window_seller"
    return seller_days, basis_seller, [Reason(code, sources if basis_seller == "fallback" else (),
                                              {"days": seller_days, "statutory": statutory})]


def _counting(market: MarketRules, zone: str | None) -> Reason:
    start = market.returns.get("window_start") or "delivery"
    sources = _sources(market.returns.get("sources"), local.SOURCES if zone else ())
    if start == "day_after_delivery":
        return Reason("counting_day_after_delivery", sources)
    return Reason("counting_open", _sources(sources, policy_data()["defaults"]["sources"]))


def _refund_deadline(market: MarketRules, requested: date) -> tuple[int, str, date | None, Reason]:
    rules, defaults = market.returns, policy_data()["defaults"]
    if rules.get("refund_deadline_days"):
        days, start = rules["refund_deadline_days"], rules.get("refund_deadline_from") or "goods_received"
        sources = tuple(rules.get("sources") or ())
    else:
        days, start, sources = defaults["refund_deadline_days"], defaults["refund_deadline_from"], defaults["sources"]
    due = requested + timedelta(days=days) if start == "withdrawal_notice" else None
    return days, start, due, Reason(f"refund_deadline_{start}", tuple(sources), {"days": days})


def decide_return(market: MarketRules, seller: SellerPolicy, *, category: str | None, reason: str,
                  opened: bool, used: bool = False, quantity: int = 1, delivered_at, requested_at,
                  notice_given: bool = True, zones: tuple[str, ...] | None = None,
                  acknowledged: dict | None = None) -> ReturnDecision:
    """Whether a return for ``reason`` is allowed on ``requested_at`` and on what terms.

    ``acknowledged``: the buyer's acknowledgement at checkout of the line's exclusions
    (``{"exclusions": [codes], "acknowledged_at": ISO time, "version"}``); where given, it is
    the notice, and an exclusion it covers is cited with its date.

    ``zones``: the time zones of the buyer's country (``days.zones_for``); the days are
    counted in the one most favourable to the buyer (none: UTC).

    ``notice_given``: the buyer was told before buying which goods cannot be returned once
    opened (Dari's listings and checkout say so for the excluded categories of each market).

    ``ValueError`` for an unknown reason, a quantity under 1, goods not delivered or a
    request dated before the delivery (the caller turns them into a 4xx).
    """
    data = policy_data()
    kind = data["reasons"].get(reason)
    if kind is None:
        raise ValueError(f"unknown reason {reason!r}")
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    rules = market.returns
    if kind == "fault":
        return _decide_fault(market, seller, reason, delivered_at, requested_at, zones)
    reasons: list[Reason] = []
    days, basis, window_reasons = change_of_mind_window(market, seller)
    reasons.extend(window_reasons)
    counted = _count(delivered_at, requested_at, zones, lambda day: day + timedelta(days=days) if days else None)
    requested, last_day = counted.on, counted.last_day
    refund_days, refund_from, refund_due, refund_reason = _refund_deadline(market, requested)
    allowed = last_day is not None and requested <= last_day
    if last_day is not None:
        reasons.append(_counting(market, counted.zone))
        if not allowed:
            reasons.append(Reason("window_over", (), {"last_day": last_day.isoformat(), "days": days}))
    if used:
        # Use beyond inspection is the buyer's to answer for: the value lost may be deducted.
        reasons.append(Reason("used_goods", tuple(rules.get("sources") or ())))
    told = set(acknowledged.get("exclusions") or ()) if acknowledged is not None else None
    excluded = exclusions_for(market, category, opened=opened, notice_given=notice_given, told=told)
    if any(found.code == "excluded_category" for found in excluded):
        allowed = False
    reasons.extend(excluded)
    if (acknowledged or {}).get("acknowledged_at") and any(r.code == "excluded_category" for r in excluded):
        reasons.append(Reason("exclusion_acknowledged", _sources(rules.get("sources")),
                              {"acknowledged_on": str(acknowledged["acknowledged_at"])[:10]}))
    payer, payer_reason = _change_of_mind_payer(market, seller)
    reasons.append(payer_reason)
    refund_outbound = rules.get("refund_outbound_shipping") == "standard_delivery"
    duties = market.code in data["change_of_mind_refunds_duties"]["markets"]
    reasons.append(Reason("outbound_refunded" if refund_outbound else "outbound_not_refunded",
                          tuple(rules.get("sources") or ()) if refund_outbound else ()))
    reasons.append(Reason("duties_refunded", tuple(data["change_of_mind_refunds_duties"]["sources"]))
                   if duties else Reason("duties_not_refunded", tuple(data["defaults"]["sources"])))
    fee = rules.get("restocking_fee_allowed")
    fee_allowed = bool(data["defaults"]["restocking_fee_allowed"] if fee is None else fee)
    reasons.append(Reason("restocking_fee_allowed" if fee_allowed else "no_restocking_fee",
                          tuple(rules.get("sources") or ()) if fee is not None else tuple(data["defaults"]["sources"])))
    if allowed:
        reasons.append(refund_reason)
    return ReturnDecision(
        allowed=allowed, reason=reason, kind=kind, window_days=days, window_basis=basis, guarantee_months=None,
        last_day=last_day, return_shipping_payer=payer, refund_outbound_shipping=refund_outbound,
        refund_duties=duties, restocking_fee_allowed=fee_allowed, refund_deadline_days=refund_days,
        refund_deadline_from=refund_from, refund_deadline=refund_due, reasons=tuple(reasons),
        data_version=market.data_version, time_zone=counted.zone)


def _change_of_mind_payer(market: MarketRules, seller: SellerPolicy) -> tuple[str, Reason]:
    rules = market.returns
    sources = tuple(rules.get("sources") or ())
    payer = rules.get("return_shipping_payer") or "seller_policy"
    if seller.pays_change_of_mind_shipping:
        return "seller", Reason("seller_pays_by_policy")
    if payer == "seller":
        return "seller", Reason("seller_pays_by_law", sources)
    if payer == "consumer":
        if rules.get("consumer_pays_only_if_informed"):
            return "consumer", Reason("consumer_pays_informed", sources)
        return "consumer", Reason("consumer_pays", sources)
    return "consumer", Reason("consumer_pays_seller_policy", sources)


def _decide_fault(market: MarketRules, seller: SellerPolicy, reason: str, delivered_at, requested_at,
                  zones) -> ReturnDecision:
    data = policy_data()
    months, basis, reasons = guarantee(market, seller)
    counted = _count(delivered_at, requested_at, zones, _months_after(months))
    requested, last_day = counted.on, counted.last_day
    refund_days, refund_from, refund_due, refund_reason = _refund_deadline(market, requested)
    allowed = last_day is not None and requested <= last_day
    if months is None:
        reasons.append(Reason("no_guarantee"))
    elif not allowed:
        reasons.append(Reason("guarantee_over", (), {"last_day": last_day.isoformat(), "months": months}))
    reasons.append(Reason("fault_not_excluded", tuple(data["category_exclusions"]["sources"])))
    stated = market.returns.get("defect_return_shipping_payer")
    reasons.append(Reason("seller_pays_fault", tuple(market.returns.get("sources") or ()) if stated
                          else tuple(data["defaults"]["sources"])))
    reasons.append(Reason("fault_refunds_everything", tuple(data["defaults"]["sources"])))
    if allowed:
        reasons.append(refund_reason)
    return ReturnDecision(
        allowed=allowed, reason=reason, kind="fault", window_days=None, window_basis="guarantee" if months else None,
        guarantee_months=months, last_day=last_day, return_shipping_payer=stated or data["defaults"][
            "fault_return_shipping_payer"], refund_outbound_shipping=True, refund_duties=True,
        restocking_fee_allowed=False, refund_deadline_days=refund_days, refund_deadline_from=refund_from,
        refund_deadline=refund_due, reasons=tuple(reasons), data_version=market.data_version,
        time_zone=counted.zone)


def decide_warranty(market: MarketRules, seller: SellerPolicy, *, category: str | None, delivered_at,
                    claimed_at, zones: tuple[str, ...] | None = None) -> WarrantyDecision:
    """Whether a warranty claim made on ``claimed_at`` is within the guarantee, and the remedies in order
    (days counted where the buyer is, as for ``decide_return``)."""
    warranty = market.warranty
    months, basis, reasons = guarantee(market, seller)
    counted = _count(delivered_at, claimed_at, zones, _months_after(months))
    delivered, claimed, last_day = counted.start, counted.on, counted.last_day
    allowed = last_day is not None and claimed <= last_day
    if months is None:
        reasons.append(Reason("no_guarantee"))
    elif not allowed:
        reasons.append(Reason("guarantee_over", (), {"last_day": last_day.isoformat(), "months": months}))
    remedies = _remedies(warranty, (claimed - delivered).days, reasons)
    presumption = None
    presumed_months = warranty.get("presumption_months")
    sources = tuple(warranty.get("sources") or ())
    if presumed_months:
        presumption = claimed <= delivered + relativedelta(months=presumed_months)
        reasons.append(Reason("fault_presumed" if presumption else "fault_to_prove", sources,
                              {"months": presumed_months}))
    if warranty.get("notice_within_months_of_discovery"):
        reasons.append(Reason("notice_after_discovery", sources,
                              {"months": warranty["notice_within_months_of_discovery"]}))
    return WarrantyDecision(allowed=allowed, period_months=months, period_basis=basis, last_day=last_day,
                            remedies=remedies if allowed else (), presumption=presumption,
                            reasons=tuple(reasons), data_version=market.data_version, time_zone=counted.zone)


def _remedies(warranty: dict, days_since_delivery: int, reasons: list[Reason]) -> tuple[str, ...]:
    """The remedies offered, in order: a short-term rule of the law first, then its order, then the default."""
    sources = tuple(warranty.get("sources") or ())
    for rule in sorted(warranty.get("short_term_remedies") or (), key=lambda r: r["within_days"]):
        if days_since_delivery <= rule["within_days"]:
            remedies = tuple(r for r in rule["remedies"] if r in REMEDIES)
            reasons.append(Reason("short_term_remedy", sources, {"days": rule["within_days"]}))
            ordered = remedies + tuple(r for r in REMEDIES if r not in remedies)
            return ordered
    if warranty.get("remedy_order"):
        flat = [r for group in warranty["remedy_order"] for r in group if r in REMEDIES]
        reasons.append(Reason("remedy_order_law", sources))
        return tuple(flat)
    if warranty.get("consumer_chooses_remedy_for_major_failure"):
        reasons.append(Reason("major_failure_choice", sources))
    return tuple(policy_data()["default_remedies"])
