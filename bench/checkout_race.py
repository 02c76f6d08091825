"""The oversell race over HTTP: 200 buyers check out the last 50 units at once, through gunicorn.

    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/checkout_race.py [BUYERS] [UNITS]

Builds the schema and the demo data in the database DATABASE_URL names (it should be
empty; SQLite in a temporary folder without it), adds two variants with UNITS units each,
starts localstripe and gunicorn (4 sync workers) on free loopback ports, and opens BUYERS
carts of one unit each through the API. Then, twice, every buyer's checkout is sent at
once (one thread each, released together):
  race     the plain race;
  kill -9  the same race on the second variant, while two gunicorn workers are killed
           with SIGKILL 0.3 s after the start (the master starts new ones).
For each it prints the answers (201, 409 out_of_stock, other statuses, broken
connections), the orders holding stock, the units reserved, the ledger check
(``check_ledger``) and whether every order's reservation matches its stock: the
promise is orders <= UNITS, reserved units == orders, nothing half-written.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADDRESS = {"name": "Race Buyer", "line1": "1 Main St", "city": "New York", "region": "US-NY",
           "postal_code": "10001", "country": "US", "phone": "+12125550123"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def setup(units: int) -> list[str]:
    from flask_migrate import upgrade

    from dari.app import create_app
    from fulfillment.inventory import services
    from fulfillment.warehouses.services import create_warehouse
    from shop.catalog.services.products import create_product
    from shop.core.db import db
    from shop.core.demo import run_seeders
    from shop.sellers.demo import demo_seller

    sys.path.insert(0, str(ROOT / "bench"))
    from reservations import _stocked_variant

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        run_seeders(db.session)
        seller = demo_seller(db.session, "icheon")
        hub = create_warehouse(db.session, code="RACE-HUB", name="Race hub", kind="consolidation")
        ids = [_stocked_variant(db.session, create_product, services, seller, hub, f"race{n}", units)
               for n in range(2)]
        db.session.commit()
    return ids


def open_carts(base: str, variant_id: str, count: int) -> list[str]:
    carts = []
    with requests.Session() as http:
        for n in range(count):
            cart = http.post(f"{base}/store/carts", json={"market": "US", "email": f"race{n}@example.com"}).json()
            http.post(f"{base}/store/carts/{cart['id']}/lines", json={"variant_id": variant_id, "quantity": 1})
            http.put(f"{base}/store/carts/{cart['id']}/shipping-address", json=ADDRESS)
            response = http.put(f"{base}/store/carts/{cart['id']}/shipping-option", json={"service": "ems"})
            response.raise_for_status()
            carts.append(cart["id"])
    return carts


def race(base: str, carts: list[str], during=None) -> tuple[Counter, float]:
    barrier = threading.Barrier(len(carts) + 1)
    answers: Counter = Counter()
    lock = threading.Lock()

    def buy(cart_id: str) -> None:
        barrier.wait(60)
        try:
            response = requests.post(f"{base}/store/carts/{cart_id}/checkout",
                                     headers={"Idempotency-Key": f"race-{cart_id}"}, timeout=120)
            body = response.json() if response.headers.get("Content-Type", "").endswith("json") else {}
            answer = f"{response.status_code} {body.get('code', '')}".strip()
        except requests.RequestException as exc:
            answer = f"broken: {type(exc).__name__}"
        with lock:
            answers[answer] += 1

    threads = [threading.Thread(target=buy, args=(cart_id,)) for cart_id in carts]
    for thread in threads:
        thread.start()
    barrier.wait(60)
    start = time.perf_counter()
    if during:
        during()
    for thread in threads:
        thread.join(180)
    return answers, time.perf_counter() - start


def audit(variant_id: str, units: int) -> dict:
    from sqlalchemy import func, select

    from dari.app import create_app
    from fulfillment.inventory.models import Reservation, ReservationLine, StockLevel
    from fulfillment.inventory.services import check_ledger
    from shop.core.db import db
    from shop.orders.models import Order, OrderLine

    app = create_app()
    with app.app_context():
        session = db.session
        orders = session.scalars(select(Order).join(OrderLine).where(OrderLine.variant_id == variant_id)).all()
        held = {r.reference for r in session.scalars(select(Reservation).join(ReservationLine).where(
            ReservationLine.variant_id == variant_id, Reservation.status == "active"))}
        reserved = session.scalar(select(func.sum(StockLevel.reserved)).where(StockLevel.variant_id == variant_id))
        result = {"orders": len(orders), "reserved units": int(reserved or 0),
                  "orders without a hold": sum(o.status == "pending_payment" and o.id not in held for o in orders),
                  "holds without an order": len(held - {o.id for o in orders}),
                  "ledger discrepancies": len(check_ledger(session, [variant_id])),
                  "oversold": len(orders) > units}
        db.session.remove()
        return result


def main(buyers: int, units: int) -> None:
    instance = tempfile.mkdtemp(prefix="dari-race-")
    os.environ.setdefault("DARI_INSTANCE_PATH", instance)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{instance}/race.db")
    stripe_port, web_port = free_port(), free_port()
    env = dict(os.environ, SECRET_KEY="race-secret", STRIPE_SECRET_KEY="sk_test_race",
               STRIPE_WEBHOOK_SECRET="whsec_race", STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
               CHECKOUT_MAX_PENDING_PER_BUYER="0", PYTHONPATH=str(ROOT))
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_API_BASE",
                                            "CHECKOUT_MAX_PENDING_PER_BUYER")})
    variants = setup(units)
    bin_dir = Path(sys.executable).parent
    stripe = subprocess.Popen([str(bin_dir / "localstripe"), "--port", str(stripe_port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{web_port}", "--timeout", "120",
                            "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{web_port}/api/v1"
        wait_for(f"http://127.0.0.1:{stripe_port}/v1/balance")
        wait_for(f"http://127.0.0.1:{web_port}/healthz")
        import psutil

        def kill_two_workers():
            time.sleep(0.3)
            for child in psutil.Process(web.pid).children()[:2]:
                child.send_signal(signal.SIGKILL)

        for name, variant_id, during in (("race", variants[0], None), ("kill -9", variants[1], kill_two_workers)):
            carts = open_carts(base, variant_id, buyers)
            answers, seconds = race(base, carts, during)
            print(f"== {name}: {buyers} buyers, {units} units, {seconds:.1f} s")
            for answer, count in sorted(answers.items()):
                print(f"   {answer:<40} {count}")
            for key, value in audit(variant_id, units).items():
                print(f"   {key:<40} {value}")
    finally:
        for process in (web, stripe):
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 50)
