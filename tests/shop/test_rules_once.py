"""Rules that live in one place: base currency, KRW conversion, charge unit, stock state, CHECK text."""
from __future__ import annotations

from decimal import Decimal

import pytest

from i18n.money import BASE_CURRENCY, Money, currency_digits, from_base


def _old_conversion(amount_krw: int, currency: str, rate: str) -> Decimal:
    """What both former ``convert_krw`` bodies computed (before rounding)."""
    return Decimal(amount_krw) * Decimal(rate) * (Decimal(10) ** currency_digits(currency))


CASES = [  # currency, rate, KRW amount, shipping result (charge unit, half-up)
    ("USD", "0.0006849", 49500, 3390),
    ("JPY", "0.1062", 49500, 5257),
    ("KRW", "1", 49500, 49500),
    ("VND", "18.01", 49500, 891495),
    ("TWD", "0.02123", 49500, 105100),
]


def test_base_currency_is_krw_everywhere():
    from shop.catalog import pricing, rates

    assert BASE_CURRENCY == "KRW"
    assert pricing.BASE_CURRENCY is BASE_CURRENCY and rates.BASE is BASE_CURRENCY


@pytest.mark.parametrize("currency, rate, krw, shipped", CASES)
def test_from_base_matches_the_former_conversions(currency, rate, krw, shipped):
    from fulfillment.shipping.service import convert_krw as shipping_convert

    converted = from_base(krw, currency, Decimal(rate))
    assert converted == _old_conversion(krw, currency, rate)
    assert str(converted) == str(_old_conversion(krw, currency, rate))
    assert shipping_convert(krw, currency, Decimal(rate)) == Money(shipped, currency)


def test_from_base_is_unrounded_and_krw_is_the_identity():
    assert from_base(1000, "USD", Decimal("0.0006849")) == Decimal("68.4900000")
    assert from_base(1000, "JPY", Decimal("0.1062")) == Decimal("106.2000")
    assert from_base(1000, "TWD", Decimal("0.02123")) == Decimal("2123.00000")
    assert from_base(49500, "KRW", Decimal(0)) == Decimal(49500)  # whatever rate the caller holds


def test_market_price_keeps_its_rounding():
    from types import SimpleNamespace

    from shop.catalog.pricing import price_in_market

    usd = SimpleNamespace(currency="USD", price_rounding={"mode": "charm", "ending_minor": 99})
    jpy = SimpleNamespace(currency="JPY", price_rounding={"mode": "step", "step_minor": 10})
    krw = SimpleNamespace(currency="KRW", price_rounding=None)
    assert price_in_market(49500, usd, Decimal("0.0006849"), None) == Money(3399, "USD")
    assert price_in_market(49500, jpy, Decimal("0.1062"), None) == Money(5260, "JPY")
    assert price_in_market(49500, krw, None, None) == Money(49500, "KRW")


@pytest.mark.parametrize("available, threshold, state", [
    (-1, 5, "out"), (0, 5, "out"), (0, 0, "out"), (1, 5, "low"), (5, 5, "low"), (6, 5, "in_stock"),
    (1, 0, "in_stock"),
])
def test_stock_state_boundaries(available, threshold, state):
    from shop.catalog.stock import stock_state, variant_stock_state

    assert stock_state(available, threshold) == state
    variant = type("V", (), {"id": "v1"})()
    assert variant_stock_state(variant, {"v1": available}, {"v1": threshold}) == state


def test_stripe_refuses_amounts_off_the_charge_unit():
    from shop.payments.stripe import StripeCurrencyError, to_stripe_amount

    with pytest.raises(StripeCurrencyError, match=r"multiple of 100"):
        to_stripe_amount(Money(1050, "TWD"))
    assert to_stripe_amount(Money(1100, "TWD")) == 1100
    assert to_stripe_amount(Money(1050, "USD")) == 1050
    assert to_stripe_amount(Money(49500, "KRW")) == 49500


def test_in_check_text():
    from shop.core.db import in_check

    assert in_check("status", ("a", "b_c")) == "status IN ('a', 'b_c')"
    assert in_check("kind", ["receipt"]) == "kind IN ('receipt')"
    assert in_check("x", ("it's",)) == "x IN ('it''s')"


def test_model_check_constraints_are_unchanged():
    from fulfillment.inventory.models import InboundShipment, StockMovement
    from shop.orders.models import Order

    def checks(model):
        return {str(c.sqltext) for c in model.__table__.constraints if c.__class__.__name__ == "CheckConstraint"}

    assert ("status IN ('pending_payment', 'paid', 'partially_shipped', 'shipped', 'delivered', 'completed', "
            "'canceled')") in checks(Order)
    assert "status IN ('announced', 'received', 'canceled')" in checks(InboundShipment)
    assert any(t.startswith("kind IN ('receipt', 'reservation', 'release', ") for t in checks(StockMovement))


def test_inventory_registers_the_warehouse_in_use_check(app):
    from fulfillment.inventory.services.queries import warehouse_holds_stock
    from fulfillment.warehouses.services import IN_USE_CHECKS

    assert warehouse_holds_stock in app.extensions[IN_USE_CHECKS]


def test_warehouse_with_an_inbound_shipment_cannot_be_deleted(app, db_session, factory):
    from fulfillment.inventory import services as inventory
    from fulfillment.warehouses.errors import WarehouseInUse
    from fulfillment.warehouses.services import delete_warehouse, warehouse_in_use
    from tests.fulfillment.inventory.inventory_helpers import make_variants, make_warehouse

    seller, _ = factory.seller()
    (variant_id,) = make_variants(db_session, seller)
    expected, empty = make_warehouse(db_session), make_warehouse(db_session)
    inventory.announce_inbound(db_session, seller_id=seller.id, warehouse_id=expected.id,
                               lines=[{"variant_id": variant_id, "quantity": 3}])

    assert warehouse_in_use(db_session, expected.id) and not warehouse_in_use(db_session, empty.id)
    with pytest.raises(WarehouseInUse):
        delete_warehouse(db_session, expected.id)
    delete_warehouse(db_session, empty.id)
