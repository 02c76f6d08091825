"""Refunds never exceed the capture, are paid once, and follow the provider's webhooks (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from collections import Counter
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import select

from i18n.money import Money
from returns.cases.models import ReturnCase
from shop.core.jobs.models import OutboxMessage
from shop.payments import refunds
from shop.payments.gateway import PAYMENTS
from shop.payments.models import Payment, Refund
from tests.fulfillment.shipments.helpers import staff, warehouse
from tests.returns.helpers import ask_return, delivered_order, race
from tests.shop.checkout.helpers import make_item, post_event
from tests.shop.core.jobs.jobs_for_tests import run_worker
from tests.shop.payments.stripe_fixtures import SECRET_KEY


def provider_refunds(base: str, intent_id: str) -> list[dict]:
    response = requests.get(f"{base}/v1/refunds", params={"payment_intent": intent_id, "limit": 100},
                            auth=(SECRET_KEY, ""), timeout=10)
    return [r for r in response.json()["data"] if r.get("payment_intent") == intent_id]


def payment_of(session, order_id) -> Payment:
    return session.scalar(select(Payment).where(Payment.order_id == order_id)
                          .execution_options(populate_existing=True))


@pytest.mark.live
def test_twenty_concurrent_refunds_never_exceed_the_capture(app, committed_db, factory_committed, stripe_on):
    session = committed_db
    hub = warehouse(session)
    order = delivered_order(app.test_client(), session, stripe_on, [(make_item(session, stock=5, warehouse=hub), 2)],
                            market="EU", days_ago=3)
    order_id = order.id
    captured = payment_of(session, order_id).captured_minor
    share = captured * 3 // 10  # three of these fit, a fourth does not
    headers = staff(factory_committed)
    session.remove()

    results = race(app, f"/api/v1/admin/orders/{order_id}/refunds", headers,
                   {"amount_minor": share, "reason": "goodwill"})
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 3, 409: 17}, [body for status, body in results if status not in (201, 409)]
    assert {body["code"] for status, body in results if status == 409} == {"refund_exceeds_balance"}
    payment = payment_of(session, order_id)
    assert payment.refund_committed_minor == 3 * share <= payment.captured_minor
    assert refunds.check_refunds(session) == []


def test_a_repeated_or_crashed_refund_job_refunds_once(client, db_session, stripe_on):
    hub = warehouse(db_session)
    order = delivered_order(client, db_session, stripe_on, [(make_item(db_session, stock=5, warehouse=hub), 1)],
                            market="EU", days_ago=3)
    payment = payment_of(db_session, order.id)
    refund = refunds.request_refund(db_session, order.id, 500, source="ops:test")
    db_session.commit()
    # The job called the provider, then crashed before recording the answer.
    PAYMENTS.get().refund(payment.intent_id, amount=Money(500, payment.currency),
                          idempotency_key=refunds.refund_key(refund.id))
    assert refunds.send_refund(refund.id) == "succeeded"
    assert refunds.send_refund(refund.id) == "already_sent"
    assert [r["amount"] for r in provider_refunds(stripe_on, payment.intent_id)] == [500]


def test_refund_webhooks_reconcile_at_most_once(client, db_session, stripe_on):
    hub = warehouse(db_session)
    order = delivered_order(client, db_session, stripe_on, [(make_item(db_session, stock=5, warehouse=hub), 1)],
                            market="EU", days_ago=3)
    refund = refunds.request_refund(db_session, order.id, 700, source="ops:test")
    db_session.commit()
    assert refunds.send_refund(refund.id) == "succeeded"
    db_session.refresh(refund)
    failed = {"id": "evt_refund_failed_1", "object": "event", "type": "refund.failed", "created": 1,
              "data": {"object": {"id": refund.provider_refund_id, "object": "refund", "amount": 700,
                                  "status": "failed", "metadata": {"dari_refund": refunds.refund_key(refund.id)}}}}
    first = post_event(client, failed)
    assert first.status_code == 200 and first.json["outcome"] == "refund_failed"
    assert post_event(client, failed).json["outcome"] == "duplicate"
    db_session.expire_all()
    assert db_session.get(Refund, refund.id).status == "failed"
    assert payment_of(db_session, order.id).refund_committed_minor == 0  # the amount is free again
    late_success = {**failed, "id": "evt_refund_updated_2", "type": "refund.updated",
                    "data": {"object": {**failed["data"]["object"], "status": "succeeded"}}}
    assert post_event(client, late_success).json["outcome"] == "refund_unchanged"  # never back
    forged = {**failed, "id": "evt_refund_bad", "data": {"object": {**failed["data"]["object"], "amount": "7"}}}
    assert post_event(client, forged).status_code == 400
    assert refunds.check_refunds(db_session) == []


@pytest.mark.live
def test_the_refund_job_runs_on_a_real_worker(app, committed_db, factory_committed, stripe_on, redis_conn):
    session = committed_db
    hub = warehouse(session)
    client = app.test_client()
    order = delivered_order(client, session, stripe_on, [(make_item(session, stock=5, warehouse=hub), 2)],
                            market="EU", days_ago=5)
    order_id = order.id
    case = ask_return(client, order, [(order.lines[0].id, 2)], "defective").json
    ops = staff(factory_committed)
    line_id = case["lines"][0]["id"]
    assert client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {line_id: 2}},
                       headers=ops).status_code == 200
    assert client.post(f"/api/v1/admin/returns/{case['id']}/inspect", json={"resellable": {line_id: 2}},
                       headers=ops).status_code == 200
    refunded = client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=ops)
    assert refunded.status_code == 200, refunded.json
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.payments.refunds.send_refund"))
    run_worker(redis_conn)  # objects of this session are detached from here on: use ids
    session.expire_all()
    (refund,) = session.scalars(select(Refund).where(Refund.order_id == order_id))
    assert refund.status == "succeeded"
    assert session.get(ReturnCase, case["id"]).status == "refunded"
    # A defect refunds everything paid for the units: price, shipping and the taxes collected.
    payment = payment_of(session, order_id)
    assert refund.amount_minor == payment.captured_minor
    assert [r["amount"] for r in provider_refunds(stripe_on, payment.intent_id)] == [refund.amount_minor]


@pytest.mark.live
def test_two_tabs_returning_the_same_line_at_once_make_one_return(app, committed_db, stripe_on):
    session = committed_db
    hub = warehouse(session)
    client = app.test_client()
    order = delivered_order(client, session, stripe_on, [(make_item(session, stock=5, warehouse=hub), 2)],
                            market="EU", days_ago=2)
    line_id, order = order.lines[0].id, SimpleNamespace(id=order.id)
    session.remove()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def tab(n: int) -> None:
        with app.app_context():
            barrier.wait()
            response = ask_return(app.test_client(), order, [(line_id, 2)], key=f"tab-key-{n:04d}")
            statuses.append(response.status_code)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 422]
    assert len(session.scalars(select(ReturnCase).where(ReturnCase.order_id == order.id)).all()) == 1
