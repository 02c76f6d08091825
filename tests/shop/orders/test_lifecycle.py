"""Order lifecycle services and their events: paid, canceled, shipped, delivered, completed."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from shop.core.db import utcnow
from shop.core.jobs.models import OutboxMessage
from shop.orders import events, services
from shop.orders.errors import InvalidOrderTransition
from shop.orders.models import Order
from tests.shop.checkout.helpers import checkout, make_item, ready_cart


def placed(client, db_session) -> Order:
    variant = make_item(db_session)
    cart = ready_cart(client, "US", variant.id)
    response = checkout(client, cart["id"])
    assert response.status_code == 201, response.json
    return db_session.get(Order, response.json["order"]["id"])


def paid(client, db_session) -> Order:
    order = placed(client, db_session)
    services.mark_paid(db_session, order)
    db_session.commit()
    return order


def test_paying_sends_order_paid_in_the_transaction_and_defers_the_confirmation(client, db_session, fake_payments,
                                                                                  on_event):
    seen = on_event(events.order_paid)
    order = placed(client, db_session)

    services.mark_paid(db_session, order)

    assert [(e["order"].id, e["session"] is db_session) for e in seen] == [(order.id, True)]
    assert order.status == "paid" and order.paid_at is not None
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"order-paid:{order.id}"))


def test_a_payment_that_rolls_back_leaves_no_job(client, db_session, fake_payments):
    order = placed(client, db_session)
    nested = db_session.begin_nested()
    services.mark_paid(db_session, order)
    nested.rollback()

    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"order-paid:{order.id}")) is None
    assert db_session.get(Order, order.id).status == "pending_payment"


def test_a_failing_subscriber_aborts_the_change(app, client, db_session, fake_payments):
    order = placed(client, db_session)

    def refuse(sender, **kwargs):
        raise RuntimeError("subscriber failed")

    events.subscribe(app, events.order_paid, refuse)
    try:
        with pytest.raises(RuntimeError):
            with db_session.begin_nested():
                services.mark_paid(db_session, order)
    finally:
        events.order_paid.disconnect(refuse, sender=app)
    assert db_session.get(Order, order.id).status == "pending_payment"


def test_cancel_sends_the_reason_and_checkout_reopens_the_cart(client, db_session, fake_payments, on_event):
    from shop.checkout.models import Cart

    seen = on_event(events.order_canceled)
    order = placed(client, db_session)

    services.cancel_order(db_session, order, "payment_failed")

    assert [e["reason"] for e in seen] == ["payment_failed"]
    assert db_session.get(Cart, order.cart_id).status == "open"


def test_shipping_in_parts_then_delivery_then_completion(client, db_session, fake_payments, on_event):
    shipped, delivered, completed = (on_event(events.order_shipped), on_event(events.order_delivered),
                                     on_event(events.order_completed))
    order = paid(client, db_session)

    services.mark_shipped(db_session, order, partial=True)
    first = order.shipped_at
    services.mark_shipped(db_session, order, partial=True)  # a retried job: no second event
    services.mark_shipped(db_session, order)
    at = utcnow() - timedelta(hours=2)
    services.mark_delivered(db_session, order, at)
    services.mark_delivered(db_session, order, at)
    services.mark_completed(db_session, order)

    assert [e["partial"] for e in shipped] == [True, False]
    assert order.shipped_at == first
    assert [e["at"] for e in delivered] == [at] and order.delivered_at == at
    assert len(completed) == 1 and order.status == "completed" and order.completed_at is not None


@pytest.mark.parametrize("step", ["deliver", "complete"])
def test_steps_out_of_order_are_refused(client, db_session, fake_payments, step):
    order = paid(client, db_session)

    with pytest.raises(InvalidOrderTransition):
        if step == "deliver":
            services.mark_delivered(db_session, order, utcnow())
        else:
            services.mark_completed(db_session, order)
    assert order.status == "paid"


def test_delivery_needs_an_aware_time_not_in_the_future(client, db_session, fake_payments):
    order = paid(client, db_session)
    services.mark_shipped(db_session, order)

    with pytest.raises(ValueError):
        services.mark_delivered(db_session, order, datetime(2026, 11, 30, 12, 0))
    with pytest.raises(ValueError):
        services.mark_delivered(db_session, order, utcnow() + timedelta(days=1))
    assert order.status == "shipped" and order.delivered_at is None


def test_a_canceled_order_cannot_ship(client, db_session, fake_payments):
    order = placed(client, db_session)
    services.cancel_order(db_session, order, "expired")

    with pytest.raises(InvalidOrderTransition):
        services.mark_shipped(db_session, order)


def test_the_order_view_shows_the_lifecycle_times(client, db_session, fake_payments, factory):
    order = paid(client, db_session)
    services.mark_shipped(db_session, order)
    db_session.commit()
    ops = factory.user("ops")

    body = client.get(f"/api/v1/admin/orders/{order.id}", headers=factory.headers(ops)).json

    assert body["shipped_at"] and body["delivered_at"] is None and body["status"] == "shipped"
    assert body["payment"]["provider"] == "stripe" and body["payment"]["intent_id"].startswith("pi_fake")
