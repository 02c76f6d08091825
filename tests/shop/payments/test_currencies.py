"""Stripe's currency rules at the boundary: zero-decimal KRW, JPY, VND; TWD in whole dollars."""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from i18n.money import Money
from shop.orders.models import Order
from shop.payments.stripe import StripeCurrencyError, from_stripe_amount, to_stripe_amount
from tests.shop.checkout.helpers import checkout, make_item, ready_cart
from tests.shop.payments.stripe_fixtures import SECRET_KEY


@pytest.mark.parametrize("money, stripe_amount", [
    (Money(25000, "KRW"), 25000),      # ₩25,000: zero-decimal, our minor unit is the won
    (Money(3300, "JPY"), 3300),        # ¥3,300
    (Money(450000, "VND"), 450000),    # ₫450,000
    (Money(105100, "TWD"), 105100),    # NT$1,051.00: cents in the API, whole dollars only
    (Money(2999, "USD"), 2999),
    (Money(2999, "EUR"), 2999),
])
def test_stripe_amounts(money, stripe_amount):
    assert to_stripe_amount(money) == stripe_amount
    assert from_stripe_amount(stripe_amount, money.currency.lower()) == money


def test_fractional_twd_is_refused_rather_than_rounded_by_stripe():
    with pytest.raises(StripeCurrencyError):
        to_stripe_amount(Money(105150, "TWD"))


def test_the_charge_unit_rule_and_the_stripe_boundary_agree_for_every_market(app):
    """``i18n.money.charge_unit`` (shipping, duties, price overrides) and Stripe's own check say the same."""
    from fulfillment.shipping import duties
    from i18n.money import charge_unit
    from shop.core.db import db
    from shop.markets.services import list_markets
    from shop.payments.stripe import MAX_AMOUNT, max_charge

    assert duties.charge_unit is charge_unit
    with app.app_context():
        currencies = {market.currency for market in list_markets(db.session)}
    assert "TWD" in currencies
    for currency in currencies:
        unit = charge_unit(currency)
        assert to_stripe_amount(Money(unit * 7, currency)) >= 7
        if unit > 1:
            with pytest.raises(StripeCurrencyError):
                to_stripe_amount(Money(unit * 7 + 1, currency))
        largest = max_charge(currency)
        assert largest.amount % unit == 0 and to_stripe_amount(largest) <= MAX_AMOUNT
        with pytest.raises(StripeCurrencyError):
            to_stripe_amount(Money(largest.amount + unit, currency))


@pytest.mark.parametrize("currency", ["BHD", "KWD"])
def test_three_decimal_currencies_are_refused(currency):
    with pytest.raises(StripeCurrencyError):
        to_stripe_amount(Money(1000, currency))


@pytest.mark.parametrize("market", ["JP", "VN", "TW", "US"])
def test_payment_intent_amount_matches_the_order_in_each_currency(client, db_session, stripe_on, market):
    item = make_item(db_session, price_krw=33333)
    cart = ready_cart(client, market, item.id)

    body = checkout(client, cart["id"]).json

    order = db_session.scalar(select(Order).where(Order.id == body["order"]["id"]))
    intent = requests.get(f"{stripe_on}/v1/payment_intents/{body['payment_intent_id']}", auth=(SECRET_KEY, ""),
                          timeout=10).json()
    assert intent["currency"] == order.currency.lower()
    assert intent["amount"] == to_stripe_amount(Money(order.total_minor, order.currency))
    if market == "TW":
        assert order.total_minor % 100 == 0 and all(line.unit_price_minor % 100 == 0 for line in order.lines)
