"""The expiry job calls the payment provider with no transaction open and no lock held.

On SQLite every transaction holds the database's write lock (``BEGIN IMMEDIATE``), so an
expiry job that waited on the provider inside a transaction would stop every other write.
"""
from __future__ import annotations

import threading
from datetime import timedelta

from shop.core.db import db, utcnow
from shop.orders.models import Order
from shop.payments import tasks
from tests.shop.checkout.helpers import checkout, make_item, ready_cart


def test_an_unrelated_write_commits_while_the_expiry_job_waits_on_the_provider(app, client, committed_db,
                                                                              fake_payments):
    variant = make_item(committed_db)
    body = checkout(client, ready_cart(client, "US", variant.id)["id"]).json
    order_id = body["order"]["id"]
    order = committed_db.get(Order, order_id)
    order.expires_at = utcnow() - timedelta(minutes=1)
    committed_db.commit()
    committed_db.remove()
    fake_payments.hold = threading.Event()
    outcome = {}

    def expire():
        with app.app_context():
            fake_payments.watch = db.session()
            try:
                outcome["canceled"] = tasks.expire_unpaid_orders()
                db.session.commit()
            finally:
                db.session.remove()

    worker = threading.Thread(target=expire)
    worker.start()
    try:
        assert fake_payments.entered.wait(10), "the job never reached the provider"
        # The provider is "slow" now. Another connection writes with no patience for locks: on
        # SQLite a held write lock fails it at once ("database is locked"), on PostgreSQL a
        # locked order row does.
        sqlite = db.engine.dialect.name == "sqlite"
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if sqlite:
                cursor.execute("PRAGMA busy_timeout=100")
                cursor.execute("BEGIN IMMEDIATE")
            else:
                cursor.execute("SET lock_timeout = '100ms'")
            cursor.execute("UPDATE markets SET currency = currency WHERE code = 'US'")
            cursor.execute("UPDATE orders SET updated_at = updated_at WHERE id = " + ("?" if sqlite else "%s"),
                           (order_id,))
            if sqlite:
                cursor.execute("COMMIT")
            else:
                raw.commit()
        finally:
            raw.invalidate()  # its short lock timeout must not go back into the pool
            raw.close()
    finally:
        fake_payments.hold.set()
        worker.join(30)

    assert outcome == {"canceled": 1}
    assert ("retrieve", False) in fake_payments.calls  # cancel asks first; no transaction was open
    with app.app_context():
        assert db.session.get(Order, order_id).status == "canceled"
        db.session.remove()
