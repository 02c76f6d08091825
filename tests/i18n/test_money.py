from decimal import Decimal

import pytest

from i18n.money import CurrencyMismatch, Money, charge_unit, currency_digits


@pytest.mark.parametrize("currency, digits", [("KRW", 0), ("JPY", 0), ("VND", 0), ("USD", 2), ("EUR", 2),
                                              ("TWD", 2), ("GBP", 2)])
def test_digits_come_from_babel(currency, digits):
    assert currency_digits(currency) == digits


@pytest.mark.parametrize("money, locale, expected", [
    (Money(2999, "USD"), "en", "$29.99"),
    (Money(2999, "EUR"), "de", "29,99\xa0€"),
    (Money(3300, "JPY"), "ja", "￥3,300"),
    (Money(29900, "KRW"), "ko", "₩29,900"),
])
def test_formatting_in_the_served_locale(money, locale, expected):
    assert money.format(locale) == expected
    assert money.to_dict(locale) == {"amount": money.amount, "currency": money.currency, "formatted": expected}


def test_money_refuses_floats_and_mixing():
    with pytest.raises(TypeError):
        Money(29.99, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(ValueError):
        Money(1, "XXQ")


def test_allocate_never_loses_a_minor_unit():
    parts = Money(1000, "USD").allocate([1, 1, 1])
    assert [p.amount for p in parts] == [334, 333, 333]
    assert sum(p.amount for p in parts) == 1000


def test_percent_rounds_half_up():
    assert Money(1005, "USD").percent("0.1") == Money(101, "USD")  # 100.5 → 101
    assert Money(999, "JPY").percent(Decimal("0.10")) == Money(100, "JPY")


def test_from_major():
    assert Money.from_major("29.99", "USD") == Money(2999, "USD")
    assert Money.from_major("3300", "JPY") == Money(3300, "JPY")


@pytest.mark.parametrize("currency, unit", [("TWD", 100), ("USD", 1), ("EUR", 1), ("KRW", 1), ("JPY", 1),
                                            ("VND", 1), ("SEK", 1), ("HUF", 1)])
def test_charge_unit_is_whole_dollars_for_twd_else_the_minor_unit(currency, unit):
    # SEK or HUF have no cash minor units (CLDR), but cards are charged in them: not whole units.
    assert charge_unit(currency) == unit
