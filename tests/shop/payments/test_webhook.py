"""Stripe webhooks: signatures, at-most-once processing, order of events, amount checks."""
from __future__ import annotations

from sqlalchemy import select

from fulfillment.inventory.models import Reservation
from shop.checkout.models import Cart
from shop.core.jobs.models import OutboxMessage
from shop.orders.models import Order
from shop.payments.models import Payment, PaymentAlert, StripeEvent
from tests.shop.checkout.helpers import checkout, intent_event, make_item, post_event, ready_cart, signed_event

SUCCEEDED, FAILED, CANCELED = "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled"


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


def test_failure_keeps_the_order_pending_with_its_stock_and_the_intent_confirmable(client, db_session, stripe_on):
    """A declined card: the buyer may retry the same intent with another card until the order expires."""
    order, payment, _ = placed(client, db_session)

    response = post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "failed"
    db_session.expire_all()
    assert order.status == "pending_payment" and order.cancel_reason is None
    assert payment.status == "failed"
    assert reservation(db_session, order).status == "active"
    assert db_session.get(Cart, order.cart_id).status == "checked_out"
    assert db_session.scalar(select(OutboxMessage).where(
        OutboxMessage.job == "shop.payments.tasks.cancel_intent")) is None


def test_an_intent_canceled_cancels_the_order_releases_stock_and_reopens_the_cart(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)

    response = post_event(client, intent_event(CANCELED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "canceled"
    db_session.expire_all()
    assert order.status == "canceled" and order.cancel_reason == "payment_canceled"
    assert payment.status == "canceled"
    assert reservation(db_session, order).status == "released"
    assert db_session.get(Cart, order.cart_id).status == "open"


def test_a_late_failure_after_success_is_harmless(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    response = post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "stale"
    db_session.expire_all()
    assert order.status == "paid" and reservation(db_session, order).status == "allocated"


def test_success_after_cancellation_is_flagged_for_ops(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(CANCELED, payment.intent_id, order.total_minor, "usd"))

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
    alert = db_session.scalar(select(PaymentAlert).where(PaymentAlert.order_id == order.id))
    assert alert.kind == "paid_without_stock" and alert.details["action"] == "refund"


def _signed_post(client, body: bytes):
    """Post a raw body signed with the test webhook secret (whatever it contains)."""
    import hashlib
    import hmac
    import time

    from tests.shop.payments.stripe_fixtures import WEBHOOK_SECRET

    timestamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return client.post("/api/v1/payments/stripe/webhook", data=body,
                       headers={"Stripe-Signature": f"t={timestamp},v1={signature}",
                                "Content-Type": "application/json"})


def test_signed_but_malformed_events_are_400_and_change_nothing(client, db_session, stripe_on):
    import json

    order, payment, _ = placed(client, db_session)
    good = intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd", event_id="evt_a1")

    def variant(**changes):
        event = json.loads(json.dumps(good))
        for path, value in changes.items():
            target = event
            *parents, leaf = path.split("__")
            for part in parents:
                target = target[part]
            target[leaf] = value
        return json.dumps(event).encode()

    bodies = [
        variant(created="abc"), variant(created=None), variant(created=True), variant(created=1.5),
        b"[1,2]", b'"event"', b"null", b"12", b"not json",
        variant(id=["evt"]), variant(id=""), variant(id="e" * 101), variant(type=7),
        variant(data=[1]), variant(data={"object": [1]}), variant(data=None),
        variant(data__object__id={"nested": 1}), variant(data__object__id=None),
        variant(data__object__currency=["usd"]), variant(data__object__amount="100"),
        variant(data__object__amount=None), variant(data__object__amount_received="100"),
        variant(data__object__metadata=[1]),
        json.dumps({"id": "evt_other", "type": "customer.created", "created": 1,
                    "data": {"object": {"id": {"x": 1}, "object": "customer"}}}).encode(),
    ]
    for body in bodies:
        response = _signed_post(client, body)
        assert response.status_code == 400, (body, response.json)
        assert response.json["code"] == "invalid_webhook_payload"
        assert response.mimetype == "application/problem+json"

    not_utf8 = _signed_post(client, "\u00e9".encode("latin-1"))  # Stripe's helper cannot even read it
    assert not_utf8.status_code == 400 and not_utf8.json["code"] == "invalid_webhook_signature"
    db_session.expire_all()
    assert order.status == "pending_payment"
    assert db_session.scalar(select(StripeEvent).where(StripeEvent.id == "evt_a1")) is None
    assert _signed_post(client, variant()).json["outcome"] == "paid"  # the well-formed event still applies


def test_a_non_ascii_signature_header_is_400_not_500(client, db_session, stripe_on):
    payload, _ = signed_event(intent_event(SUCCEEDED, "pi_x", 100, "usd"))

    response = client.post("/api/v1/payments/stripe/webhook", data=payload,
                           headers={"Stripe-Signature": "t=1,v1=\u00e9", "Content-Type": "application/json"})

    assert response.status_code == 400 and response.json["code"] == "invalid_webhook_signature"


def test_payment_failed_pushes_no_job_and_leaves_the_intent_confirmable(app, committed_db, redis_conn, stripe_on):
    """payment_failed: nothing is canceled, nothing reaches RQ, the intent can still be confirmed."""
    import requests
    from rq import Queue

    from tests.shop.payments.stripe_fixtures import SECRET_KEY

    client = app.test_client()
    variant = make_item(committed_db)
    cart = ready_cart(client, "US", variant.id)
    body = checkout(client, cart["id"]).json
    intent_id, total = body["payment_intent_id"], body["order"]["total"]["amount"]
    committed_db.remove()

    response = post_event(client, intent_event(FAILED, intent_id, total, "usd"))

    assert response.json["outcome"] == "failed"
    assert Queue("high", connection=redis_conn).count == 0
    assert Queue("default", connection=redis_conn).count == 0
    state = requests.get(f"{stripe_on}/v1/payment_intents/{intent_id}", auth=(SECRET_KEY, ""), timeout=10).json()
    assert state["status"] != "canceled"
    assert committed_db.scalar(select(OutboxMessage).where(
        OutboxMessage.job == "shop.payments.tasks.cancel_intent")) is None
    assert committed_db.get(Order, body["order"]["id"]).status == "pending_payment"


def test_money_after_a_decline_and_the_expiry_is_an_alert_asking_for_a_refund(client, db_session, factory, stripe_on):
    from datetime import timedelta

    from shop.core.db import utcnow
    from shop.payments import tasks

    order, payment, _ = placed(client, db_session)
    post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd"))
    order.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    assert tasks.expire_unpaid_orders() == 1

    # the buyer's retry with another card went through just before the expiry canceled the intent
    response = post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))

    assert response.json["outcome"] == "paid_after_cancel"
    db_session.expire_all()
    assert order.status == "canceled" and reservation(db_session, order).status == "released"
    alert = db_session.scalar(select(PaymentAlert).where(PaymentAlert.order_id == order.id))
    assert alert.kind == "paid_after_cancel" and alert.resolved_at is None
    assert alert.details["action"] == "refund"
    assert alert.details["amount"] == {"amount": order.total_minor, "currency": "USD"}
    assert alert.details["cancel_reason"] == "expired"
    listed = client.get("/api/v1/admin/payment-alerts", headers=factory.headers(factory.user("ops"))).json
    assert [(a["kind"], a["details"]["action"]) for a in listed["items"] if a["order_id"] == order.id] == \
        [("paid_after_cancel", "refund")]
