"""30 buyers check out the last 5 units at once: exactly 5 orders, no oversell (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from fulfillment.inventory.models import Reservation, StockLevel
from shop.orders.models import Order
from tests.shop.checkout.helpers import ADDRESSES, make_item

BUYERS = 30
UNITS = 5


@pytest.mark.live
def test_thirty_concurrent_checkouts_for_the_last_five_units(app, committed_db, stripe_on):
    session = committed_db
    variant = make_item(session, stock=UNITS)
    variant_id = variant.id
    setup = app.test_client()
    carts = []
    for n in range(BUYERS):
        cart = setup.post("/api/v1/store/carts", json={"market": "US", "email": f"b{n}@example.com"}).json["id"]
        assert setup.post(f"/api/v1/store/carts/{cart}/lines",
                          json={"variant_id": variant_id, "quantity": 1}).status_code == 201
        assert setup.put(f"/api/v1/store/carts/{cart}/shipping-address", json=ADDRESSES["US"]).status_code == 200
        assert setup.put(f"/api/v1/store/carts/{cart}/shipping-option", json={"service": "ems"}).status_code == 200
        carts.append(cart)
    session.remove()

    barrier = threading.Barrier(BUYERS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def buy(cart_id: str, n: int) -> None:
        client = app.test_client()  # each request runs in its own app context, session and connection
        barrier.wait()
        # Thirty buyers, thirty addresses: the cap on unpaid orders per client address stays out of the way.
        response = client.post(f"/api/v1/store/carts/{cart_id}/checkout", headers={"Idempotency-Key": f"k-{cart_id}"},
                               environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
        with lock:
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=buy, args=(cart, n)) for n, cart in enumerate(carts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: UNITS, 409: BUYERS - UNITS}, [body for status, body in results if status not in (201, 409)]
    assert {body["code"] for status, body in results if status == 409} == {"out_of_stock"}
    assert session.scalar(select(func.count()).select_from(Order)) == UNITS
    held = session.scalar(select(func.count()).select_from(Reservation).where(Reservation.status == "active"))
    assert held == UNITS
    level = session.scalar(select(StockLevel).where(StockLevel.variant_id == variant_id))
    assert level.reserved == UNITS and level.on_hand == UNITS


@pytest.mark.live
def test_concurrent_checkouts_from_one_address_stop_at_the_pending_order_cap(app, committed_db, stripe_on,
                                                                             monkeypatch):
    monkeypatch.setitem(app.config, "CHECKOUT_MAX_PENDING_PER_BUYER", 3)
    session = committed_db
    variant_id = make_item(session, stock=50).id
    setup = app.test_client()
    carts = []
    for n in range(10):
        cart = setup.post("/api/v1/store/carts", json={"market": "US", "email": f"c{n}@example.com"}).json["id"]
        assert setup.post(f"/api/v1/store/carts/{cart}/lines",
                          json={"variant_id": variant_id, "quantity": 1}).status_code == 201
        assert setup.put(f"/api/v1/store/carts/{cart}/shipping-address", json=ADDRESSES["US"]).status_code == 200
        assert setup.put(f"/api/v1/store/carts/{cart}/shipping-option", json={"service": "ems"}).status_code == 200
        carts.append(cart)
    session.remove()
    barrier = threading.Barrier(len(carts))
    statuses: list[int] = []
    lock = threading.Lock()

    def buy(cart_id: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/store/carts/{cart_id}/checkout", headers={"Idempotency-Key": f"k-{cart_id}"},
                               environ_base={"REMOTE_ADDR": "203.0.113.9"})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=buy, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(statuses) == {201: 3, 429: 7}
    assert session.scalar(select(func.count()).select_from(Order)) == 3
