"""The words of a decision's reasons, in the request's (or the buyer's) locale.

The engine (``returns.policy``) gives each reason a stable code, its parameters and its
sources; this module is the one place that says them in words. A code without words here
is a bug caught by the tests (every code the engine can give is rendered there).
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from i18n.korean import resolve_particles

from . import Reason, ReturnDecision, WarrantyDecision, policy_data

EXCLUSIONS = {
    "unsealed_hygiene": _l("sealed health or hygiene goods, once unsealed"),
    "unsafe_once_unpacked": _l("goods that become unsafe or change in quality once unpacked"),
    "activated_or_tried": _l("goods that lose value once activated or tried"),
    "perishable": _l("goods that deteriorate or expire rapidly"),
}

# The law behind a market's rules (``policy.json`` ``laws``), in the reader's words.
LAWS = {
    "eu_consumer_rights": _l("the EU Consumer Rights Directive (2011/83/EU)"),
    "eu_sale_of_goods": _l("the EU Sale of Goods Directive (2019/771)"),
    "uk_consumer_contracts": _l("the UK Consumer Contracts Regulations 2013"),
    "uk_consumer_rights": _l("the UK Consumer Rights Act 2015"),
    "cn_consumer_rights": _l("China's Consumer Rights Protection Law"),
    "cn_three_guarantees": _l("China's \"three guarantees\" rules"),
    "jp_specified_transactions": _l("Japan's Act on Specified Commercial Transactions"),
    "jp_civil_code": _l("Japan's Civil Code"),
    "au_consumer_law": _l("the Australian Consumer Law"),
    "tw_consumer_protection": _l("Taiwan's Consumer Protection Act"),
    "us_commercial_code": _l("the US Uniform Commercial Code"),
    "ca_on_consumer_protection": _l("Ontario's Consumer Protection Act"),
    "sg_lemon_law": _l("Singapore's Consumer Protection (Fair Trading) Act"),
    "vn_consumer_protection": _l("Vietnam's Law on Protection of Consumer Rights"),
    "hk_sale_of_goods": _l("Hong Kong's Sale of Goods Ordinance"),
}


def law_names(market_code: str, kind: str) -> list[str]:
    """The law behind a market's ``returns`` or ``warranty`` rules, in the current locale (none when unknown)."""
    code = policy_data()["laws"]["markets"].get(market_code, {}).get(kind)
    return [str(LAWS[code])] if code in LAWS else []


TEXTS = {
    "excluded_category": _l("A change of mind cannot be accepted for %(exclusion)s."),
    "exclusion_acknowledged": _l("You acknowledged this before paying, on %(acknowledged_on)s."),
    "exclusion_needs_notice": _l("The exclusion of %(exclusion)s applies only if you were told before buying; you "
                                 "were not, so it does not apply here."),
    "guarantee_open_term": _l("The law's guarantee has no fixed term; Dari honours it for %(months)s months."),
    "warranty_not_compiled": _l("The statutory warranty of this market is not on record yet, so the seller's "
                                "warranty applies."),
    "guarantee_law": _l("A fault can be claimed for %(months)s months after delivery under the law."),
    "guarantee_seller": _l("A fault can be claimed for %(months)s months after delivery under the seller's "
                           "warranty, longer than the law's."),
    "no_returns_stated": _l("The seller states that it takes no returns for a change of mind, and the law "
                            "gives no right to one."),
    "no_statutory_window": _l("The law gives no right to return for a change of mind, and the seller states "
                              "no return period."),
    "window_law": _l("You may return for a change of mind within %(days)s days of delivery under the law."),
    "window_fallback": _l("The seller shows no return policy, so the law gives %(days)s days from delivery."),
    "window_seller": _l("The seller accepts returns for a change of mind within %(days)s days of delivery, "
                        "longer than the law."),
    "counting_day_after_delivery": _l("Days are counted from the day after delivery."),
    "counting_open": _l("The law does not say whether the day of delivery counts; Dari counts from the day "
                        "after delivery, in your favour."),
    "refund_deadline_goods_received": _l("The refund is due within %(days)s days of the goods coming back."),
    "refund_deadline_withdrawal_notice": _l("The refund is due within %(days)s days of your return request."),
    "window_over": _l("The return period ended on %(last_day)s."),
    "used_goods": _l("Goods used beyond what is needed to inspect them may be refunded less the value lost."),
    "seller_pays_by_policy": _l("The seller pays the return shipping."),
    "seller_pays_by_law": _l("The seller pays the return shipping under the law."),
    "consumer_pays_informed": _l("You pay the return shipping, as the store told you before you ordered."),
    "consumer_pays": _l("You pay the return shipping for a change of mind under the law."),
    "consumer_pays_seller_policy": _l("You pay the return shipping for a change of mind, as the seller's "
                                      "policy says."),
    "outbound_refunded": _l("The standard delivery charge you paid is refunded."),
    "outbound_not_refunded": _l("The delivery charge you paid is not refunded for a change of mind."),
    "duties_refunded": _l("Duties and taxes collected with your order are refunded."),
    "duties_not_refunded": _l("Duties collected with your order are not refunded for a change of mind."),
    "restocking_fee_allowed": _l("A restocking fee may be deducted."),
    "no_restocking_fee": _l("No restocking fee is deducted."),
    "no_guarantee": _l("Neither the law nor the seller gives a guarantee for faults here."),
    "guarantee_over": _l("The guarantee ended on %(last_day)s."),
    "fault_not_excluded": _l("A fault can be returned whatever the kind of goods, opened or not."),
    "seller_pays_fault": _l("The seller pays the return shipping of goods that are faulty, damaged, wrong or "
                            "late."),
    "fault_refunds_everything": _l("For a fault, the delivery charge and the duties and taxes you paid are "
                                   "refunded too."),
    "short_term_remedy": _l("Within %(days)s days of delivery the law gives you these remedies first."),
    "remedy_order_law": _l("The law sets the order of remedies: repair or replacement first, then a refund."),
    "major_failure_choice": _l("For a major failure you choose a refund or a replacement."),
    "fault_presumed": _l("Within %(months)s months of delivery a fault is presumed to have been there at "
                         "delivery: you do not have to prove it."),
    "fault_to_prove": _l("After %(months)s months from delivery you may have to show that the fault was there "
                         "at delivery."),
    "notice_after_discovery": _l("Tell the seller within %(months)s months of finding the fault."),
}


def _params(reason: Reason) -> dict:
    params = dict(reason.params)
    if "exclusion" in params:
        params["exclusion"] = EXCLUSIONS.get(params["exclusion"], params["exclusion"])
    for key in ("last_day", "acknowledged_on"):
        if params.get(key):
            params[key] = format_date(date.fromisoformat(params[key]), "long")
    return {key: value for key, value in params.items() if value is not None}


def reason_view(reason: Reason) -> dict:
    params = _params(reason)
    text = resolve_particles(str(TEXTS[reason.code]) % params) if params else str(TEXTS[reason.code])
    return {"code": reason.code, "text": text, "sources": list(reason.sources)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def return_view(decision: ReturnDecision) -> dict:
    return {
        "allowed": decision.allowed, "reason": decision.reason, "kind": decision.kind,
        "window_days": decision.window_days, "window_basis": decision.window_basis,
        "guarantee_months": decision.guarantee_months, "last_day": _day(decision.last_day),
        "return_shipping_payer": decision.return_shipping_payer,
        "refund_outbound_shipping": decision.refund_outbound_shipping, "refund_duties": decision.refund_duties,
        "restocking_fee_allowed": decision.restocking_fee_allowed,
        "refund_deadline": {"days": decision.refund_deadline_days, "from": decision.refund_deadline_from,
                            "date": _day(decision.refund_deadline)},
        "reasons": [reason_view(reason) for reason in decision.reasons],
        "data_version": decision.data_version, "time_zone": decision.time_zone,
    }


def warranty_view(decision: WarrantyDecision) -> dict:
    return {
        "allowed": decision.allowed, "period_months": decision.period_months, "period_basis": decision.period_basis,
        "last_day": _day(decision.last_day), "remedies": list(decision.remedies),
        "fault_presumed": decision.presumption,
        "reasons": [reason_view(reason) for reason in decision.reasons],
        "data_version": decision.data_version, "time_zone": decision.time_zone,
    }
