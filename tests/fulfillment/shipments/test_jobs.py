"""Shipments made and worked by a real RQ worker on the embedded Redis; crashes, outages, races."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from types import SimpleNamespace

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments import creation
from fulfillment.shipments.models import Shipment, ShipmentLine
from shop.core.db import db
from shop.core.jobs.cli import scheduler_tick
from shop.core.jobs.models import OutboxMessage
from shop.core.jobs.outbox import relay_pending
from shop.core.jobs.runner import run_task
from shop.core.notifications.models import Notification
from shop.orders.models import Order
from tests.conftest import Factory
from tests.fulfillment.shipments.helpers import ago, event, hand_over_ago, paid_order, warehouse, work
from tests.shop.checkout.helpers import make_item, make_seller
from tests.shop.core.jobs.jobs_for_tests import run_worker


def _shipments(session, order_id):
    session.expire_all()
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.number)))


def _due_now(redis_conn):
    """Move RQ's scheduled retries into the past (instead of waiting out the backoff)."""
    queue = Queue("default", connection=redis_conn)
    registry = ScheduledJobRegistry(queue=queue)
    for job_id in registry.get_job_ids():
        registry.schedule(queue.fetch_job(job_id), datetime.now(timezone.utc) - timedelta(seconds=1))
    return registry


@pytest.fixture
def two_parcel_order(client, committed_db, fake_payments):
    hub = warehouse(committed_db)
    own_seller = make_seller(committed_db)
    own = warehouse(committed_db, "seller", seller=own_seller)
    a = make_item(committed_db, make_seller(committed_db), stock=4, warehouse=hub)
    b = make_item(committed_db, own_seller, stock=4, warehouse=own)

    def make():
        order = paid_order(client, committed_db, [(a, 1), (b, 2)])
        return SimpleNamespace(id=order.id, email=order.email)  # the worker ends the session's objects
    return make


def test_a_worker_takes_a_paid_order_to_delivered(app, client, committed_db, redis_conn, two_parcel_order,
                                                  tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path / "mail"))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    order = two_parcel_order()
    assert _shipments(committed_db, order.id) == []  # made by the job, not the payment
    relay_pending(committed_db, redis_conn)
    run_worker(redis_conn)
    parcels = _shipments(committed_db, order.id)
    assert len(parcels) == 2 and all(p.status == "pending" for p in parcels)
    parcels = [p.id for p in parcels]

    headers = Factory(app, committed_db).headers(Factory(app, committed_db).user("ops"))
    for parcel in parcels:
        assert work(client, headers, parcel).status_code == 200
        relay_pending(committed_db, redis_conn)
        run_worker(redis_conn)  # the booking job (manual carrier: nothing to book) and the e-mails
    for parcel in parcels:
        hand_over_ago(committed_db, parcel, hours=2)
        assert event(client, headers, parcel, "delivered", ago(hours=1)).status_code == 200
    relay_pending(committed_db, redis_conn)
    run_worker(redis_conn)

    committed_db.expire_all()
    assert committed_db.get(Order, order.id).status == "delivered"
    sent = committed_db.scalars(select(Notification).where(Notification.recipient == order.email)).all()
    assert {n.template for n in sent} >= {"shipment_shipped", "shipment_delivered"}
    assert all(n.sent_at is not None for n in sent), [(n.template, n.sent_at) for n in sent]
    bodies = [message_from_bytes(m.read_bytes(), policy=default).get_body(("plain",)).get_content()
              for m in (tmp_path / "mail").glob("*.eml")]
    for parcel in _shipments(committed_db, order.id):
        assert any(parcel.tracking_number in body for body in bodies)
    run_worker(redis_conn, "low")  # the storefront's listing refreshes (stock moved) wait on the low queue
    unprocessed = committed_db.scalar(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.processed_at.is_(None)))
    assert unprocessed == 0
    assert check_ledger(committed_db) == []


def test_a_crash_half_way_and_the_retry_make_no_duplicate(app, committed_db, redis_conn, two_parcel_order,
                                                          monkeypatch):
    real_build = creation._build
    calls = []

    def build_then_die(*args, **kwargs):
        created = real_build(*args, **kwargs)
        calls.append(len(created))
        if len(calls) == 1:
            raise RuntimeError("worker killed after the first shipments were written")
        return created

    monkeypatch.setattr(creation, "_build", build_then_die)
    order = two_parcel_order()
    relay_pending(committed_db, redis_conn)
    run_worker(redis_conn)  # dies half-way: its transaction rolls back, RQ schedules a retry
    assert _shipments(committed_db, order.id) == []
    registry = _due_now(redis_conn)
    scheduler_tick(app, {})
    run_worker(redis_conn)
    assert registry.get_job_ids() == []
    # and once more, as if the job had been delivered twice
    run_task("fulfillment.shipments.tasks.create_shipments", {"order_id": order.id})

    parcels = _shipments(committed_db, order.id)
    assert len(parcels) == 2
    lines = committed_db.scalar(select(func.count()).select_from(ShipmentLine)
                                .join(Shipment).where(Shipment.order_id == order.id))
    assert lines == 2
    assert check_ledger(committed_db) == []


def test_redis_down_at_payment_the_shipments_follow_when_it_returns(app, committed_db, redis_conn, two_parcel_order):
    good = app.extensions["dari.redis"]
    app.extensions["dari.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                                               retry=Retry(NoBackoff(), 0))
    try:
        order = two_parcel_order()  # paid and committed; the push to Redis fails
        scheduler_tick(app, {})  # still down: the tick survives
    finally:
        app.extensions["dari.redis"] = good
    assert _shipments(committed_db, order.id) == []
    message = committed_db.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"shipments:{order.id}"))
    assert message is not None and message.processed_at is None

    scheduler_tick(app, {})  # Redis is back: the relay pushes what was waiting
    run_worker(redis_conn)
    assert len(_shipments(committed_db, order.id)) == 2


def test_concurrent_runs_of_the_job_make_one_set_of_shipments(app, committed_db, two_parcel_order):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL's row locks")
    order = two_parcel_order()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                run_task("fulfillment.shipments.tasks.create_shipments", {"order_id": order.id})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(_shipments(committed_db, order.id)) == 2
    assert check_ledger(committed_db) == []
