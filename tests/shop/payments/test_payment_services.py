"""Payment rules at the service level: webhook events apply once, forward only, amounts checked."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from shop.orders.models import Order
from shop.payments import services
from shop.payments.errors import PaymentsNotConfigured
from shop.payments.models import Payment, PaymentAlert
from shop.payments.stripe import WebhookEvent
from tests.shop.checkout.helpers import checkout, make_item, ready_cart


def placed(client, db_session) -> tuple[Order, Payment]:
    body = checkout(client, ready_cart(client, "US", make_item(db_session).id)["id"]).json
    order = db_session.get(Order, body["order"]["id"])
    return order, db_session.scalar(select(Payment).where(Payment.order_id == order.id))


def event(kind: str, payment: Payment, amount: int | None = None, currency: str | None = None) -> WebhookEvent:
    amount = payment.amount_minor if amount is None else amount
    return WebhookEvent(id=f"evt_{os.urandom(6).hex()}", type=f"payment_intent.{kind}", created=0, object={
        "id": payment.intent_id, "object": "payment_intent", "amount": amount,
        "amount_received": amount if kind == "succeeded" else 0, "currency": (currency or payment.currency).lower()})


def test_an_event_applies_once(client, db_session, fake_payments):
    order, payment = placed(client, db_session)
    paid = event("succeeded", payment)

    assert services.handle_event(db_session, paid) == "paid"
    assert services.handle_event(db_session, paid) == "duplicate"
    assert order.status == "paid" and payment.captured_minor == order.total_minor


@pytest.mark.parametrize("amount, currency", [(1, None), (None, "eur")])
def test_a_wrong_amount_or_currency_is_an_alert_not_a_payment(client, db_session, fake_payments, amount, currency):
    order, payment = placed(client, db_session)

    assert services.handle_event(db_session, event("succeeded", payment, amount, currency)) == "amount_mismatch"

    assert order.status == "pending_payment"
    assert db_session.scalar(select(PaymentAlert).where(PaymentAlert.order_id == order.id)).kind == "amount_mismatch"


def test_a_failure_after_success_changes_nothing(client, db_session, fake_payments):
    order, payment = placed(client, db_session)
    services.handle_event(db_session, event("succeeded", payment))

    assert services.handle_event(db_session, event("payment_failed", payment)) == "stale"
    assert order.status == "paid"


def test_a_failure_keeps_the_order_payable_and_defers_nothing(client, db_session, fake_payments):
    from shop.core.jobs.models import OutboxMessage

    order, payment = placed(client, db_session)
    declined = event("payment_failed", payment)
    declined.object["last_payment_error"] = {"code": "card_declined", "decline_code": "insufficient_funds",
                                             "message": "Your card has insufficient funds."}

    assert services.handle_event(db_session, declined) == "failed"
    assert order.status == "pending_payment" and order.cancel_reason is None and payment.status == "failed"
    assert (payment.failure_code, payment.failure_message) == ("insufficient_funds",
                                                               "Your card has insufficient funds.")
    assert payment.failed_at is not None
    key = f"cancel-intent:{payment.intent_id}"
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)) is None
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.payments.tasks.cancel_intent")) \
        is None


def test_an_unexpired_order_is_not_canceled_by_the_expiry(client, db_session, fake_payments):
    order, _ = placed(client, db_session)

    assert services.cancel_expired(db_session, order.id, intent_canceled=True) == "skipped"
    assert order.status == "pending_payment"


def test_the_gateway_is_refused_when_card_payments_are_off(app):
    with app.app_context(), pytest.raises(PaymentsNotConfigured):
        services.gateway()  # the tests run without STRIPE_SECRET_KEY
