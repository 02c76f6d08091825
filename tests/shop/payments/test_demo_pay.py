"""``flask demo pay NUMBER``: a demo order paid with a test card on localstripe, through Stripe's events.

The command confirms the PaymentIntent on localstripe and lets the provider's events mark
the order paid: over the webhook when the web app runs, else by reading the events back.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.orders.models import Order
from shop.payments.models import Payment, StripeEvent
from tests.shop.checkout.helpers import checkout, make_item, ready_cart
from tests.shop.checkout.test_end_to_end import buy, live_app, wait_for_status  # noqa: F401 - a fixture
from tests.shop.payments.stripe_fixtures import DECLINING_CARD


def placed_order(client, db_session) -> Order:
    body = checkout(client, ready_cart(client, "US", make_item(db_session).id)["id"]).json
    return db_session.get(Order, body["order"]["id"])


def pay(app, number: str, *args: str):
    return app.test_cli_runner().invoke(args=["demo", "pay", number, *args])


@pytest.mark.live
def test_a_test_card_pays_the_order_through_the_providers_events(app, client, db_session, stripe_on):
    # given: an order placed at checkout, its intent waiting for the buyer's card
    order = placed_order(client, db_session)
    assert order.status == "pending_payment"
    # when: the demo buyer pays (no web app for the webhook to reach: the events are read back)
    result = pay(app, order.number, "--wait", "0")
    # then
    assert result.exit_code == 0, result.output
    assert f"order {order.number}: paid" in result.output and "succeeded" in result.output
    db_session.expire_all()
    assert db_session.get(Order, order.id).status == "paid"
    payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
    assert payment.status == "succeeded" and payment.captured_minor == order.total_minor
    assert db_session.scalar(select(StripeEvent.outcome).where(StripeEvent.intent_id == payment.intent_id)) == "paid"
    # and: a second run finds nothing left to pay
    again = pay(app, order.number, "--wait", "0")
    assert again.exit_code == 1 and "order_not_payable (paid)" in again.output


@pytest.mark.live
def test_a_declining_test_card_leaves_the_order_payable(app, client, db_session, stripe_on):
    order = placed_order(client, db_session)
    result = pay(app, order.number, "--card", DECLINING_CARD, "--wait", "0")
    assert result.exit_code == 1, result.output
    assert f"order {order.number}: pending_payment" in result.output and "failed" in result.output
    db_session.expire_all()
    payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
    assert payment.status == "failed" and payment.failure_code == "card_declined"


@pytest.mark.live
def test_with_the_web_app_running_the_webhook_marks_it_paid_first(app, live_app, committed_db,  # noqa: F811
                                                                  stripe_on):
    variant = make_item(committed_db, stock=4, price_krw=38000)
    variant_id, product_id = variant.id, variant.product_id
    committed_db.remove()
    _, placed = buy(live_app, variant_id, product_id)
    result = pay(app, placed["order"]["number"], "--wait", "20")
    assert result.exit_code == 0, result.output
    # the webhook applied the success; reading the events back found it already recorded
    assert "events: duplicate" in result.output
    paid = wait_for_status(live_app, placed["order"]["id"], placed["access_token"], "paid", timeout=1)
    assert paid["payment"]["status"] == "succeeded"


def test_unknown_orders_and_payments_switched_off_are_refused(app, client, db_session, stripe_on, monkeypatch):
    unknown = pay(app, "DR-NO-SUCH")
    assert unknown.exit_code == 1 and "not_found" in unknown.output
    order = placed_order(client, db_session)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)
    off = pay(app, order.number, "--wait", "0")
    assert off.exit_code == 1 and "payments_not_configured" in off.output


def test_a_live_key_never_pays_with_a_test_card():
    from shop.payments.gateway import GatewayError
    from shop.payments.stripe import StripeGateway

    with pytest.raises(GatewayError, match="test key"):
        StripeGateway("sk_live_not_a_real_key", api_base="http://127.0.0.1:9").confirm_with_test_card(
            "pi_123", "pm_card_visa")
