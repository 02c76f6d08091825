"""Concurrent reservations with real commits, each thread on its own connection (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from fulfillment.inventory import services
from fulfillment.inventory.errors import OutOfStock
from fulfillment.inventory.models import Reservation, StockLevel
from shop.core.db import db
from tests.conftest import Factory

from .inventory_helpers import make_variants, make_warehouse, put_stock, soon


def _race(app, jobs):
    """Run each ``job(session)`` in its own thread and session, released together; returns outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(job):
        with app.app_context():
            session = Session(bind=db.engine)
            try:
                barrier.wait(timeout=60)
                label = job(session)
                session.commit()
                result = label if isinstance(label, str) else "ok"
            except OutOfStock:
                session.rollback()
                result = "out_of_stock"
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                session.rollback()
                result = f"error: {exc!r}"
            finally:
                session.close()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(outcomes)


def test_fifty_checkouts_race_for_the_last_ten_units(app, committed_db):
    factory = Factory(app, committed_db)
    seller, _ = factory.seller()
    (variant_id,) = make_variants(committed_db, seller)
    hub = make_warehouse(committed_db, "consolidation")
    put_stock(committed_db, variant_id, hub, 10)
    committed_db.remove()

    def checkout(n):
        return lambda session: services.reserve(session, reference=f"race-{n}", market_code="US",
                                                lines=[(variant_id, 1)], expires_at=soon(), actor="test")

    outcomes = _race(app, [checkout(n) for n in range(50)])

    assert outcomes == Counter({"ok": 10, "out_of_stock": 40})
    with Session(bind=db.engine) as session:
        level = session.scalar(select(StockLevel).where(StockLevel.variant_id == variant_id))
        assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)
        assert len(session.scalars(select(Reservation.id)).all()) == 10
        assert services.check_ledger(session) == []


def test_crossing_orders_split_over_warehouses_neither_deadlock_nor_oversell(app, committed_db):
    factory = Factory(app, committed_db)
    seller, _ = factory.seller()
    first, second = make_variants(committed_db, seller, 2)
    hub = make_warehouse(committed_db, "consolidation")
    japan = make_warehouse(committed_db, "overseas", market="JP")
    for variant_id in (first, second):
        put_stock(committed_db, variant_id, hub, 6)
        put_stock(committed_db, variant_id, japan, 6)
    committed_db.remove()

    def checkout(n):
        lines = [(first, 2), (second, 1)] if n % 2 else [(second, 2), (first, 1)]
        market = "JP" if n % 3 else "US"
        return lambda session: services.reserve(session, reference=f"cross-{n}", market_code=market, lines=lines,
                                                expires_at=soon())

    def churn(n):
        def job(session):
            services.release_expired(session)
            services.reserve(session, reference=f"churn-{n}", market_code="JP", lines=[(first, 1)],
                             expires_at=soon())
            services.release(session, reference=f"churn-{n}", reason="changed mind")
            return "churn"
        return job

    outcomes = _race(app, [checkout(n) for n in range(24)] + [churn(n) for n in range(6)])

    assert set(outcomes) <= {"ok", "churn", "out_of_stock"}, outcomes
    with Session(bind=db.engine) as session:
        levels = session.scalars(select(StockLevel)).all()
        assert all(0 <= level.reserved <= level.on_hand for level in levels)
        held = sum(level.reserved for level in levels)
        assert held == 3 * outcomes["ok"]
        assert 0 < held <= 24
        assert services.check_ledger(session) == []


def test_the_same_reference_at_once_reserves_once(app, committed_db):
    factory = Factory(app, committed_db)
    seller, _ = factory.seller()
    (variant_id,) = make_variants(committed_db, seller)
    put_stock(committed_db, variant_id, make_warehouse(committed_db, "consolidation"), 10)
    committed_db.remove()
    ids: list[str] = []

    def checkout(session):
        reservation = services.reserve(session, reference="retry-1", market_code="US", lines=[(variant_id, 2)],
                                       expires_at=soon())
        ids.append(reservation.id)

    outcomes = _race(app, [checkout] * 8)

    assert outcomes == Counter({"ok": 8})
    assert len(set(ids)) == 1
    with Session(bind=db.engine) as session:
        level = session.scalar(select(StockLevel).where(StockLevel.variant_id == variant_id))
        assert (level.reserved, level.available) == (2, 8)
        assert services.check_ledger(session) == []
