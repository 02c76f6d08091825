"""The policy engine, table-driven over every market's data (no database)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from returns import policy
from returns.policy import explain
from shop.markets.services import load_bundled

DATA = load_bundled()
MARKETS = {m["code"]: policy.MarketRules(m["code"], m["returns"], m["warranty"], DATA["version"])
           for m in DATA["markets"]}
DELIVERED = date(2026, 11, 2)
NONE_STATED = policy.SellerPolicy(return_window_days=None, warranty_months=0)
SEVEN = policy.SellerPolicy(return_window_days=7, warranty_months=12)
THIRTY = policy.SellerPolicy(return_window_days=30, warranty_months=12)
NO_RETURNS = policy.SellerPolicy(return_window_days=0, warranty_months=0)


def change_of_mind(market, seller, day, *, category="household", opened=False, notice_given=True):
    return policy.decide_return(MARKETS[market], seller, category=category, reason="changed_mind", opened=opened,
                                delivered_at=DELIVERED, requested_at=DELIVERED + timedelta(days=day),
                                notice_given=notice_given)


# market, seller policy, last allowed day after delivery (None: no change-of-mind return), basis
WINDOWS = [
    ("US", NONE_STATED, None, None), ("US", SEVEN, 7, "seller"), ("US", THIRTY, 30, "seller"),
    ("CN", NONE_STATED, 7, "law"), ("CN", THIRTY, 30, "seller"),
    ("JP", NONE_STATED, 8, "fallback"), ("JP", NO_RETURNS, None, None), ("JP", SEVEN, 7, "seller"),
    ("EU", NONE_STATED, 14, "law"), ("EU", SEVEN, 14, "law"), ("EU", THIRTY, 30, "seller"),
    ("GB", NONE_STATED, 14, "law"), ("GB", THIRTY, 30, "seller"),
    ("AU", NONE_STATED, None, None), ("AU", SEVEN, 7, "seller"),
    ("CA", NONE_STATED, None, None), ("CA", SEVEN, 7, "seller"),
    ("SG", NONE_STATED, None, None), ("SG", SEVEN, 7, "seller"),
    ("VN", NONE_STATED, None, None), ("VN", THIRTY, 30, "seller"),
    ("TW", NONE_STATED, 7, "law"), ("TW", NO_RETURNS, 7, "law"), ("TW", THIRTY, 30, "seller"),
    ("HK", NONE_STATED, None, None), ("HK", SEVEN, 7, "seller"),
]


def test_every_market_is_in_the_table():
    assert {row[0] for row in WINDOWS} == set(MARKETS)


@pytest.mark.parametrize(("market", "seller", "last", "basis"), WINDOWS)
def test_the_change_of_mind_window_is_the_longer_of_law_and_seller(market, seller, last, basis):
    if last is None:
        decision = change_of_mind(market, seller, 1)
        assert decision.allowed is False and decision.window_days == 0 and decision.last_day is None
        return
    on_the_last_day = change_of_mind(market, seller, last)
    assert on_the_last_day.allowed is True, on_the_last_day.reasons
    assert on_the_last_day.window_days == last and on_the_last_day.window_basis == basis
    assert on_the_last_day.last_day == DELIVERED + timedelta(days=last)
    assert change_of_mind(market, seller, last + 1).allowed is False


def test_an_eu_buyer_may_return_on_day_13_not_on_day_15():
    assert change_of_mind("EU", SEVEN, 13).allowed is True
    late = change_of_mind("EU", SEVEN, 15)
    assert late.allowed is False
    over = next(r for r in late.reasons if r.code == "window_over")
    assert over.params["last_day"] == (DELIVERED + timedelta(days=14)).isoformat()
    assert any(r.code == "window_law" and "E1" in r.sources for r in late.reasons)


def test_a_jp_seller_with_no_stated_policy_gives_8_days_and_one_stating_none_gives_none():
    fallback = change_of_mind("JP", NONE_STATED, 8)
    assert fallback.allowed and fallback.window_basis == "fallback"
    assert any(r.code == "window_fallback" and "J1" in r.sources for r in fallback.reasons)
    stated = change_of_mind("JP", NO_RETURNS, 1)
    assert not stated.allowed and any(r.code == "no_returns_stated" for r in stated.reasons)


def test_a_tw_change_of_mind_is_paid_by_the_seller_and_eu_by_the_informed_buyer():
    assert change_of_mind("TW", SEVEN, 3).return_shipping_payer == "seller"
    assert change_of_mind("EU", SEVEN, 3).return_shipping_payer == "consumer"
    generous = policy.SellerPolicy(return_window_days=7, pays_change_of_mind_shipping=True)
    assert change_of_mind("EU", generous, 3).return_shipping_payer == "seller"


def test_an_opened_cosmetic_is_refused_for_a_change_of_mind_but_accepted_as_defective():
    refused = change_of_mind("CN", SEVEN, 2, category="cosmetics", opened=True)
    assert refused.allowed is False
    assert any(r.code == "excluded_category" and "C1" in r.sources for r in refused.reasons)
    assert change_of_mind("CN", SEVEN, 2, category="cosmetics", opened=False).allowed is True
    defective = policy.decide_return(MARKETS["CN"], SEVEN, category="cosmetics", reason="defective", opened=True,
                                     delivered_at=DELIVERED, requested_at=DELIVERED + timedelta(days=2))
    assert defective.allowed and defective.return_shipping_payer == "seller"
    assert defective.refund_outbound_shipping and defective.refund_duties


def test_a_conditional_exclusion_needs_the_notice():
    told = change_of_mind("TW", SEVEN, 2, category="cosmetics", opened=True)
    assert told.allowed is False
    not_told = change_of_mind("TW", SEVEN, 2, category="cosmetics", opened=True, notice_given=False)
    assert not_told.allowed is True and any(r.code == "exclusion_needs_notice" for r in not_told.reasons)


def test_food_is_perishable_for_a_change_of_mind_where_the_law_excludes_it():
    assert change_of_mind("EU", THIRTY, 2, category="food").allowed is False
    assert change_of_mind("US", THIRTY, 2, category="food").allowed is True  # no statutory exclusion list


@pytest.mark.parametrize("reason", ["defective", "damaged_in_transit", "wrong_item", "not_as_described",
                                    "arrived_late"])
@pytest.mark.parametrize("market", sorted(MARKETS))
def test_a_fault_is_returnable_while_a_guarantee_runs_at_the_sellers_cost(market, reason):
    decision = policy.decide_return(MARKETS[market], SEVEN, category="cosmetics", reason=reason, opened=True,
                                    delivered_at=DELIVERED, requested_at=DELIVERED + timedelta(days=60))
    assert decision.allowed is True and decision.kind == "fault"
    assert decision.return_shipping_payer == "seller" and decision.guarantee_months >= 12


# market, seller warranty months, the period that applies (months), its basis
WARRANTIES = [
    ("EU", 0, 24, "law"), ("EU", 36, 36, "seller"), ("GB", 12, 72, "law"), ("AU", 0, 24, "law"),
    ("US", 0, 12, "law"), ("CN", 0, 12, "law"), ("SG", 0, 6, "law"), ("SG", 12, 12, "seller"),
    ("JP", 12, 12, "seller"), ("JP", 0, None, None), ("CA", 12, 12, "seller"), ("VN", 0, None, None),
    ("TW", 6, 6, "seller"), ("HK", 12, 12, "seller"),
]


def test_every_market_is_in_the_warranty_table():
    assert {row[0] for row in WARRANTIES} == set(MARKETS)


@pytest.mark.parametrize(("market", "seller_months", "months", "basis"), WARRANTIES)
def test_the_warranty_is_the_longer_of_law_and_seller(market, seller_months, months, basis):
    seller = policy.SellerPolicy(warranty_months=seller_months)
    inside = policy.decide_warranty(MARKETS[market], seller, category=None, delivered_at=DELIVERED,
                                    claimed_at=DELIVERED + timedelta(days=1))
    assert inside.period_months == months and inside.period_basis == basis
    assert inside.allowed is (months is not None)
    if months:
        assert inside.remedies
        after = DELIVERED.replace(year=DELIVERED.year + months // 12 + 1)
        assert policy.decide_warranty(MARKETS[market], seller, category=None, delivered_at=DELIVERED,
                                      claimed_at=after).allowed is False


@pytest.mark.parametrize("market", ["CA", "VN", "TW", "HK"])
def test_uncompiled_warranty_law_falls_back_to_the_seller_and_says_so(market):
    decision = policy.decide_warranty(MARKETS[market], SEVEN, category=None, delivered_at=DELIVERED,
                                      claimed_at=DELIVERED + timedelta(days=30))
    assert decision.period_basis == "seller"
    assert any(r.code == "warranty_not_compiled" for r in decision.reasons)


def test_the_burden_of_proof_follows_the_presumption():
    def presumed(market, days):
        return policy.decide_warranty(MARKETS[market], SEVEN, category=None, delivered_at=DELIVERED,
                                      claimed_at=DELIVERED + timedelta(days=days)).presumption
    assert presumed("EU", 300) is True and presumed("EU", 400) is False
    assert presumed("GB", 150) is True and presumed("GB", 200) is False
    assert presumed("SG", 150) is True and presumed("JP", 10) is None


def test_short_term_remedies_come_first():
    early = policy.decide_warranty(MARKETS["CN"], SEVEN, category=None, delivered_at=DELIVERED,
                                   claimed_at=DELIVERED + timedelta(days=5))
    assert early.remedies[0] == "refund"
    later = policy.decide_warranty(MARKETS["CN"], SEVEN, category=None, delivered_at=DELIVERED,
                                   claimed_at=DELIVERED + timedelta(days=12))
    assert later.remedies[:2] == ("replace", "repair")
    assert policy.decide_warranty(MARKETS["SG"], SEVEN, category=None, delivered_at=DELIVERED,
                                  claimed_at=DELIVERED + timedelta(days=60)).remedies[:2] == ("repair", "replace")


@pytest.mark.parametrize("bad", [{"reason": "bored"}, {"quantity": 0},
                                 {"requested_at": DELIVERED - timedelta(days=1)}, {"delivered_at": None}])
def test_impossible_inputs_are_refused(bad):
    arguments = {"category": None, "reason": "changed_mind", "opened": False, "quantity": 1,
                 "delivered_at": DELIVERED, "requested_at": DELIVERED, **bad}
    with pytest.raises(ValueError):
        policy.decide_return(MARKETS["EU"], SEVEN, **arguments)


ACKNOWLEDGED = {"exclusions": ["unsealed_hygiene", "unsafe_once_unpacked", "activated_or_tried"],
                "acknowledged_at": "2026-10-30T09:00:00+00:00", "version": "test"}


def _all_decisions():
    for market in MARKETS:
        for seller in (NONE_STATED, SEVEN, NO_RETURNS, THIRTY, policy.SellerPolicy(14, True, 24)):
            for reason in policy.RETURN_REASONS:
                for day in (1, 20, 4000):
                    for category, opened, notice in (("cosmetics", True, True), ("cosmetics", True, False),
                                                     ("cosmetics", True, ACKNOWLEDGED), ("food", False, True),
                                                     (None, False, True)):
                        yield policy.decide_return(MARKETS[market], seller, category=category, reason=reason,
                                                   opened=opened, used=day == 20, delivered_at=DELIVERED,
                                                   requested_at=DELIVERED + timedelta(days=day),
                                                   notice_given=bool(notice),
                                                   acknowledged=notice if isinstance(notice, dict) else None)
            for day in (1, 100, 4000):
                yield policy.decide_warranty(MARKETS[market], seller, category=None, delivered_at=DELIVERED,
                                             claimed_at=DELIVERED + timedelta(days=day))


@pytest.mark.parametrize("locale", ["en", "ko", "ja", "zh_Hans", "zh_Hant", "de", "fr", "vi"])
def test_every_reason_the_engine_gives_has_words_in_every_locale(app, locale):
    codes = set()
    with app.test_request_context(), force_locale(locale):
        for decision in _all_decisions():
            for reason in decision.reasons:
                view = explain.reason_view(reason)
                assert view["text"] and "%(" not in view["text"]
                codes.add(reason.code)
    assert codes <= set(explain.TEXTS) and len(codes) > 30
    assert set(explain.TEXTS) - codes <= {"restocking_fee_allowed"}
