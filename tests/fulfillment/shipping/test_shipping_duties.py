"""Duties and import taxes from the market rules (fulfillment/shipping/duties.py)."""
from __future__ import annotations

from datetime import date

import pytest

from fulfillment.shipping.duties import Goods, charge_unit, duty_rate, landed_cost
from i18n.money import Money
from shop.markets.services import load_bundled

TODAY = date(2026, 11, 25)
MARKETS = {m["code"]: m for m in load_bundled()["markets"]}


def quote(market, value, *, country=None, hs="330499", shipping=0, today=TODAY, subdivision=None, quantity=1,
          lines=None):
    entry = MARKETS[market]
    currency = entry["currency"]
    goods = lines or [Goods(Money(value, currency), quantity, hs)]
    return landed_cost(market=market, currency=currency, rules=entry["import"],
                       country=country or entry["countries"][0], subdivision=subdivision, goods=goods,
                       shipping=Money(shipping, currency), today=today)


# De minimis: just under / at / just over each threshold.
@pytest.mark.parametrize("market, threshold, step", [("JP", 10000, 1), ("CA", 2000, 1), ("TW", 200000, 100)])
def test_de_minimis_exempts_duty_and_tax_up_to_the_threshold(market, threshold, step):
    under = quote(market, threshold - step, hs="691200")
    at = quote(market, threshold, hs="691200")
    over = quote(market, threshold + step, hs="691200")

    assert under.charges == () and at.charges == ()
    assert set(under.exemptions) == {"duty", "tax"}
    assert over.exemptions == ()
    assert over.duties.amount > 0 and over.taxes.amount > 0


@pytest.mark.parametrize("market, threshold, scheme", [
    ("GB", 13500, "UK_POINT_OF_SALE_VAT"), ("AU", 100000, "AU_LVIG_GST"), ("SG", 40000, "OVR"),
    ("EU", 15000, "IOSS"),
])
def test_tax_collected_at_checkout_up_to_the_scheme_ceiling(market, threshold, scheme):
    at = quote(market, threshold, hs="691200")
    over = quote(market, threshold + 1, hs="691200")

    assert at.incoterm == "DDP" and at.scheme == scheme
    assert at.taxes.amount > 0 and all(c.collected == "now" for c in at.charges)
    assert over.scheme is None
    assert over.incoterm == "DDP"  # every one of these markets also offers prepaid duties
    assert over.taxes.amount > 0


def test_uk_no_duty_up_to_135_pounds_then_duty_and_vat():
    at = quote("GB", 13500, hs="691200", shipping=1000)
    over = quote("GB", 13501, hs="691200", shipping=1000)

    assert at.duties == Money(0, "GBP")
    assert at.taxes == Money(2900, "GBP")  # 20% of (135.00 + 10.00)
    assert over.duties == Money(1350, "GBP")  # 10% chapter 69
    assert over.taxes == Money(round((13501 + 1000 + 1350) * 0.2), "GBP")


def test_eu_ioss_charges_the_destination_vat_and_the_flat_duty_per_item_category():
    lines = [Goods(Money(5000, "EUR"), 1, "330499"), Goods(Money(3000, "EUR"), 2, "330499"),
             Goods(Money(4000, "EUR"), 1, "691200")]

    de = quote("EU", 0, country="DE", lines=lines, shipping=1500)

    assert de.scheme == "IOSS"
    flat = [c for c in de.charges if c.code == "duty_flat_item_category"]
    assert flat and flat[0].amount == Money(600, "EUR")  # two HS-6 categories × €3
    tax = next(c for c in de.charges if c.kind == "tax")
    assert tax.rate == "0.19" and tax.amount == Money(round((12000 + 1500 + 600) * 0.19), "EUR")


def test_eu_flat_duty_is_not_in_force_before_july_2026():
    before = quote("EU", 10000, country="DE", hs="691200", today=date(2026, 6, 30))

    assert all(c.code != "duty_flat_item_category" for c in before.charges)
    assert before.duties == Money(900, "EUR")  # the ad valorem rate of chapter 69 instead


@pytest.mark.parametrize("country, fee", [("IT", 200), ("FR", 400), ("DE", 0)])
def test_eu_national_low_value_fees(country, fee):
    result = quote("EU", 5000, country=country, hs="691200", quantity=2)

    fees = sum(c.amount.amount for c in result.charges if c.code.endswith("_LOW_VALUE_FEE"))
    assert fees == fee


def test_us_has_no_de_minimis_and_the_section_122_surcharge_is_dated():
    november = quote("US", 2000, hs="691200")
    march = quote("US", 2000, hs="691200", today=date(2026, 3, 1))

    assert november.duties == Money(120, "USD")  # 6% chapter 69
    assert november.taxes == Money(0, "USD")
    assert march.duties == Money(120 + 200, "USD")  # + 10% Section 122


def test_hong_kong_is_a_free_port_and_dap():
    result = quote("HK", 100000)

    assert result.incoterm == "DAP" and result.charges == ()


def test_dap_market_shows_the_estimate_as_payable_on_delivery():
    rules = dict(MARKETS["VN"]["import"], ddp_available=False)

    result = landed_cost(market="VN", currency="VND", rules=rules, country="VN", subdivision=None,
                         goods=[Goods(Money(1000000, "VND"), 1, "330499")], shipping=Money(0, "VND"), today=TODAY)

    assert result.incoterm == "DAP"
    assert result.due_now == Money(0, "VND")
    assert result.due_on_delivery == result.duties + result.taxes
    assert result.due_on_delivery.amount == 200000 + 120000  # 20% duty, then 10% VAT on value + duty


def test_canada_uses_hst_by_province():
    ontario = quote("CA", 10000, hs="691200", subdivision="CA-ON")
    alberta = quote("CA", 10000, hs="691200", subdivision="CA-AB")

    assert next(c for c in ontario.charges if c.kind == "tax").rate == "0.13"
    assert next(c for c in alberta.charges if c.kind == "tax").rate == "0.05"


def test_china_cross_border_retail_within_the_limit():
    within = quote("CN", 100000, hs="330499")
    over = quote("CN", 500001, hs="330499")

    assert within.duties == Money(0, "CNY")
    assert next(c for c in within.charges if c.kind == "tax").rate == "0.091"
    assert over.duties == Money(15000, "CNY")  # 3% chapter 33 on 5,000.01
    assert next(c for c in over.charges if c.kind == "tax").rate == "0.13"


def test_duty_rate_by_chapter_else_default():
    assert duty_rate("US", "6912.00") == (duty_rate("US", "691200")[0], "69")
    assert duty_rate("US", "999999")[1] is None


def test_twd_amounts_are_whole_dollars():
    assert charge_unit("TWD") == 100 and charge_unit("USD") == 1 and charge_unit("KRW") == 1
    result = quote("TW", 200100, hs="691200", shipping=12300)

    assert all(c.amount.amount % 100 == 0 for c in result.charges)
