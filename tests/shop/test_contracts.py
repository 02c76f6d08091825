"""Contract tests: one set of cases for each seam, run against the real implementation and the fake.

The seams are the store's contracts (``InventoryGateway``, ``ShippingQuoter``,
``PaymentGateway``); a fake that passes these cases may stand in for the real thing.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fulfillment.inventory.services import available_by_variant
from fulfillment.inventory.stock import InventoryGateway as RealInventory
from fulfillment.shipping.service import ShippingService
from i18n.money import Money
from shop.checkout.shipping import LandedCost, ShippingOption, ShippingQuoter
from shop.core.db import utcnow
from shop.orders.inventory import InventoryGateway, StockShortage
from shop.payments.gateway import GatewayError, PaymentGateway
from shop.payments.stripe import ConfiguredStripe
from tests.fakes import FakeInventory, FakePayments, FakeShipping
from tests.shop.checkout.helpers import make_item
from tests.shop.payments.stripe_fixtures import confirm_intent


@pytest.fixture(params=["real", "fake"])
def stocked(request, db_session):
    """``(gateway, variant_id)``: 3 units of one variant sellable in the US."""
    variant = make_item(db_session, stock=3)
    gateway = RealInventory() if request.param == "real" else FakeInventory({(variant.id, "US"): 3})
    return gateway, variant.id


def left(gateway, session, variant_id) -> int:
    """Units still sellable in the US: a probe of these tests, not part of the contract."""
    if isinstance(gateway, FakeInventory):
        return gateway.available.get((variant_id, "US"), 0)
    return available_by_variant(session, [variant_id], "US")[variant_id]


def later():
    return utcnow() + timedelta(minutes=30)


def test_inventory_satisfies_the_contract(stocked):
    assert isinstance(stocked[0], InventoryGateway)


def test_inventory_reserve_holds_once_per_reference(db_session, stocked):
    gateway, variant_id = stocked
    gateway.reserve(db_session, reference="ord_a", market_code="US", lines=[(variant_id, 2)], expires_at=later())
    gateway.reserve(db_session, reference="ord_a", market_code="US", lines=[(variant_id, 2)], expires_at=later())

    assert left(gateway, db_session, variant_id) == 1


def test_inventory_shortage_is_typed_and_holds_nothing(db_session, stocked):
    gateway, variant_id = stocked
    with pytest.raises(StockShortage) as caught:
        gateway.reserve(db_session, reference="ord_b", market_code="US", lines=[(variant_id, 2), (variant_id, 2)],
                        expires_at=later())

    assert [line["variant_id"] for line in caught.value.lines] == [variant_id]
    assert caught.value.code == "out_of_stock"
    assert left(gateway, db_session, variant_id) == 3


def test_inventory_release_gives_back_once(db_session, stocked):
    gateway, variant_id = stocked
    gateway.reserve(db_session, reference="ord_c", market_code="US", lines=[(variant_id, 3)], expires_at=later())
    gateway.release(db_session, reference="ord_c", reason="test")
    gateway.release(db_session, reference="ord_c", reason="test")
    gateway.release(db_session, reference="never-held", reason="test")

    assert left(gateway, db_session, variant_id) == 3


def test_inventory_allocated_units_are_not_for_sale_until_released(db_session, stocked):
    gateway, variant_id = stocked
    gateway.reserve(db_session, reference="ord_d", market_code="US", lines=[(variant_id, 2)], expires_at=later())
    gateway.allocate(db_session, reference="ord_d")
    assert left(gateway, db_session, variant_id) == 1

    gateway.release(db_session, reference="ord_d", reason="canceled before shipping")
    assert left(gateway, db_session, variant_id) == 3


@pytest.fixture(params=["real", "fake"])
def quoter(request):
    return ShippingService() if request.param == "real" else FakeShipping()


ITEMS = [({"weight_g": 400, "length_mm": 150, "width_mm": 100, "height_mm": 80}, 2)]


def test_shipping_quotes_options_in_the_market_currency_cheapest_first(quoter):
    assert isinstance(quoter, ShippingQuoter)
    options = quoter.options(country="US", items=ITEMS, currency="USD", fx_rate=Decimal("0.00072"))

    assert options and all(isinstance(o, ShippingOption) and o.amount.currency == "USD" for o in options)
    assert [o.amount.amount for o in options] == sorted(o.amount.amount for o in options)
    assert all(o.chargeable_weight_g >= 800 for o in options)
    assert isinstance(quoter.refusals(country="US", items=ITEMS), dict)


def test_shipping_landed_cost_splits_what_is_due_now_and_on_delivery(quoter, db_session):
    from shop.markets.models import Market

    market = db_session.get(Market, "US")
    landed = quoter.landed_cost(market="US", currency="USD", rules=market.import_rules or {}, country="US",
                                subdivision=None, goods=[{"value_minor": 5000, "quantity": 2, "hs_code": "691200"}],
                                shipping=Money(1500, "USD"), today=date(2026, 12, 1))

    assert isinstance(landed, LandedCost) and landed.incoterm in ("DDP", "DAP")
    assert landed.due_now + landed.due_on_delivery == landed.duties + landed.taxes


@pytest.fixture(params=["real", "fake"])
def payments(request, app):
    if request.param == "fake":
        fake = FakePayments()
        return fake, fake.succeed
    base = request.getfixturevalue("stripe_on")
    return ConfiguredStripe(), lambda intent_id: confirm_intent(base, intent_id)


def test_payments_satisfy_the_contract(app, payments):
    with app.app_context():
        gateway, _ = payments
        assert isinstance(gateway, PaymentGateway) and gateway.enabled()


def test_payments_create_retrieve_and_cancel(app, payments):
    gateway, _ = payments
    with app.app_context():
        intent = gateway.create_intent(amount=Money(2999, "USD"), idempotency_key="contract-1", metadata={"k": 1})

        assert (intent.amount, intent.currency) == (2999, "USD") and intent.client_secret
        assert gateway.retrieve(intent.id).id == intent.id
        assert gateway.cancel(intent.id).status == "canceled"
        assert gateway.cancel(intent.id).status == "canceled"


def test_payments_refund_part_of_a_captured_payment(app, payments):
    gateway, capture = payments
    with app.app_context():
        intent = gateway.create_intent(amount=Money(5000, "JPY"), idempotency_key="contract-2", metadata={})
        capture(intent.id)

        assert gateway.cancel(intent.id).status == "succeeded"  # a captured payment stays captured
        refund = gateway.refund(intent.id, amount=Money(2000, "JPY"), idempotency_key="contract-2-refund-1")
        assert refund.amount == Money(2000, "JPY") and refund.intent_id == intent.id


def test_payments_refuse_to_refund_what_was_never_captured(app, payments):
    gateway, _ = payments
    with app.app_context():
        intent = gateway.create_intent(amount=Money(1000, "USD"), idempotency_key="contract-3", metadata={})

        with pytest.raises(GatewayError):
            gateway.refund(intent.id, amount=Money(500, "USD"), idempotency_key="contract-3-refund")
