"""From paid orders to parcels: what one order costs to split, through the job, and in the warehouse.

    .venv/bin/python bench/shipments.py [N]

Builds a fresh database (SQLite in a temporary instance folder, or the one DATABASE_URL
names, which should be empty) with the embedded Redis, applies the migrations, loads the
markets and the demo sellers, and stocks one variant per seller in a consolidation hub and
one in a seller's own stockroom. Orders are placed through the real checkout services
(cart, address, EMS, ``place_order``) for a US guest and marked paid with a recorded demo
payment, as the payment webhook would. Then, for N orders of each shape:

  1 line        one variant from the hub                      -> 1 parcel
  3 sellers     three sellers' variants, all in the hub        -> 1 parcel (consolidated)
  split         a hub variant and one from a seller's room     -> 2 parcels

it times ``create_for_order`` + commit per order and counts the SQL statements it runs
(the shapes take turns in 4 rounds, so load on the machine hits them alike), then:

  job           N 1-line orders whose ``create_shipments`` job goes through the outbox,
                Redis and a real RQ worker (SimpleWorker, burst) - the path production takes;
                the worker also runs each order's ``order_paid`` job (the confirmation e-mail
                is queued, not sent), so this is the whole after-payment work per order
  pick+pack+hand over, invoice PDF, declarations CSV of the day: per parcel

Prints seconds, per-order milliseconds and the ratio to the 1-line order side by side;
absolute times vary between machines, compare the ratios. Ends with a check that every
order has exactly the parcels its shape calls for and no unit is in two parcels.
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 4
HUB_ADDRESS = {"name": "Dari Bench Hub", "line1": "272 Gonghang-ro", "city": "Incheon", "postal_code": "22382",
               "country": "KR"}
SHAPES = {"1 line": 1, "3 sellers": 1, "split": 2}  # the parcels each shape must give


def main(n: int) -> None:
    n = max(n - n % ROUNDS, ROUNDS)
    os.environ.setdefault("DARI_INSTANCE_PATH", tempfile.mkdtemp(prefix="dari-bench-"))
    import logging
    from datetime import datetime

    from common import paid_order as common_paid_order  # bench/, first on the path when run as a script
    from flask_migrate import upgrade
    from reservations import _stocked_variant
    from rq import Queue, SimpleWorker
    from sqlalchemy import event, func, select

    from dari.app import create_app
    from fulfillment.carriers.manual import s10_check_digit
    from fulfillment.customs.rules import export_rules
    from fulfillment.inventory import services as stock
    from fulfillment.shipments import creation, papers, warehouse
    from fulfillment.shipments.models import Shipment, ShipmentLine
    from fulfillment.warehouses.services import create_warehouse
    from shop.catalog.services.products import create_product
    from shop.core.db import db
    from shop.core.jobs.outbox import relay_pending
    from shop.core.jobs.redis import get_redis
    from shop.markets.demo import seed_markets
    from shop.sellers.demo import demo_seller, seed_sellers

    app = create_app()
    app.config["CARRIER_ADAPTERS"] = {}  # booking stays manual: no carrier call in the job
    with app.app_context():
        upgrade(revision="heads")
        session = db.session
        seed_markets(session)
        seed_sellers(session)
        hub = create_warehouse(session, code="BENCH-HUB", name="Bench hub", kind="consolidation", country="KR",
                               address=dict(HUB_ADDRESS))
        studio_seller = demo_seller(session, "icheon")
        studio = create_warehouse(session, code="BENCH-STUDIO", name="Bench studio", kind="seller", country="KR",
                                  seller_id=studio_seller.id, address=dict(HUB_ADDRESS, name="Icheon studio"))
        units = 10 * n + 100
        hub_variants = [_stocked_variant(session, create_product, stock, demo_seller(session, key), hub, key, units)
                        for key in ("hanbit", "jeju", "seoulthread")]
        studio_variant = _stocked_variant(session, create_product, stock, studio_seller, studio, "studio", units)
        session.commit()
        goods = {"1 line": hub_variants[:1], "3 sellers": hub_variants, "split": [hub_variants[0], studio_variant]}
        keys = itertools.count(1)

        def paid_order(variant_ids) -> str:
            return common_paid_order(session, variant_ids, key=f"bench-{next(keys)}")

        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        seconds = dict.fromkeys(SHAPES, 0.0)
        per_order_sql = {}
        placed: dict[str, list[str]] = {shape: [] for shape in SHAPES}
        for _round in range(ROUNDS):
            for shape in SHAPES:
                batch = [paid_order(goods[shape]) for _ in range(n // ROUNDS)]
                placed[shape] += batch
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", count)
                start = time.perf_counter()
                for order_id in batch:
                    creation.create_for_order(session, order_id)
                    session.commit()
                seconds[shape] += time.perf_counter() - start
                event.remove(db.engine, "before_cursor_execute", count)
                per_order_sql[shape] = len(statements) / len(batch)

        # The job path: the outbox rows order_paid left, relayed to Redis and run by a real worker.
        redis = get_redis(app)
        redis.flushdb()
        from shop.core.jobs.models import OutboxMessage
        session.query(OutboxMessage).delete()  # the direct runs' jobs: done already, not part of this run
        session.commit()
        job_orders = [paid_order(goods["1 line"]) for _ in range(n)]
        start = time.perf_counter()
        while relay_pending(session, redis):
            session.commit()
        session.commit()
        session.remove()
        logging.getLogger("rq.worker").setLevel(logging.WARNING)
        SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
        seconds["job"] = time.perf_counter() - start
        session = db.session
        placed["job"] = job_orders

        # Warehouse work on the 1-line parcels, then their papers.
        parcel_ids = list(session.scalars(select(Shipment.id).where(Shipment.order_id.in_(placed["1 line"]))
                                          .order_by(Shipment.number)))
        serial = itertools.count(20_000_001)
        start = time.perf_counter()
        for shipment_id in parcel_ids:
            warehouse.mark_picked(session, shipment_id, actor="bench")
            warehouse.pack(session, shipment_id, actor="bench", packages=[
                {"weight_g": 400, "length_mm": 200, "width_mm": 150, "height_mm": 100}])
            digits = f"{next(serial):08d}"
            warehouse.hand_over(session, shipment_id, tracking_number=f"EE{digits}{s10_check_digit(digits)}KR",
                                actor="bench")
            session.commit()
        seconds["hand over"] = time.perf_counter() - start
        start = time.perf_counter()
        pdf_bytes = sum(len(papers.invoice(session, session.get(Shipment, shipment_id))) for shipment_id in parcel_ids)
        seconds["invoice PDF"] = time.perf_counter() - start
        start = time.perf_counter()
        seoul_today = datetime.now(export_rules().declaration.daily_list_timezone).date()
        csv_rows = papers.declarations(session, seoul_today).count("\n") - 1
        seconds["declarations"] = time.perf_counter() - start

        parcels = dict(session.execute(select(Shipment.order_id, func.count()).group_by(Shipment.order_id)).all())
        wrong = [(shape, order_id, parcels.get(order_id, 0)) for shape, ids in placed.items()
                 for order_id in ids if parcels.get(order_id, 0) != SHAPES.get(shape, 1)]
        doubled = session.execute(select(ShipmentLine.reservation_line_id).group_by(ShipmentLine.reservation_line_id)
                                  .having(func.count() > 1)).all()
        stock_problems = stock.check_ledger(session)
        dialect = db.engine.dialect.name

    base = seconds["1 line"] / n
    print(f"database: {dialect}, orders per shape: {n}")
    print(f"{'create_for_order':<18}{'seconds':>9}{'ms/order':>10}{'× 1 line':>10}{'SQL/order':>11}")
    for shape in SHAPES:
        print(f"{shape:<18}{seconds[shape]:>9.3f}{1000 * seconds[shape] / n:>10.2f}"
              f"{seconds[shape] / n / base:>10.2f}{per_order_sql[shape]:>11.1f}")
    print(f"{'job (outbox+RQ)':<18}{seconds['job']:>9.3f}{1000 * seconds['job'] / n:>10.2f}"
          f"{seconds['job'] / n / base:>10.2f}   one worker: {n / seconds['job']:.1f} orders (shipments)/s")
    print(f"{'per parcel':<18}{'seconds':>9}{'ms/parcel':>10}{'× 1 line':>10}")
    for name in ("hand over", "invoice PDF", "declarations"):
        print(f"{name:<18}{seconds[name]:>9.3f}{1000 * seconds[name] / len(parcel_ids):>10.2f}"
              f"{seconds[name] / len(parcel_ids) / base:>10.2f}")
    print(f"parcels worked: {len(parcel_ids)}, invoice PDFs: {pdf_bytes // max(len(parcel_ids), 1)} bytes each, "
          f"declaration rows: {csv_rows}")
    print(f"orders with the wrong number of parcels: {len(wrong)} {wrong[:3]}; "
          f"units in two parcels: {len(doubled)}; ledger: {stock_problems or 'consistent'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 80)
