"""The storefront over HTTP at 10,000 and 100,000 products: Dari under gunicorn against a floor.

    .venv/bin/python bench/storefront_http.py [--sizes 10000 100000] [--seconds 10] [--connections 4]

For each catalogue size it creates a database in a PostgreSQL cluster of its own (initdb and pg_ctl
from /usr/lib/postgresql/*/bin, in a temporary folder, removed at the end; or the server DATABASE_URL
names, which must let it create databases), applies the migrations, syncs the markets and loads N
products in SQL (50 sellers, 5 categories, 1.33 variants and 8 translations with an HTML description
per product, 10% drafts, FCC certificates for 2 in 3 electronics so the US blocks some, every 25th
product a green tea), rebuilds the listing index (``flask storefront rebuild``) and analyses.

Then it serves, on loopback, Dari (gunicorn, 2 sync workers) and the *floor*: a WSGI app of a few
lines (gunicorn, 2 workers) that answers each URL by sending exactly the SQL statements Dari sent
for it (captured from Dari in-process, parameters included) through psycopg 3 on one connection per
worker, and writing the rows with ``json.dumps`` - what the answer costs with no framework at all.
wrk (installed from Debian if missing and possible; else a Python load loop) loads each server in
turn with the same connections for ``--seconds``, after a warm-up, one request set at a time:

  list      /api/v1/store/products?market=US&lang=en&per_page=24
  search    the list with q=green tea
  price     the list with sort=price_asc
  detail    100 product pages of products listed in the US, in rotation

Columns: req/s and p50/p99 latency (ms) of Dari and of the floor, Dari's share of the floor's
req/s, SQL statements per request; then p99 growth from the smallest to the largest catalogue, the
resident memory of a Dari and a floor worker after the load, and the time one listing refresh takes
after a product edit (``shop.catalog.listings.refresh_products``, in-process). Absolute figures
depend on the machine; compare the ratios, which one run measures side by side.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
_cleanups: list = []

LOAD_SQL = """
INSERT INTO sellers (id, legal_name, display_names, business_number, contact_email, status,
  pays_change_of_mind_shipping, warranty_months, no_return_purchase, categories, created_at, updated_at)
SELECT 'sel_bench' || lpad(g::text, 15, '0'), '벤치 상사 ' || g,
  json_build_object('en', 'Bench Maker ' || g, 'ko', '벤치 메이커 ' || g), lpad(g::text, 10, '0'),
  'maker' || g || '@bench.kr', 'approved', false, 12, false, '[]'::json, now(), now()
FROM generate_series(1, 50) g;

INSERT INTO products (id, seller_id, slug, category, hs_code, origin_country, brand, status, attributes,
  images, target_markets, created_at, updated_at)
SELECT 'prd_bench' || lpad(g::text, 15, '0'), 'sel_bench' || lpad((g % 50 + 1)::text, 15, '0'),
  'bench-product-' || g, (ARRAY['cosmetics','food','fashion','electronics','household'])[g % 5 + 1],
  '330499', 'KR', 'Brand ' || (g % 300), CASE WHEN g % 10 = 0 THEN 'draft' ELSE 'active' END,
  json_build_object('volume', (g % 9 + 1) * 50 || 'ml'),
  json_build_array('https://images.dari.example/bench/' || g || '.jpg'), '[]'::json,
  now() - (g || ' minutes')::interval, now()
FROM generate_series(1, {N}) g;

INSERT INTO product_variants (id, product_id, seller_id, sku, options, weight_g, length_mm, width_mm,
  height_mm, price_krw, active, position, customs_description, created_at, updated_at)
SELECT 'var_bench' || lpad(g::text, 14, '0') || v, 'prd_bench' || lpad(g::text, 15, '0'),
  'sel_bench' || lpad((g % 50 + 1)::text, 15, '0'), 'B-' || g || '-' || v,
  json_build_object('size', CASE v WHEN 'a' THEN '50ml' ELSE '100ml' END), 250, 80, 80, 60,
  CASE v WHEN 'a' THEN 5000 + (g::bigint * 7919) % 95000 ELSE 8000 + (g::bigint * 104729) % 95000 END,
  true, CASE v WHEN 'a' THEN 0 ELSE 1 END, 'Bench article', now(), now()
FROM generate_series(1, {N}) g, (VALUES ('a'), ('b')) AS variants(v)
WHERE v = 'a' OR g % 3 = 0;

INSERT INTO product_translations (id, product_id, locale, title, short_description, description,
  search_text, created_at, updated_at)
SELECT 'ptr_bench' || l.code || lpad(g::text, 13, '0'), 'prd_bench' || lpad(g::text, 15, '0'), l.locale,
  CASE WHEN g % 25 = 0 THEN l.tea ELSE l.word END || ' ' || g,
  l.word || ' ' || g || ': a short description for the list',
  '<p>' || repeat(l.word || ' ' || g || ' is described at length here. ', 20) || '</p>',
  lower(CASE WHEN g % 25 = 0 THEN l.tea ELSE l.word END || ' ' || g || ' ' || l.word || ' ' || g
        || ': a short description for the list brand ' || (g % 300)),
  now(), now()
FROM generate_series(1, {N}) g, (VALUES
  ('ko', 'ko', '제품', '녹차 크림'), ('en', 'en', 'Product', 'Green Tea Cream'), ('ja', 'ja', '製品', '緑茶クリーム'),
  ('zs', 'zh-Hans', '产品', '绿茶霜'), ('zt', 'zh-Hant', '產品', '綠茶霜'), ('vi', 'vi', 'Sản phẩm', 'Kem trà xanh'),
  ('de', 'de', 'Produkt', 'Grüntee-Creme'), ('fr', 'fr', 'Produit', 'Crème au thé vert'))
  AS l(code, locale, word, tea);

INSERT INTO certificates (id, seller_id, product_id, type, number, market_code, status, created_at, updated_at)
SELECT 'crt_bench' || lpad(g::text, 15, '0'), 'sel_bench' || lpad((g % 50 + 1)::text, 15, '0'),
  'prd_bench' || lpad(g::text, 15, '0'), 'FCC', 'FCC-' || g, 'US', 'verified', now(), now()
FROM generate_series(1, {N}) g WHERE g % 5 = 3 AND g % 3 <> 0;
"""

FLOOR_APP = '''
import json, os, psycopg
STATEMENTS = json.load(open(os.environ["FLOOR_STATEMENTS"]))
_conn = None

def app(environ, start_response):
    global _conn
    if _conn is None:
        _conn = psycopg.connect(os.environ["FLOOR_DSN"])
    key = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    rows = []
    with _conn.cursor() as cursor:
        for statement, parameters in STATEMENTS[key]:
            cursor.execute(statement, parameters)
            rows.append(cursor.fetchall())
    _conn.rollback()
    body = json.dumps(rows, ensure_ascii=False, default=str).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
'''


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster() -> str:
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    folder = Path(tempfile.mkdtemp(prefix="dari-bench-pg-"))
    as_pg: list[str] = []
    if os.getuid() == 0:
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        shutil.chown(folder, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(as_pg + [str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "dari", "-A", "trust",
                            "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
    subprocess.run(as_pg + [str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
                            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                                  "-c synchronous_commit=off -c full_page_writes=off", "start"],
                   check=True, capture_output=True)

    def stop():
        subprocess.run(as_pg + [str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    _cleanups.append(stop)
    return f"postgresql://dari@127.0.0.1:{port}"


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip()


def load_catalogue(server: str, n: int) -> tuple[str, dict]:
    import psycopg

    name = f"dari_bench_{n}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    instance = tempfile.mkdtemp(prefix="dari-bench-instance-")
    _cleanups.append(lambda: shutil.rmtree(instance, ignore_errors=True))
    env = {**os.environ, "DATABASE_URL": url, "DARI_INSTANCE_PATH": instance, "SECRET_KEY": "bench",
           "PYTHONPATH": str(ROOT)}
    flask(env, "db", "upgrade")
    flask(env, "markets", "sync")
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(LOAD_SQL.replace("{N}", str(n)))
    log(f"  {n} products loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    log("  " + flask(env, "storefront", "rebuild") + f" in {time.perf_counter() - started:.0f} s")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url, env


def capture(env: dict, urls: list[str]) -> tuple[dict, dict, float]:
    """The SQL Dari sends per URL (what the floor will send), statements per request, and the time
    of one listing refresh after a product edit."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DARI_INSTANCE_PATH", "SECRET_KEY")})
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event, select

    from shop.app import create_app
    from shop.catalog import listings
    from shop.catalog.models import ProductTranslation
    from shop.db import db

    app = create_app()
    client = app.test_client()
    captured: list = []
    with app.app_context():
        engine = db.engine

        def listen(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
                captured.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", listen)
    statements, counts = {}, {}
    for url in urls:
        client.get(url)  # warm the caches, then capture one request
        captured.clear()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
        statements[url] = [[s, p] for s, p in captured]
        counts[url] = len(captured)
    event.remove(engine, "before_cursor_execute", listen)
    with app.app_context():
        row = db.session.scalars(select(ProductTranslation).where(ProductTranslation.locale == "en")
                                 .order_by(ProductTranslation.product_id).limit(1)).one()
        timings = []
        for i in range(5):
            row.title = f"{row.title.split(' #')[0]} #{i}"
            db.session.flush()
            started = time.perf_counter()
            listings.refresh_products(db.session, [row.product_id])
            timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
        db.session.remove()
        engine.dispose()
    return statements, counts, statistics.median(timings)


def serve(target: str, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                target], cwd=env.get("FLOOR_DIR", ROOT), env=env, start_new_session=True)
    _cleanups.append(lambda: _stop(process))
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{target} did not start")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def worker_rss_mb(process: subprocess.Popen) -> float:
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return max(sizes) if sizes else float("nan")


def have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.getuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from Debian")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
    return shutil.which("wrk") is not None


def load(port: int, paths: list[str], seconds: int, connections: int) -> dict:
    """req/s, p50 and p99 (ms) of ``paths`` in rotation at ``connections`` concurrent connections."""
    if have_wrk():
        script = Path(tempfile.mkdtemp(prefix="dari-bench-wrk-")) / "paths.lua"
        script.write_text("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n"
                          "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
                          "done = function(summary, latency, requests)\n"
                          "  io.write(string.format('P50 %f\\nP99 %f\\n', latency:percentile(50) / 1000,"
                          " latency:percentile(99) / 1000))\nend\n")
        base = ["wrk", "-t", "2", "-c", str(connections), "-s", str(script), f"http://127.0.0.1:{port}"]
        subprocess.run(base[:1] + ["-d", "2"] + base[1:], capture_output=True, text=True)  # warm-up
        out = subprocess.run(base[:1] + ["-d", str(seconds)] + base[1:], capture_output=True, text=True).stdout
        shutil.rmtree(script.parent, ignore_errors=True)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors:
            raise SystemExit(f"port {port}: {errors.group(1)} failed requests\n{out}")
        return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                "p50": float(re.search(r"P50 ([\d.]+)", out).group(1)),
                "p99": float(re.search(r"P99 ([\d.]+)", out).group(1))}
    return _python_load(port, paths, seconds, connections)


def _python_load(port: int, paths: list[str], seconds: int, connections: int) -> dict:
    import http.client
    import threading

    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        i = offset
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"HTTP {response.status}")
            latencies.append((time.perf_counter() - started) * 1000)
            i += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {"rps": len(latencies) / seconds, "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99)]}


def bench_size(server: str, n: int, seconds: int, connections: int) -> dict:
    log(f"catalogue of {n} products")
    url, env = load_catalogue(server, n)
    base = {"market": "US", "lang": "en", "per_page": 24}
    products = "/api/v1/store/products?"
    sets = {"list": [products + urlencode(base)],
            "search": [products + urlencode({**base, "q": "green tea"})],
            "price": [products + urlencode({**base, "sort": "price_asc"})]}
    import psycopg

    with psycopg.connect(url) as conn:
        slugs = [row[0] for row in conn.execute(
            "SELECT p.slug FROM storefront_listings l JOIN products p ON p.id = l.product_id "
            "WHERE l.market_code = 'US' AND l.purchasable ORDER BY p.id LIMIT 100")]
    sets["detail"] = [f"/api/v1/store/products/{slug}?market=US&lang=en" for slug in slugs]
    statements, counts, refresh_ms = capture(env, [u for paths in sets.values() for u in paths])

    folder = Path(tempfile.mkdtemp(prefix="dari-bench-floor-"))
    _cleanups.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    (folder / "floor.py").write_text(FLOOR_APP)
    (folder / "statements.json").write_text(json.dumps(statements, default=str))
    dari_port, floor_port = free_port(), free_port()
    dari = serve("wsgi:app", {**env, "STOREFRONT_MAX_AGE": "0"}, dari_port)
    floor = serve("floor:app", {**os.environ, "FLOOR_DIR": str(folder), "PYTHONPATH": str(folder),
                                "FLOOR_STATEMENTS": str(folder / "statements.json"), "FLOOR_DSN": url}, floor_port)
    results = {}
    for name, paths in sets.items():
        log(f"  {name}: Dari, then the floor")
        results[name] = {"dari": load(dari_port, paths, seconds, connections),
                         "floor": load(floor_port, paths, seconds, connections),
                         "statements": statistics.median(counts[p] for p in paths)}
    results["rss"] = {"dari": worker_rss_mb(dari), "floor": worker_rss_mb(floor)}
    results["refresh_ms"] = refresh_ms
    _stop(dari)
    _stop(floor)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    atexit.register(lambda: [cleanup() for cleanup in reversed(_cleanups)])
    server = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0] or start_cluster()  # before the cleanups run
    server = server.replace("postgresql+psycopg://", "postgresql://")
    results = {n: bench_size(server, n, args.seconds, args.connections) for n in args.sizes}

    print(f"Dari vs floor, 2 gunicorn workers each, wrk/{args.connections} connections, {args.seconds} s per cell")
    print(f"{'products':>9} {'request':<8}{'Dari r/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'floor r/s':>10}"
          f"{'p50 ms':>8}{'p99 ms':>8}{'Dari/floor':>11}{'SQL/req':>8}")
    for n, result in results.items():
        for name in ("list", "search", "price", "detail"):
            dari, floor = result[name]["dari"], result[name]["floor"]
            print(f"{n:>9} {name:<8}{dari['rps']:>9.1f}{dari['p50']:>8.1f}{dari['p99']:>8.1f}{floor['rps']:>10.1f}"
                  f"{floor['p50']:>8.1f}{floor['p99']:>8.1f}{dari['rps'] / floor['rps']:>11.2f}"
                  f"{result[name]['statements']:>8.0f}")
    small, large = min(results), max(results)
    if small != large:
        growth = "  ".join(f"{name} {results[large][name]['dari']['p99'] / results[small][name]['dari']['p99']:.2f}x"
                           for name in ("list", "search", "price", "detail"))
        print(f"p99 growth {small} -> {large} products: {growth}")
    for n, result in results.items():
        print(f"{n:>9} products: worker RSS Dari {result['rss']['dari']:.0f} MB, floor {result['rss']['floor']:.0f} MB;"
              f" one product's listing refresh {result['refresh_ms']:.1f} ms")


if __name__ == "__main__":
    main()
