"""The confirmation e-mail leaves only after the payment committed, and once (a real RQ worker runs it)."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from shop.core.jobs.models import OutboxMessage
from shop.orders.models import Order
from shop.payments import services
from shop.payments.models import Payment
from shop.payments.stripe import WebhookEvent
from tests.shop.checkout.helpers import checkout, make_item, ready_cart
from tests.shop.core.jobs.jobs_for_tests import run_worker


def succeeded(payment: Payment) -> WebhookEvent:
    return WebhookEvent(id="evt_commit_test", type="payment_intent.succeeded", created=0, object={
        "id": payment.intent_id, "object": "payment_intent", "amount": payment.amount_minor,
        "amount_received": payment.amount_minor, "currency": payment.currency.lower()})


def test_a_failed_commit_sends_no_mail_and_the_retry_sends_exactly_one(app, client, committed_db, redis_conn,
                                                                       fake_payments, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    variant = make_item(committed_db)
    order_id = checkout(client, ready_cart(client, "US", variant.id)["id"]).json["order"]["id"]
    payment = committed_db.scalar(select(Payment).where(Payment.order_id == order_id))
    webhook = succeeded(payment)
    session = committed_db()

    def fail(session_):
        raise RuntimeError("the database went away at commit")

    assert services.handle_event(session, webhook) == "paid"
    event.listen(session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            session.commit()
    finally:
        event.remove(session, "before_commit", fail)
    session.rollback()
    run_worker(redis_conn)

    assert list(tmp_path.glob("*.eml")) == []
    assert committed_db.get(Order, order_id).status == "pending_payment"
    assert committed_db.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.orders.tasks.order_paid")) is None

    # Stripe delivers the event again; this time the commit holds.
    assert services.handle_event(committed_db, webhook) == "paid"
    committed_db.commit()
    run_worker(redis_conn)
    run_worker(redis_conn)

    assert len(list(tmp_path.glob("*.eml"))) == 1
    committed_db.expire_all()
    order = committed_db.get(Order, order_id)
    assert order.status == "paid" and order.confirmation_sent_at is not None
    message = committed_db.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.orders.tasks.order_paid"))
    assert message.processed_at is not None
