from decimal import Decimal
from types import SimpleNamespace

import pytest

from i18n.money import Money, from_base
from shop.catalog.errors import PriceUnavailable
from shop.catalog.pricing import market_price, price_in_market, round_minor
from shop.catalog.services import products as svc
from shop.markets.services import get_market
from tests.shop.catalog.helpers import make_product, variant


def _market(currency, rule, code="XX"):
    return SimpleNamespace(code=code, currency=currency, price_rounding=rule)


CHARM_99 = {"mode": "charm", "ending_minor": 99, "direction": "up"}


@pytest.mark.parametrize("currency, rule, rate, krw, expected", [
    # KRW: no conversion, whole won
    ("KRW", {}, "1", 25000, 25000),
    # JPY has no minor unit (Babel); 25000 × 0.1062 = 2655 → up to 10 yen
    ("JPY", {"mode": "step", "step_minor": 10, "direction": "up"}, "0.1062", 25000, 2660),
    ("JPY", {"mode": "step", "step_minor": 10, "direction": "up"}, "0.1", 25000, 2500),  # already on a step
    # USD two digits: 17.1225 → 17.99
    ("USD", CHARM_99, "0.0006849", 25000, 1799),
    ("USD", CHARM_99, "0.0006849", 29197, 2099),  # 19.997… is above 19.99: the next .99 is 20.99
    # EUR: 14.76 → 14.99
    ("EUR", CHARM_99, "0.0005904", 25000, 1499),
    # TWD: Babel says 2 digits; prices are whole dollars (step 100 minor): 530.75 → 531.00
    ("TWD", {"mode": "step", "step_minor": 100, "direction": "up"}, "0.02123", 25000, 53100),
    # VND: zero digits, round up to 1,000 dong: 450,250 → 451,000
    ("VND", {"mode": "step", "step_minor": 1000, "direction": "up"}, "18.01", 25000, 451000),
])
def test_rounding_per_currency(currency, rule, rate, krw, expected):
    money = price_in_market(krw, _market(currency, rule), Decimal(rate))
    assert money == Money(expected, currency)


def test_charm_keeps_an_exact_ending():
    assert round_minor(Decimal("2999"), CHARM_99) == 2999
    assert round_minor(Decimal("2999.01"), CHARM_99) == 3099


def test_no_rule_rounds_half_up_to_currency_digits():
    assert round_minor(Decimal("1234.5"), {}) == 1235
    assert from_base(1000, "USD", Decimal("0.0006849")) == Decimal("68.4900000")
    assert from_base(1000, "JPY", Decimal("0.1062")) == Decimal("106.2000")


def test_override_wins_and_stale_currency_is_ignored():
    market = _market("USD", CHARM_99)
    assert price_in_market(25000, market, Decimal("0.0006849"), SimpleNamespace(currency="USD", amount_minor=2500)) \
        == Money(2500, "USD")
    assert price_in_market(25000, market, Decimal("0.0006849"), SimpleNamespace(currency="EUR", amount_minor=2500)) \
        == Money(1799, "USD")


def test_no_rate_and_no_override_is_price_unavailable():
    with pytest.raises(PriceUnavailable) as info:
        price_in_market(25000, _market("CHF", CHARM_99), None)
    assert info.value.code == "price_unavailable"


def test_market_price_uses_stored_override_or_bundled_rate(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, variants=[variant(price_krw=25000)])
    jp, us = get_market(db_session, "JP"), get_market(db_session, "US")
    the_variant = product.variants[0]
    assert market_price(db_session, the_variant, jp) == Money(2660, "JPY")
    svc.set_market_price(db_session, the_variant, "JP", 1980)
    assert market_price(db_session, the_variant, jp) == Money(1980, "JPY")
    assert market_price(db_session, the_variant, us) == Money(1799, "USD")
