"""What storefront reads cost: product lists by page size, search, detail, and a cart quote.

    .venv/bin/python bench/storefront.py [REPEAT]

Builds a fresh database (SQLite in a temporary instance folder, or the one
DATABASE_URL names, which should be empty), applies the migrations, seeds the
demo data (``flask demo seed``: 5 sellers, 63 products, stock) and then sends
each request REPEAT times (default 30, after 3 unmeasured warm-up rounds) through
``app.test_client()``, round-robin (one of each per round, so load on the machine
hits all of them alike). Prints, per request:
  median ms    median wall time of one request (the whole Flask stack)
  statements   SQL statements one request executes (a ``before_cursor_execute``
               count on the engine; SQLite's ``BEGIN IMMEDIATE`` is left out so
               the two engines compare)
  rows         items in the answer (list/search), or cart lines (quote)
  kB           size of the JSON body (UTF-8: CJK text is not escaped)
and, last, the 24-item list asked again with its ETag (``If-None-Match``): a 304, no body.
  x list/6     median time and statements relative to the 6-item product list
Absolute times vary between machines; compare the ratios.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARMUP = 3


def main(repeat: int) -> None:
    os.environ.setdefault("DARI_INSTANCE_PATH", tempfile.mkdtemp(prefix="dari-bench-"))
    from flask_migrate import upgrade
    from sqlalchemy import event

    from dari.app import create_app
    from i18n.catalogs import compile_all
    from shop.core.db import db
    from shop.core.demo import run_seeders

    compile_all()
    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        run_seeders(db.session)
        db.session.commit()
        db.session.remove()
        engine = db.engine

    counter = {"n": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):
            counter["n"] += 1

    client = app.test_client()

    def products(**args) -> str:
        return "/api/v1/store/products?" + urlencode(args)

    # A 3-line cart in the US, through the API (guest cart, address, first shipping option).
    cart_id, cart_lines = _three_line_cart(client)

    requests = [
        ("list per_page=6", products(market="US", lang="en", per_page=6)),
        ("list per_page=24", products(market="US", lang="en", per_page=24)),
        ("list per_page=96", products(market="US", lang="en", per_page=96)),
        ("search ko 녹차 (US)", products(market="US", lang="ko", q="녹차", per_page=24)),
        ("search ja 緑茶 (JP)", products(market="JP", lang="ja", q="緑茶", per_page=24)),
        ("search en 'green tea' (US)", products(market="US", lang="en", q="green tea", per_page=24)),
        ("detail hanbit-toner-greentea", "/api/v1/store/products/hanbit-toner-greentea?market=US&lang=en"),
    ]
    if cart_id:
        requests.append((f"quote {cart_lines}-line cart (US)", f"/api/v1/store/carts/{cart_id}/quote?lang=en"))

    # Round-robin: every round sends each request once, so a load change on the machine
    # hits all requests alike instead of whichever happened to be running.
    times = {label: [] for label, _ in requests}
    statements = {label: [] for label, _ in requests}
    last, size = {}, {}
    for i in range(WARMUP + repeat):
        for label, url in requests:
            counter["n"] = 0
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{label}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
            if i >= WARMUP:
                times[label].append(elapsed * 1000)
                statements[label].append(counter["n"])
            last[label] = response.get_json()
            size[label] = len(response.data)

    results = []
    for label, _ in requests:
        body = last[label]
        if isinstance(body, dict) and "items" in body:
            rows = f"{len(body['items'])}/{body['total']}"
        elif label.startswith("quote"):
            rows = str(cart_lines)
        else:
            rows = "1"
        counts = statements[label]
        spread = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
        results.append((label, statistics.median(times[label]), statistics.median(counts), spread, rows,
                        size[label] / 1000))

    # A CDN or browser revalidating the 24-item list: the same work, answered 304 without a body.
    url = requests[1][1]
    etag = client.get(url).headers["ETag"]
    revalidated, revalidated_sql = [], []
    for _ in range(repeat):
        counter["n"] = 0
        start = time.perf_counter()
        response = client.get(url, headers={"If-None-Match": etag})
        revalidated.append((time.perf_counter() - start) * 1000)
        revalidated_sql.append(counter["n"])
        if response.status_code != 304:
            raise SystemExit(f"revalidation: HTTP {response.status_code}")
    results.append(("list per_page=24, ETag -> 304", statistics.median(revalidated),
                    statistics.median(revalidated_sql), str(statistics.median(revalidated_sql)), "0",
                    len(response.data) / 1000))

    base_ms, base_sql = results[0][1], results[0][2]
    print(f"database: {engine.dialect.name}, repeats: {repeat} (+{WARMUP} warm-up)")
    print(f"{'request':<32}{'median ms':>10}{'statements':>12}{'rows':>8}{'kB':>8}{'x list/6 ms':>13}"
          f"{'x list/6 sql':>14}")
    for label, ms, sql, spread, rows, kilobytes in results:
        print(f"{_pad(label, 32)}{ms:>10.2f}{spread:>12}{rows:>8}{kilobytes:>8.1f}{ms / base_ms:>13.2f}"
              f"{sql / base_sql:>14.2f}")


def _pad(text: str, width: int) -> str:
    """Left-justify to ``width`` terminal columns (CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def _three_line_cart(client) -> tuple[str | None, int]:
    """A guest cart in the US with three in-stock variants of different products, ready to quote."""
    listing = client.get("/api/v1/store/products?market=US&lang=en&per_page=100").get_json()
    variant_ids = []
    for item in listing["items"]:
        if item["stock_state"] != "in_stock":
            continue
        detail = client.get(f"/api/v1/store/products/{item['id']}?market=US&lang=en").get_json()
        variant = next((v for v in detail["variants"] if v["stock_state"] == "in_stock" and v["price"]), None)
        if variant:
            variant_ids.append(variant["id"])
        if len(variant_ids) == 3:
            break
    response = client.post("/api/v1/store/carts", json={"market": "US", "email": "bench@example.com"})
    if response.status_code != 201:
        print(f"(no quote: cart creation answered {response.status_code})")
        return None, 0
    cart_id = response.json["id"]
    for variant_id in variant_ids:
        response = client.post(f"/api/v1/store/carts/{cart_id}/lines", json={"variant_id": variant_id, "quantity": 1})
        if response.status_code != 201:
            print(f"(no quote: adding a line answered {response.status_code} {response.json})")
            return None, 0
    address = {"name": "Jane Doe", "line1": "1 Main St", "city": "Springfield", "region": "IL",
               "postal_code": "62701", "country": "US", "phone": "+1 217 555 0142"}
    response = client.put(f"/api/v1/store/carts/{cart_id}/shipping-address", json=address)
    if response.status_code != 200:
        print(f"(no quote: address answered {response.status_code} {response.json})")
        return None, 0
    options = response.json["quote"]["shipping_options"]
    if options:
        client.put(f"/api/v1/store/carts/{cart_id}/shipping-option", json={"service": options[0]["service"]})
    return cart_id, len(variant_ids)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
