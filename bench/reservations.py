"""Stock reservations per second, serially and from 8 threads, and a race for the last units.

    .venv/bin/python bench/reservations.py [N]

Builds a fresh database (SQLite in a temporary instance folder, or the one
DATABASE_URL names, which should be empty), applies the migrations, loads the
markets and one demo seller, and creates variants stocked in one consolidation
warehouse through the ledger (a ``receipt`` movement). Every reservation is
``fulfillment.inventory.services.reserve`` of 1 unit for the US market, committed
on its own (what checkout does), each with its own reference. Prints:
  serial        N reservations one after another on one session, one variant
  8 threads     N reservations from 8 threads (each its own session and
                connection), all on the same variant (one hot stock row)
  8 threads/8v  the same, each thread on a variant of its own (no shared row)
(the three take turns in 4 rounds of N/4, so load on the machine hits them alike)
with reservations/s and the ratio to serial, the SQL statements one reservation
executes (counted in the serial run), then the ledger check
(``check_ledger``: levels vs. their movements and reservation lines) and the
reserved units against the number of successful reservations.
Then the race: 8 threads make 200 attempts (released together by a barrier) for
a variant with 50 units; prints successes (should be 50), out-of-stock
answers, other errors, the time, and the ledger check again.
Absolute times vary between machines; compare the ratios.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

THREADS = 8
ROUNDS = 4
RACE_UNITS, RACE_ATTEMPTS = 50, 200


def main(n: int) -> None:
    n = max(n, ROUNDS * THREADS)
    os.environ.setdefault("DARI_INSTANCE_PATH", tempfile.mkdtemp(prefix="dari-bench-"))
    from flask_migrate import upgrade
    from sqlalchemy import event, select
    from sqlalchemy.orm import Session

    from dari.app import create_app
    from fulfillment.inventory import services
    from fulfillment.inventory.errors import OutOfStock
    from fulfillment.inventory.models import Reservation, StockLevel
    from fulfillment.warehouses.services import create_warehouse
    from shop.catalog.services.products import create_product
    from shop.core.db import db, utcnow
    from shop.markets.demo import seed_markets
    from shop.sellers.demo import demo_seller, seed_sellers

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        session = db.session
        seed_markets(session)
        seed_sellers(session)
        seller = demo_seller(session, "icheon")
        hub = create_warehouse(session, code="BENCH-HUB", name="Bench hub", kind="consolidation")
        hot_units = 2 * n + 1000  # the serial and the threaded run both draw from it, with room to spare
        hot = _stocked_variant(session, create_product, services, seller, hub, "hot", hot_units)
        own = [_stocked_variant(session, create_product, services, seller, hub, f"own{t}", n)
               for t in range(THREADS)]
        scarce = _stocked_variant(session, create_product, services, seller, hub, "race", RACE_UNITS)
        session.commit()
        session.remove()
        engine = db.engine
        dialect = engine.dialect.name

    def reserve_one(session, variant_id: str, reference: str) -> str:
        try:
            services.reserve(session, reference=reference, market_code="US", lines=[(variant_id, 1)],
                             expires_at=utcnow() + timedelta(minutes=30), actor="bench")
            session.commit()
            return "ok"
        except OutOfStock:
            session.rollback()
            return "out_of_stock"
        except Exception as exc:  # noqa: BLE001 - counted and printed, never hidden
            session.rollback()
            return f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"

    def threaded(jobs_per_thread: list[list[tuple[str, str]]]) -> tuple[float, Counter]:
        """Run each thread's (variant, reference) jobs on its own session; all start at a barrier."""
        barrier = threading.Barrier(len(jobs_per_thread) + 1)
        outcomes: Counter = Counter()
        lock = threading.Lock()

        def worker(jobs):
            local: Counter = Counter()
            with app.app_context():
                with Session(bind=engine) as session:
                    session.connection()  # check a connection out before the clock starts
                    session.rollback()
                    barrier.wait(timeout=60)
                    for variant_id, reference in jobs:
                        local[reserve_one(session, variant_id, reference)] += 1
            with lock:
                outcomes.update(local)

        threads = [threading.Thread(target=worker, args=(jobs,)) for jobs in jobs_per_thread]
        for thread in threads:
            thread.start()
        barrier.wait(timeout=60)
        start = time.perf_counter()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.perf_counter() - start
        if any(thread.is_alive() for thread in threads):
            raise SystemExit("a worker thread did not finish within 600 s")
        return elapsed, outcomes

    def split(jobs: list) -> list[list]:
        return [jobs[t::THREADS] for t in range(THREADS)]

    statements = {"n": 0}

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements["n"] += 1

    # The three runs take turns in ROUNDS rounds, so a load change on the machine hits them alike.
    names = ("serial", f"{THREADS} threads", f"{THREADS} threads/{THREADS}v")
    seconds = dict.fromkeys(names, 0.0)
    outcomes = {name: Counter() for name in names}
    per_round = n // ROUNDS
    for r in range(ROUNDS):
        references = [f"{r}-{i}" for i in range(per_round)]
        with app.app_context(), Session(bind=engine) as session:
            event.listen(engine, "before_cursor_execute", count)
            start = time.perf_counter()
            outcomes[names[0]].update(reserve_one(session, hot, f"serial-{ref}") for ref in references)
            seconds[names[0]] += time.perf_counter() - start
            event.remove(engine, "before_cursor_execute", count)
        elapsed, outcome = threaded(split([(hot, f"threads-{ref}") for ref in references]))
        seconds[names[1]] += elapsed
        outcomes[names[1]].update(outcome)
        elapsed, outcome = threaded(split([(own[i % THREADS], f"own-{ref}") for i, ref in enumerate(references)]))
        seconds[names[2]] += elapsed
        outcomes[names[2]].update(outcome)
    rows = [(name, seconds[name], outcomes[name]) for name in names]

    with app.app_context(), Session(bind=engine) as session:
        problems = services.check_ledger(session, [hot, *own])
        levels = session.scalars(select(StockLevel).where(StockLevel.variant_id.in_([hot, *own]))).all()
        reserved = sum(level.reserved for level in levels)
        active = len(session.scalars(select(Reservation.id).where(Reservation.status == "active")).all())

    serial_seconds = rows[0][1]
    print(f"database: {dialect}, reservations per run: {per_round * ROUNDS} in {ROUNDS} interleaved rounds "
          f"(1 unit each, commit each), threads: {THREADS}")
    per_reservation = statements["n"] / (per_round * ROUNDS)
    print(f"SQL statements per reservation (serial run, BEGIN not counted): {per_reservation:.1f}")
    print(f"{'run':<16}{'ok':>6}{'other':>7}{'seconds':>10}{'res/s':>9}{'x serial res/s':>16}")
    for name, seconds, outcome in rows:
        done = outcome["ok"]
        other = sum(outcome.values()) - done
        print(f"{name:<16}{done:>6}{other:>7}{seconds:>10.3f}{done / seconds:>9.0f}"
              f"{(done / seconds) / (rows[0][2]['ok'] / serial_seconds):>16.2f}")
    for name, _, outcome in rows:
        for label, count in outcome.items():
            if label != "ok":
                print(f"  {name}: {count} x {label}")
    total_ok = sum(outcome["ok"] for _, _, outcome in rows)
    print(f"ledger check: {'consistent' if not problems else f'{len(problems)} discrepancies'}; "
          f"reserved units {reserved}, successful reservations {total_ok}, active reservations {active}")
    for problem in problems[:10]:
        print(f"  {problem}")

    jobs = [(scarce, f"race-{i}") for i in range(RACE_ATTEMPTS)]
    elapsed, outcomes = threaded(split(jobs))
    with app.app_context(), Session(bind=engine) as session:
        problems = services.check_ledger(session, [scarce])
        level = session.scalar(select(StockLevel).where(StockLevel.variant_id == scarce))
    errors = {label: count for label, count in outcomes.items() if label not in ("ok", "out_of_stock")}
    print()
    print(f"race: {THREADS} threads, {RACE_ATTEMPTS} attempts for {RACE_UNITS} units")
    print(f"{'successes':>10}{'out_of_stock':>14}{'errors':>8}{'seconds':>10}{'attempts/s':>12}")
    print(f"{outcomes['ok']:>10}{outcomes['out_of_stock']:>14}{sum(errors.values()):>8}{elapsed:>10.3f}"
          f"{RACE_ATTEMPTS / elapsed:>12.0f}")
    for label, count in errors.items():
        print(f"  {count} x {label}")
    print(f"level after: on_hand {level.on_hand}, reserved {level.reserved}, available {level.available}; "
          f"successes {'== ' if outcomes['ok'] == RACE_UNITS else '!= '}{RACE_UNITS}; "
          f"ledger check: {'consistent' if not problems else f'{len(problems)} discrepancies'}")
    for problem in problems[:10]:
        print(f"  {problem}")


def _stocked_variant(session, create_product, services, seller, warehouse, key: str, units: int) -> str:
    """A new active product with one variant and ``units`` received into ``warehouse``; its variant id."""
    product = create_product(session, seller.id, {
        "slug": f"bench-{key}", "category": "household", "hs_code": "691390", "brand": "Bench",
        "status": "active", "origin_country": "KR",
        "variants": [{"sku": f"BENCH-{key.upper()}", "options": {}, "price_krw": 10000, "weight_g": 300,
                      "length_mm": 150, "width_mm": 100, "height_mm": 80}],
        "translations": {"ko": {"title": f"벤치 {key}"}, "en": {"title": f"Bench {key}"}},
    })
    variant_id = product.variants[0].id
    level_id = services.ensure_level(session, variant_id, warehouse.id)
    level = services.lock_levels(session, [level_id])[level_id]
    services.record(session, level, "receipt", units, reference_type="bench", reference="setup", actor="bench")
    session.flush()
    return variant_id


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
