"""Builders for return tests: an order paid on localstripe, shipped and delivered some days ago."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from fulfillment.shipments import tasks as shipment_tasks
from fulfillment.shipments.models import Shipment
from shop.core.db import utcnow
from shop.orders import services as orders
from shop.orders.models import Order
from shop.payments.models import Payment
from tests.fulfillment.shipments.helpers import order_token, place
from tests.shop.payments.stripe_fixtures import confirm_intent


def delivered_order(client, session, stripe_base, lines, *, market: str = "EU", days_ago: int = 1,
                    **kwargs) -> Order:
    """Check out ``lines`` on ``market``, pay on localstripe (captured), ship and deliver ``days_ago`` days ago."""
    placed = place(client, lines, market=market, **kwargs)
    intent = confirm_intent(stripe_base, placed["payment_intent_id"])
    assert intent["status"] == "succeeded", intent
    order = session.get(Order, placed["order"]["id"])
    payment = session.scalar(select(Payment).where(Payment.order_id == order.id))
    payment.status, payment.captured_minor = "succeeded", payment.amount_minor
    orders.mark_paid(session, order)
    session.commit()
    shipment_tasks.create_shipments(order.id)
    # The start of the day ``days_ago`` days back (UTC): the day count is the same at any hour of the run.
    when = datetime.combine(utcnow().date() - timedelta(days=days_ago), time.min, tzinfo=timezone.utc)
    for shipment in session.scalars(select(Shipment).where(Shipment.order_id == order.id)):
        shipment.status, shipment.handed_over_at, shipment.delivered_at = "delivered", when, when
    order = orders.lock_order(session, order.id)
    orders.mark_shipped(session, order, at=when)
    orders.mark_delivered(session, order, when)
    session.commit()
    return order


def guest(order, **extra) -> dict:
    return {"X-Order-Token": order_token(order), **extra}


def ask_return(client, order, lines, reason="changed_mind", *, key=None, **extra):
    headers = guest(order, **({"Idempotency-Key": key} if key else {}))
    body = {"lines": [{"order_line_id": line_id, "quantity": quantity} for line_id, quantity in lines],
            "reason": reason, **extra}
    return client.post(f"/api/v1/store/orders/{order.id}/returns", json=body, headers=headers)


def race(app, url: str, headers: dict, body: dict, n: int = 20) -> list[tuple[int, dict]]:
    """``n`` POSTs of ``body`` to ``url``, released together; their statuses and bodies."""
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def ask() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(url, json=body, headers=headers)
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n
    return results
