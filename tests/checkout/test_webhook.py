"""Stripe webhooks: signatures, at-most-once processing, order of events, amount checks."""
from __future__ import annotations

from sqlalchemy import select

from fulfillment.inventory.models import Reservation
from shop.checkout.models import Cart
from shop.jobs.models import OutboxMessage
from shop.orders.models import Order
from shop.payments.models import Payment, PaymentAlert, StripeEvent
from tests.checkout.helpers import checkout, intent_event, make_item, post_event, ready_cart, signed_event

SUCCEEDED, FAILED = "payment_intent.succeeded", "payment_intent.payment_failed"


def placed(client, db_session, market="US", **item):
    variant = make_item(db_session, **item)
    cart = ready_cart(client, market, variant.id)
    body = checkout(client, cart["id"]).json
    order = db_session.get(Order, body["order"]["id"])
    payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
    return order, payment, variant


def reservation(db_session, order):
    db_session.expire_all()
    return db_session.scalar(select(Reservation).where(Reservation.reference == order.id))


def test_succeeded_marks_the_order_paid_allocates_and_defers_the_paid_job(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)

    response = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    assert response.status_code == 200 and response.json["outcome"] == "paid"
    db_session.expire_all()
    assert order.status == "paid" and order.paid_at is not None
    assert payment.status == "succeeded"
    assert reservation(db_session, order).status == "allocated"
    jobs = db_session.scalars(select(OutboxMessage).where(OutboxMessage.job == "shop.orders.tasks.order_paid")).all()
    assert [job.kwargs for job in jobs] == [{"order_id": order.id}]


def test_forged_or_unsigned_webhooks_are_400_and_change_nothing(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    event = intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd")

    payload, headers = signed_event(event, secret="whsec_not_ours")
    forged = client.post("/api/v1/payments/stripe/webhook", data=payload, headers=headers)
    unsigned = client.post("/api/v1/payments/stripe/webhook", data=payload,
                           headers={"Content-Type": "application/json"})
    payload, headers = signed_event(event)
    tampered = client.post("/api/v1/payments/stripe/webhook", data=payload.replace(b'"usd"', b'"eur"'),
                           headers=headers)
    stale_payload, stale_headers = signed_event(event, timestamp=1_000_000_000)
    replayed = client.post("/api/v1/payments/stripe/webhook", data=stale_payload, headers=stale_headers)

    for response in (forged, unsigned, tampered, replayed):
        assert response.status_code == 400 and response.json["code"] == "invalid_webhook_signature"
    db_session.expire_all()
    assert order.status == "pending_payment"
    assert db_session.scalar(select(StripeEvent).where(StripeEvent.id == event["id"])) is None


def test_a_repeated_event_is_processed_once(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    event = intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd")

    first = post_event(client, event)
    again = post_event(client, event)

    assert first.json["outcome"] == "paid" and again.json["outcome"] == "duplicate"
    assert again.status_code == 200
    assert len(db_session.scalars(select(OutboxMessage).where(
        OutboxMessage.job == "shop.orders.tasks.order_paid")).all()) == 1


def test_failure_cancels_the_order_releases_stock_and_reopens_the_cart(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)

    response = post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "canceled"
    db_session.expire_all()
    assert order.status == "canceled" and order.cancel_reason == "payment_failed"
    assert reservation(db_session, order).status == "released"
    assert db_session.get(Cart, order.cart_id).status == "open"
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.payments.tasks.cancel_intent"))


def test_a_late_failure_after_success_is_harmless(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    response = post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "stale"
    db_session.expire_all()
    assert order.status == "paid" and reservation(db_session, order).status == "allocated"


def test_success_after_cancellation_is_flagged_for_ops(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))

    response = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "paid_after_cancel"
    db_session.expire_all()
    assert order.status == "canceled"
    alert = db_session.scalar(select(PaymentAlert).where(PaymentAlert.order_id == order.id))
    assert alert.kind == "paid_after_cancel"


def test_amount_or_currency_mismatch_is_flagged_and_not_paid(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)

    short = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor - 1, "usd"))
    wrong_currency = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "eur"))

    assert short.json["outcome"] == wrong_currency.json["outcome"] == "amount_mismatch"
    db_session.expire_all()
    assert order.status == "pending_payment"
    kinds = db_session.scalars(select(PaymentAlert.kind).where(PaymentAlert.order_id == order.id)).all()
    assert kinds == ["amount_mismatch", "amount_mismatch"]


def test_unrelated_events_are_acknowledged_and_ignored(client, db_session, stripe_on):
    response = post_event(client, {"id": "evt_other", "type": "customer.created", "created": 1,
                                   "data": {"object": {"id": "cus_1", "object": "customer"}}})

    assert response.status_code == 200 and response.json["outcome"] == "ignored"


def test_ops_see_payment_alerts(client, db_session, factory, stripe_on):
    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(SUCCEEDED, payment.intent_id, 1, "usd"))

    response = client.get("/api/v1/admin/payment-alerts", headers=factory.headers(factory.user("ops")))

    assert response.status_code == 200
    assert response.json["items"][0]["kind"] == "amount_mismatch"
    customer = client.get("/api/v1/admin/payment-alerts", headers=factory.headers(factory.user()))
    assert customer.status_code == 403


def test_payment_for_an_order_whose_stock_was_lost_is_flagged_and_canceled(client, db_session, app, stripe_on):
    order, payment, _ = placed(client, db_session)
    app.extensions["dari.inventory"].release(db_session, reference=order.id, reason="test: expired and resold")
    db_session.commit()

    response = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "paid_without_stock"
    db_session.expire_all()
    assert order.status == "canceled" and order.cancel_reason == "stock_lost"
    assert payment.status == "succeeded"
    assert db_session.scalar(select(PaymentAlert.kind).where(PaymentAlert.order_id == order.id)) == \
        "paid_without_stock"
