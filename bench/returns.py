"""Returns and refunds: what a decision, a return case and a refund cost, and what contention on one payment does.

    .venv/bin/python bench/returns.py [N]

Builds a fresh database (SQLite in a temporary instance folder, or the one DATABASE_URL
names, which should be empty), loads the markets and the demo sellers, stocks one variant
per seller in a consolidation hub and places 2N orders (N with one line, N with three
sellers' lines) through the real checkout services for an EU buyer, paid with a recorded
demo payment and marked delivered four days ago. Then:

  engine        decide_return / decide_warranty, every market and reason in turn (pure, no database)
  open_case     a change-of-mind return of every line: 1-line and 3-line orders (decision,
                routing, e-mail queued, commit), with the SQL statements each runs
  refund        request_refund + commit, N times on N payments (no contention), then 8
                threads at once: once on 8 different payments, once all on the same payment
                (they queue on its row lock; on SQLite every writer queues anyway)
  audit         check_refunds over every payment

No refund is paid (the demo payments have no provider): the job that calls Stripe is timed
by the tests against localstripe, not here. Prints seconds, per-item milliseconds and the
ratios side by side; compare the ratios, not the absolute times.
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EU_ADDRESS = {"name": "Max Muster", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115",
              "country": "DE", "phone": "+49 30 1234567"}
HUB_ADDRESS = {"name": "Dari Bench Hub", "line1": "272 Gonghang-ro", "city": "Incheon", "postal_code": "22382",
               "country": "KR"}
THREADS = 8


def main(n: int) -> None:
    os.environ.setdefault("DARI_INSTANCE_PATH", tempfile.mkdtemp(prefix="dari-bench-"))
    from common import paid_order  # bench/, first on the path when run as a script
    from flask_migrate import upgrade
    from reservations import _stocked_variant
    from sqlalchemy import event

    from dari.app import create_app
    from fulfillment.inventory import services as stock
    from fulfillment.warehouses.services import create_warehouse
    from returns import policy
    from returns.cases import services
    from shop.catalog.services.products import create_product
    from shop.core.db import db, utcnow
    from shop.markets.demo import seed_markets
    from shop.markets.services import list_markets
    from shop.orders import services as orders
    from shop.orders.models import Order
    from shop.payments import refunds
    from shop.payments.errors import RefundExceedsBalance
    from shop.sellers.demo import demo_seller, seed_sellers

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        session = db.session
        seed_markets(session)
        seed_sellers(session)
        hub = create_warehouse(session, code="BENCH-HUB", name="Bench hub", kind="consolidation", country="KR",
                               address=dict(HUB_ADDRESS))
        variants = [_stocked_variant(session, create_product, stock, demo_seller(session, key), hub, key, 10 * n)
                    for key in ("hanbit", "jeju", "seoulthread")]
        session.commit()
        keys = itertools.count(1)
        delivered = utcnow() - timedelta(days=4)

        def delivered_order(variant_ids) -> str:
            order_id = paid_order(session, variant_ids, key=f"bench-{next(keys)}", market="EU", address=EU_ADDRESS)
            order = orders.lock_order(session, order_id)
            orders.mark_shipped(session, order, at=delivered)
            orders.mark_delivered(session, order, delivered)
            session.commit()
            return order_id

        shapes = {"1 line": [delivered_order(variants[:1]) for _ in range(n)],
                  "3 lines": [delivered_order(variants) for _ in range(n)]}

        # The engine alone.
        markets = [policy.MarketRules.of(m) for m in list_markets(session)]
        seller = policy.SellerPolicy(return_window_days=None, warranty_months=12)
        calls = 2000
        start = time.perf_counter()
        for i in range(calls):
            policy.decide_return(markets[i % len(markets)], seller, category="cosmetics",
                                 reason=policy.RETURN_REASONS[i % len(policy.RETURN_REASONS)], opened=i % 2 == 0,
                                 delivered_at=delivered, requested_at=utcnow())
        engine_return = (time.perf_counter() - start) / calls
        start = time.perf_counter()
        for i in range(calls):
            policy.decide_warranty(markets[i % len(markets)], seller, category=None, delivered_at=delivered,
                                   claimed_at=utcnow())
        engine_warranty = (time.perf_counter() - start) / calls

        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        opened: dict[str, tuple[float, float]] = {}
        for shape, order_ids in shapes.items():
            statements.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            start = time.perf_counter()
            for order_id in order_ids:
                lines = [{"order_line_id": line.id, "quantity": 1} for line in session.get(Order, order_id).lines]
                services.open_case(session, order_id, kind="return", reason="changed_mind", lines=lines)
                session.commit()
            opened[shape] = ((time.perf_counter() - start) / n, len(statements) / n)
            event.remove(db.engine, "before_cursor_execute", count)

        payments = shapes["1 line"] + shapes["3 lines"]
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        start = time.perf_counter()
        for order_id in payments[:n]:
            refunds.request_refund(session, order_id, 100, source="bench")
            session.commit()
        refund_alone = (time.perf_counter() - start) / n
        refund_sql = len(statements) / n
        event.remove(db.engine, "before_cursor_execute", count)
        session.remove()

        def race(targets: list[str], rounds: int) -> tuple[float, int]:
            barrier = threading.Barrier(THREADS)
            refused = []

            def work(order_id: str) -> None:
                with app.app_context():
                    barrier.wait()
                    for _ in range(rounds):
                        try:
                            refunds.request_refund(db.session, order_id, 1, source="bench-race")
                            db.session.commit()
                        except RefundExceedsBalance:
                            db.session.rollback()
                            refused.append(order_id)
                    db.session.remove()

            threads = [threading.Thread(target=work, args=(target,)) for target in targets]
            begin = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return (time.perf_counter() - begin) / (THREADS * rounds), len(refused)

        rounds = max(n // THREADS, 5)
        spread, _ = race(payments[n:n + THREADS], rounds)
        same, refused = race([payments[-1]] * THREADS, rounds)

        session = db.session
        start = time.perf_counter()
        problems = refunds.check_refunds(session)
        audit = time.perf_counter() - start
        dialect = db.engine.dialect.name

    base = opened["1 line"][0]
    print(f"database: {dialect}, orders per shape: {n}, refund threads: {THREADS} x {rounds}")
    print(f"{'':<28}{'ms/item':>10}{'x open 1':>10}{'SQL/item':>10}")
    print(f"{'engine decide_return':<28}{1000 * engine_return:>10.3f}{engine_return / base:>10.3f}{0:>10}")
    print(f"{'engine decide_warranty':<28}{1000 * engine_warranty:>10.3f}{engine_warranty / base:>10.3f}{0:>10}")
    for shape, (seconds, sql) in opened.items():
        print(f"{'open_case ' + shape:<28}{1000 * seconds:>10.2f}{seconds / base:>10.2f}{sql:>10.1f}")
    print(f"{'refund (one at a time)':<28}{1000 * refund_alone:>10.2f}{refund_alone / base:>10.2f}{refund_sql:>10.1f}")
    print(f"{'refund, 8 payments at once':<28}{1000 * spread:>10.2f}{spread / base:>10.2f}")
    print(f"{'refund, 1 payment at once':<28}{1000 * same:>10.2f}{same / base:>10.2f}"
          f"   ({same / spread:.2f}x the spread race; refused: {refused})")
    print(f"audit check_refunds over {len(payments)} payments: {1000 * audit:.1f} ms, problems: {problems or 'none'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 80)
