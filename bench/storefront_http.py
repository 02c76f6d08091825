"""The storefront over HTTP at 10,000 and 100,000 products: Dari under gunicorn against a floor.

    .venv/bin/python bench/storefront_http.py [--sizes 10000 100000] [--seconds 10] [--warmup 2]
                                              [--connections 4] [--python-load] [--keep]

About 8 minutes at the default sizes on 2 cores (most of it loading and indexing 100,000 products).
Everything runs on loopback and nothing comes from the network. Unless DATABASE_URL is set, it
starts a PostgreSQL cluster of its own (``initdb`` and ``pg_ctl`` from /usr/lib/postgresql/*/bin,
trust auth, fsync off, as the ``postgres`` user when run as root) in a temporary folder, removed at
the end; with DATABASE_URL it creates (and drops) its databases, ``dari_bench_http_<N>``, on that
server instead (the role needs CREATEDB; an existing database of that name stops the run).

For each catalogue size N it creates a database, applies the migrations (``flask_migrate.upgrade``),
syncs the markets and stores the bundled exchange rates (``sync_markets``, ``refresh_rates``),
bulk-loads N products with COPY (``bench/catalog_load.py``: 50 sellers, five categories, 1.33
variants and eight translations per product, ~3% green tea, ~90% active, certificates per market
with some missing, warehouses and stock with its ledger), rebuilds the listing index
(``shop.catalog.listings.rebuild``), runs ``VACUUM ANALYZE`` and checks that the app serves the
loaded products. Then it serves Dari (``gunicorn -w 2 wsgi:app``, sync workers) and the *floor*
(``bench/floor_app.py``, ``gunicorn -w 2`` too): a WSGI app that answers each URL by sending the
statements Dari sent for it (captured from Dari in-process with a ``before_cursor_execute``
listener, parameters included; BEGIN, SAVEPOINT and pre-ping left out) through psycopg 3 on one
connection per worker, fetching the rows and writing them with ``json.dumps``: what the answer costs
with the same SQL and no framework. wrk (``-t1``, a Lua script rotating the URLs; apt-get installs it
once when missing and possible), else a Python keep-alive loop in a separate process
(``--python-load``), loads one server at a time with the same connections: per request set, a
warm-up of each, then ``--seconds`` per server in two halves, in the order Dari, floor, floor, Dari,
so that a machine getting busier or quieter during the cell weighs on both alike. The request sets
(market US, lang en):

  list      /api/v1/store/products?market=US&lang=en&per_page=24
  search    the list with q=green tea
  price     the list with sort=price_asc
  detail    /api/v1/store/products/<slug>?market=US&lang=en for 100 products listed in the US, in turn

Columns of the table:
  Dari r/s, p50, p99   requests per second (all requests of both halves over their time) and latency
                       percentiles in ms (the mean of the two halves' percentiles) of Dari
  floor r/s, p99       the same of the floor
  Dari/floor           Dari's requests per second as a share of the floor's (1.00: no cost above the SQL)
  SQL/req              statements Dari sends per request (a range when detail pages differ)
  SQL ms               those statements' time run alone, one after another on one connection with
                       nothing else running (median of 5 after a warm-up; detail: median of 20 pages)
Then, per request set, the growth of p99 from the smallest to the largest size (p99 at the largest /
p99 at the smallest; 1.00x: the catalogue's size does not show), and per size: the resident memory
(VmRSS, MB) of the larger of each server's two workers after the load, the time of one listing
refresh after one product edit (``put_translation`` of a new English title, then
``shop.catalog.listings.refresh_products`` for that product, in-process, median of 5, rolled back)
with its statement count, the load and rebuild times, the products listed in the US and what the
search matched (``~``: an estimate). Last, the slowest statement of each size, statements over 100
ms while serving (from the cluster's log) and errors in the servers' logs. The floor sends the
captured statements as they were, parameters included (the time in the stock query's expiry filter
too), and no pre-ping. Absolute figures depend on the machine and on what else runs on it; the
ratios are measured side by side in one run. ``--keep`` keeps the captured SQL and the server logs.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import io
import json
import logging
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The packages before this folder (it has a returns.py, which would shadow the returns package).
sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))

SETS = ("list", "search", "price", "detail")
DETAIL_PAGES = 100
SLOW_MS = 100
PRODUCTS = "/api/v1/store/products"
SKIPPED = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Cleanup: servers and the cluster go away however the run ends (exception, Ctrl-C, SIGTERM).

_cleanups: list = []


def _cleanup() -> None:
    while _cleanups:
        action = _cleanups.pop()
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - keep cleaning up the rest
            log(f"cleanup: {exc}")


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# PostgreSQL: a throwaway cluster, or the server DATABASE_URL names.

@dataclass
class Server:
    base: str  # postgresql://user@host:port (no database)
    admin_db: str
    log_path: Path | None = None
    version: str = ""
    query: str = ""  # DATABASE_URL's options (?sslmode=…), kept for every database

    def url(self, database: str) -> str:
        return f"{self.base}/{database}" + (f"?{self.query}" if self.query else "")


def _pg_bin() -> Path:
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql (or set DATABASE_URL)")
    return found[-1].parent


def start_cluster() -> Server:
    pg_bin = _pg_bin()
    folder = Path(tempfile.mkdtemp(prefix="dari-bench-pg-"))
    as_pg: list[str] = []
    if os.getuid() == 0:
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        shutil.chown(folder, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    data, log_path = folder / "data", folder / "postgres.log"

    def stop() -> None:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_pg, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)

    _cleanups.append(stop)
    subprocess.run([*as_pg, str(pg_bin / "initdb"), "-D", str(data), "-U", "dari", "-A", "trust", "-E", "UTF8",
                    "--no-locale"], check=True, capture_output=True)
    options = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               "-c shared_buffers=512MB -c maintenance_work_mem=256MB -c max_wal_size=4GB -c max_connections=100 "
               "-c log_line_prefix='%m [%p] %d '")
    for _ in range(5):  # another process may take the port between free_port() and the start
        port = free_port()
        result = subprocess.run([*as_pg, str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log_path), "-w",
                                 "-o", f"-p {port} -k {folder} {options}", "start"], capture_output=True, text=True)
        if result.returncode == 0:
            version = subprocess.run([str(pg_bin / "postgres"), "--version"], capture_output=True, text=True)
            return Server(f"postgresql://dari@127.0.0.1:{port}", "postgres", log_path, version.stdout.strip())
    raise SystemExit(f"PostgreSQL did not start:\n{log_path.read_text()[-2000:] if log_path.exists() else ''}")


def env_server(url: str) -> Server:
    url = url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")
    parts = urlsplit(url)
    return Server(f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/") or "postgres", query=parts.query)


def create_database(server: Server, name: str) -> str:
    import psycopg

    with psycopg.connect(server.url(server.admin_db), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            raise SystemExit(f"database {name} exists already: drop it first (a run that did not finish?)")
        conn.execute(f'CREATE DATABASE "{name}"')
        if not server.version:
            server.version = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]

    def drop() -> None:
        with psycopg.connect(server.url(server.admin_db), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _cleanups.append(drop)
    return server.url(name)


# Preparing one size: schema, markets, rates, catalogue, listing index, statistics; then the SQL to replay.

@dataclass
class Size:
    n: int
    database: str
    conninfo: str
    urls: dict[str, list[str]] = field(default_factory=dict)
    statements: dict[str, list] = field(default_factory=dict)
    load_s: float = 0.0
    rebuild_s: float | None = None
    listed_us: int = 0
    search_total: str = ""
    sql_ms: dict = field(default_factory=dict)  # set -> (ms of a request's statements, slowest ms, its SQL)
    refresh_ms: float | None = None
    refresh_sql: int | None = None
    results: dict = field(default_factory=dict)
    rss: dict = field(default_factory=dict)
    server_errors: dict = field(default_factory=dict)


def _listings(name: str):
    """``shop.catalog.listings.<name>``, or None while the listing index is not there yet."""
    try:
        from shop.catalog import listings
    except ImportError:
        return None
    return getattr(listings, name, None)


def _encode(value):
    """A captured parameter as JSON (``bench/floor_app.py`` decodes the tags)."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    return value


class Recorder:
    """The statements an engine executes while ``on`` (``before_cursor_execute``), transaction control left out."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        text = statement.strip()
        if self.on and not text.upper().startswith(SKIPPED) and text.upper() != "SELECT 1":
            self.statements.append((statement, parameters))

    def take(self) -> list:
        taken, self.statements = self.statements, []
        return taken


def prepare(server: Server, n: int, seed: int, instance: Path) -> Size:
    import psycopg
    from catalog_load import load_catalogue

    name = f"dari_bench_http_{n}"
    conninfo = create_database(server, name)
    size = Size(n, name, conninfo)
    os.environ["DATABASE_URL"] = conninfo

    from flask_migrate import upgrade

    from dari.app import create_app
    from shop.catalog.rates import refresh_rates
    from shop.core.db import db
    from shop.markets.services import sync_markets

    app = create_app()
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines, one per revision
            upgrade(revision="heads")
        sync_markets(db.session)
        refresh_rates(db.session)
        db.session.commit()
    log(f"  {name}: migrated, markets synced, rates stored; loading {n} products")
    summary = load_catalogue(conninfo, n, seed=seed, log=log)
    size.load_s = summary.seconds
    log(f"  loaded in {summary.seconds:.1f} s: {summary.products} products ({summary.active} active, "
        f"{summary.green_tea} green tea), {summary.variants} variants, {summary.translations} translations, "
        f"{summary.certificates} certificates, {summary.stock_levels} stock levels")

    rebuild = _listings("rebuild")
    with app.app_context():
        if rebuild is None:
            log("  shop.catalog.listings.rebuild is not there yet: listing index NOT rebuilt")
        else:
            started = time.perf_counter()
            rows = rebuild(db.session)
            db.session.commit()
            size.rebuild_s = time.perf_counter() - started
            log(f"  listing index rebuilt: {rows} rows in {size.rebuild_s:.1f} s")
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        if server.log_path is not None:  # slow statements while serving go to the cluster's log
            conn.execute(f'ALTER DATABASE "{name}" SET log_min_duration_statement = {SLOW_MS}')
        size.listed_us = conn.execute("SELECT count(*) FROM storefront_listings WHERE market_code = 'US' "
                                      "AND purchasable").fetchone()[0] if rebuild else 0
        slugs = [row[0] for row in conn.execute(
            "SELECT p.slug FROM storefront_listings l JOIN products p ON p.id = l.product_id "
            "WHERE l.market_code = 'US' AND l.purchasable ORDER BY md5(p.id) LIMIT %s", (DETAIL_PAGES,))]
    log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s; {size.listed_us} products listed in the US")

    base = {"market": "US", "lang": "en", "per_page": 24}
    size.urls = {
        "list": [f"{PRODUCTS}?{urlencode(base)}"],
        "search": [f"{PRODUCTS}?{urlencode({**base, 'q': 'green tea'})}"],
        "price": [f"{PRODUCTS}?{urlencode({**base, 'sort': 'price_asc'})}"],
        "detail": [f"{PRODUCTS}/{slug}?{urlencode({'market': 'US', 'lang': 'en'})}" for slug in slugs],
    }
    with app.app_context():
        recorder = Recorder(db.engine)
        _check_served(app, size, summary, indexed=rebuild is not None)
        size.statements = _capture(app, recorder, [url for urls in size.urls.values() for url in urls])
        size.refresh_ms, size.refresh_sql = _time_refresh(app, recorder)
        db.session.remove()
        db.engine.dispose()
    size.sql_ms = _time_statements(size)
    return size


def _time_statements(size: Size, rounds: int = 5, pages: int = 20) -> dict:
    """Per request set: the median time of a request's statements run alone (one psycopg connection,
    nothing else running, after a warm-up; of ``pages`` detail pages), and its slowest statement."""
    import psycopg
    from floor_app import decode

    result = {}
    with psycopg.connect(size.conninfo) as conn:
        for name in SETS:
            per_request, slowest = [], (0.0, "")
            for url in size.urls[name][:pages]:
                statements = [(sql, decode(parameters)) for sql, parameters in size.statements[url]]
                timings = [[] for _ in statements]
                for round_ in range(rounds + 1):
                    for i, (sql, parameters) in enumerate(statements):
                        started = time.perf_counter()
                        conn.execute(sql, parameters).fetchall()
                        if round_:  # the first round warms up
                            timings[i].append((time.perf_counter() - started) * 1000)
                    conn.rollback()
                medians = [statistics.median(t) for t in timings]
                per_request.append(sum(medians))
                for ms, (sql, _) in zip(medians, statements):
                    slowest = max(slowest, (ms, " ".join(sql.split())))
            if per_request:
                result[name] = (statistics.median(per_request), *slowest)
    return result


def _check_served(app, size: Size, summary, *, indexed: bool) -> None:
    """The app lists loaded products in the US, finds green tea, opens a product page; the ledger adds up.

    Without a listing index (``indexed`` false) an empty list is only reported."""
    from sqlalchemy import func, select

    from fulfillment.inventory.models import StockLevel
    from fulfillment.inventory.services.ledger import check_ledger
    from shop.catalog.models import Product
    from shop.core.db import db

    client = app.test_client()
    page = client.get(size.urls["list"][0])
    items = page.get_json().get("items") if page.status_code == 200 else None
    if not items and not indexed:
        log(f"  the storefront lists nothing (HTTP {page.status_code}): no listing index")
        return
    if not items:
        raise SystemExit(f"the loaded catalogue is not served: HTTP {page.status_code} "
                         f"{page.get_data(as_text=True)[:300]}")
    ids = [item["id"] for item in items]
    known = db.session.scalar(select(func.count()).select_from(Product).where(Product.id.in_(ids)))
    if known != len(ids):
        raise SystemExit(f"the list shows products that were not loaded: {ids}")
    search = client.get(size.urls["search"][0]).get_json()
    size.search_total = f"{search['total']}{'~' if search.get('total_is_estimate') else ''}"
    if not search["items"] or not all("green tea" in (item["title"] or "").lower() for item in search["items"]):
        raise SystemExit(f"search for green tea: {search['total']} matches, titles "
                         f"{[item['title'] for item in search['items'][:5]]}")
    if size.urls["detail"]:
        detail = client.get(size.urls["detail"][0])
        if detail.status_code != 200 or not detail.get_json()["variants"]:
            raise SystemExit(f"product page: HTTP {detail.status_code} {detail.get_data(as_text=True)[:300]}")
    sample = list(db.session.scalars(select(StockLevel.variant_id).order_by(StockLevel.id).limit(2000)))
    problems = check_ledger(db.session, sample)
    db.session.rollback()
    if problems:
        raise SystemExit(f"stock levels differ from their ledger: {problems[:5]}")
    log(f"  served: list total {page.get_json()['total']}, green tea {size.search_total} "
        f"(of {summary.green_tea} loaded), ledger of {len(sample)} variants adds up")


def _capture(app, recorder: Recorder, urls: list[str]) -> dict[str, list]:
    """Each URL once to warm up, then once more recording what it sends: ``{url: [[sql, parameters]]}``."""
    client = app.test_client()
    captured = {}
    for url in urls:
        client.get(url)
        recorder.on = True
        response = client.get(url)
        recorder.on = False
        statements = recorder.take()
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
        captured[url] = [[sql, _encode(parameters)] for sql, parameters in statements]
    return captured


def _time_refresh(app, recorder: Recorder) -> tuple[float | None, int | None]:
    """Median ms (and statements) of ``refresh_products`` after a product's English title changed, 5 products."""
    refresh_products = _listings("refresh_products")
    if refresh_products is None:
        log("  shop.catalog.listings.refresh_products is not there yet: refresh not timed")
        return None, None
    from sqlalchemy import select

    from shop.catalog.models import Product, ProductTranslation, StorefrontListing
    from shop.catalog.services.products import put_translation
    from shop.core.db import db

    session = db.session
    ids = list(session.scalars(select(StorefrontListing.product_id).where(
        StorefrontListing.market_code == "US", StorefrontListing.purchasable).order_by(
        StorefrontListing.listed_at.desc()).limit(5)))
    session.rollback()
    timings, counts = [], []
    for product_id in ids:
        product = session.get(Product, product_id)
        text = session.scalar(select(ProductTranslation).where(
            ProductTranslation.product_id == product_id, ProductTranslation.locale == "en"))
        put_translation(session, product, "en", {"title": f"{text.title} (new edition)",
                                                 "short_description": text.short_description,
                                                 "description": text.description})
        recorder.on = True
        started = time.perf_counter()
        refresh_products(session, [product_id])
        session.flush()
        timings.append((time.perf_counter() - started) * 1000)
        recorder.on = False
        counts.append(len(recorder.take()))
        session.rollback()  # the catalogue stays as loaded (and nothing is deferred to the outbox)
    if not timings:
        return None, None
    return statistics.median(timings), int(statistics.median(counts))


# Serving: gunicorn for Dari and for the floor.

@dataclass
class Gunicorn:
    name: str
    process: subprocess.Popen
    port: int
    log_path: Path

    def worker_rss_mb(self) -> float | None:
        """VmRSS of the larger of the master's workers, MB."""
        sizes = []
        for pid in _children(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if found:
                sizes.append(int(found.group(1)) / 1024)
        return max(sizes) if sizes else None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass

    def errors(self) -> list[str]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if "[ERROR]" in line or "Traceback" in line or "[CRITICAL]" in line]


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
        return children


def serve(name: str, target: str, cwd: Path, env: dict, probe: str, folder: Path) -> Gunicorn:
    """``gunicorn -w 2 -b 127.0.0.1:PORT target``, once ``probe`` answers 200."""
    for attempt in range(3):
        port = free_port()
        log_path = folder / f"{name}-{port}.log"
        process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                    "--error-logfile", str(log_path), target], cwd=cwd, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        server = Gunicorn(name, process, port, log_path)
        _cleanups.append(server.stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", probe)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return server
                raise SystemExit(f"{name}: {probe} answered {status}; see {log_path}")
            except OSError:
                time.sleep(0.2)
        server.stop()
        log(f"  {name} did not start on port {port} (attempt {attempt + 1})")
    tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
    raise SystemExit(f"{name} did not start:\n{tail}")


# Load: wrk, else a Python loop in its own process.

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%.0f, "seconds": %%.6f, "p50": %%.3f, "p99": %%.3f, "errors": %%.0f}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""

_wrk_checked: list[str | None] = []


def wrk_path() -> str | None:
    """wrk on PATH; installed with apt-get once per run when missing and possible (root)."""
    if not _wrk_checked:
        found = shutil.which("wrk")
        if found is None and os.getuid() == 0 and shutil.which("apt-get"):
            log("wrk is not installed: trying apt-get install -y wrk")
            try:
                subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, timeout=300,
                               env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            except (OSError, subprocess.TimeoutExpired):
                pass
            found = shutil.which("wrk")
        _wrk_checked.append(found)
    return _wrk_checked[0]


@dataclass
class Load:
    rps: float
    p50: float
    p99: float
    requests: int
    errors: int
    seconds: float = 0.0

    @classmethod
    def combine(cls, loads: list["Load"]) -> "Load":
        """Runs of one server as one: requests over the total time; p50 and p99 the runs' means."""
        seconds = sum(load.seconds for load in loads)
        requests = sum(load.requests for load in loads)
        return cls(requests / seconds if seconds else 0.0, statistics.fmean(load.p50 for load in loads),
                   statistics.fmean(load.p99 for load in loads), requests, sum(load.errors for load in loads),
                   seconds)


def run_load(port: int, paths: list[str], seconds: float, connections: int, folder: Path, python: bool) -> Load:
    wrk = None if python else wrk_path()
    if wrk is None:
        command = [sys.executable, str(Path(__file__).resolve()), "--loadgen",
                   json.dumps({"port": port, "paths": paths, "seconds": seconds, "connections": connections})]
    else:
        script = folder / "rotate.lua"
        script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                   "-s", str(script), f"http://127.0.0.1:{port}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"load generator failed ({result.returncode}):\n"
                         f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
    data = json.loads(lines[-1])
    return Load(data["requests"] / data["seconds"], data["p50"], data["p99"], int(data["requests"]),
                int(data["errors"]), data["seconds"])


def loadgen(port: int, paths: list[str], seconds: float, connections: int) -> dict:
    """``connections`` threads, each a keep-alive HTTP/1.1 connection (reopened when the server closes it),
    sending ``paths`` in turn for ``seconds``; latencies in ms."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start = time.perf_counter()
    deadline = start + seconds

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k * len(paths) // connections
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[k] += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[k] += 1
                conn.close()
            latencies[k].append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    every = sorted(x for per in latencies for x in per)
    if not every:
        return {"requests": 0, "seconds": elapsed, "p50": 0.0, "p99": 0.0, "errors": sum(errors)}
    return {"requests": len(every), "seconds": elapsed, "p50": every[len(every) // 2],
            "p99": every[min(len(every) - 1, int(len(every) * 0.99))], "errors": sum(errors)}


# One size: serve both, load each request set on each, measure memory, read the logs.

def measure(size: Size, args, folder: Path, instance: Path) -> None:
    statements = folder / f"statements-{size.n}.json"
    statements.write_text(json.dumps(size.statements, ensure_ascii=False))
    base_env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "FLOOR_DSN")}
    dari_env = {**base_env, "DATABASE_URL": size.conninfo, "DARI_INSTANCE_PATH": str(instance)}
    floor_env = {**base_env, "FLOOR_STATEMENTS": str(statements), "FLOOR_DSN": size.conninfo}
    probe = size.urls["list"][0]
    dari = serve("dari", "wsgi:app", ROOT, dari_env, probe, folder)
    floor = serve("floor", "floor_app:app", BENCH, floor_env, probe, folder)
    try:
        for name in SETS:
            paths = size.urls[name]
            if not paths:
                continue
            counts = [len(size.statements[p]) for p in paths]
            row = {"sql": (min(counts), max(counts))}
            log(f"  {size.n} {name}: {args.warmup} s warm-up each, then Dari, floor, floor, Dari "
                f"({args.seconds / 2:g} s each)")
            for server in (dari, floor):
                run_load(server.port, paths, args.warmup, args.connections, folder, args.python_load)
            halves: dict[str, list[Load]] = {"dari": [], "floor": []}
            # Two halves each, in the order ABBA, so a machine that gets busier or quieter during the
            # cell weighs on both servers alike.
            for server in (dari, floor, floor, dari):
                halves[server.name].append(run_load(server.port, paths, args.seconds / 2, args.connections,
                                                    folder, args.python_load))
            for server_name, loads in halves.items():
                row[server_name] = load = Load.combine(loads)
                log(f"    {server_name}: {load.rps:.1f} req/s, p50 {load.p50:.1f} ms, p99 {load.p99:.1f} ms"
                    + (f", {load.errors} errors" if load.errors else ""))
            size.results[name] = row
        size.rss = {"dari": dari.worker_rss_mb(), "floor": floor.worker_rss_mb()}
    finally:
        dari.stop()
        floor.stop()
    size.server_errors = {"dari": dari.errors(), "floor": floor.errors()}


def slow_statements(server: Server, database: str) -> list[tuple[float, str]]:
    """(ms, statement) the cluster logged over ``SLOW_MS`` for ``database``, slowest first."""
    if server.log_path is None or not server.log_path.exists():
        return []
    found = []
    pattern = re.compile(rf" {re.escape(database)} LOG:\s+duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)")
    for line in server.log_path.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if match:
            found.append((float(match.group(1)), match.group(2)))
    return sorted(found, reverse=True)


def server_log_errors(server: Server, database: str) -> list[str]:
    if server.log_path is None or not server.log_path.exists():
        return []
    return [line for line in server.log_path.read_text(errors="replace").splitlines()
            if f" {database} ERROR:" in line or f" {database} FATAL:" in line]


# The table.

def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(sizes: list[Size], args, server: Server, loader: str) -> None:
    print(f"Dari vs the floor (the same SQL through psycopg 3 + json.dumps): gunicorn, 2 sync workers each; "
          f"{args.connections} connections ({loader}), {args.seconds} s per cell after {args.warmup} s warm-up; "
          f"{server.version}; market US, lang en, 24 per page")
    print()
    header = (f"{'products':>9}  {'request':<7}{'Dari r/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'floor r/s':>11}"
              f"{'p99 ms':>8}{'Dari/floor':>12}{'SQL/req':>9}{'SQL ms':>8}")
    print(header)
    print("-" * len(header))
    for size in sizes:
        for name in SETS:
            row = size.results.get(name)
            if not row:
                continue
            dari, floor = row["dari"], row["floor"]
            low, high = row["sql"]
            sql = str(low) if low == high else f"{low}-{high}"
            ratio = dari.rps / floor.rps if floor.rps else float("nan")
            alone = size.sql_ms.get(name, (None,))[0]
            print(f"{size.n:>9,}  {name:<7}{dari.rps:>10.1f}{dari.p50:>8.1f}{dari.p99:>8.1f}{floor.rps:>11.1f}"
                  f"{floor.p99:>8.1f}{ratio:>12.2f}{sql:>9}{_fmt(alone, '.1f'):>8}")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print()
        print(f"p99 growth {small.n:,} -> {large.n:,} products (p99 at {large.n:,} / p99 at {small.n:,}):")
        print(f"  {'request':<9}{'Dari':>8}{'floor':>8}")
        for name in SETS:
            a, b = small.results.get(name), large.results.get(name)
            if a and b:
                print(f"  {name:<9}{b['dari'].p99 / a['dari'].p99:>7.2f}x{b['floor'].p99 / a['floor'].p99:>7.2f}x")
    print()
    header = (f"{'products':>9}{'Dari worker MB':>16}{'floor worker MB':>17}{'refresh ms':>12}{'refresh SQL':>13}"
              f"{'load s':>8}{'rebuild s':>11}{'listed US':>11}{'green tea':>11}")
    print(header)
    for size in sizes:
        print(f"{size.n:>9,}{_fmt(size.rss.get('dari'), '.0f'):>16}{_fmt(size.rss.get('floor'), '.0f'):>17}"
              f"{_fmt(size.refresh_ms, '.1f'):>12}{_fmt(size.refresh_sql, 'd'):>13}{size.load_s:>8.1f}"
              f"{_fmt(size.rebuild_s, '.1f'):>11}{size.listed_us:>11,}{size.search_total:>11}")
    slowest, problems = [], []
    for size in sizes:
        if size.sql_ms:
            name, (_, ms, sql) = max(size.sql_ms.items(), key=lambda item: item[1][1])
            slowest.append(f"{size.n:,}: {ms:.1f} ms ({name}): {sql[:140]}")
        failed = {name: (row["dari"].errors, row["floor"].errors) for name, row in size.results.items()
                  if row["dari"].errors or row["floor"].errors}
        if failed:
            problems.append(f"{size.n:,}: failed requests (Dari, floor): {failed}")
        for name, lines in size.server_errors.items():
            if lines:
                problems.append(f"{size.n:,}: {len(lines)} error lines in the {name} log, first: {lines[0][:160]}")
        slow = slow_statements(server, size.database)
        if slow:
            problems.append(f"{size.n:,}: {len(slow)} statements over {SLOW_MS} ms while serving, slowest "
                            f"{slow[0][0]:.0f} ms: {slow[0][1][:160]}")
        errors = server_log_errors(server, size.database)
        if errors:
            problems.append(f"{size.n:,}: {len(errors)} PostgreSQL errors, first: {errors[0][:160]}")
    print()
    if slowest:
        print("slowest statement alone (SQL ms):")
        for line in slowest:
            print("  " + line)
    for line in problems:
        print("note: " + line)
    if not problems:
        print("no failed requests, no errors in the server logs" + (
            f", no statement over {SLOW_MS} ms while serving" if server.log_path else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000], help="catalogue sizes")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per request set and server")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each measurement")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections of the load")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated catalogue")
    parser.add_argument("--python-load", action="store_true", help="the Python load loop even when wrk is there")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (captured SQL, server logs)")
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loadgen:
        spec = json.loads(args.loadgen)
        print(json.dumps(loadgen(spec["port"], spec["paths"], spec["seconds"], spec["connections"])))
        return

    atexit.register(_cleanup)
    signal.signal(signal.SIGTERM, _on_signal)
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="dari-bench-http-"))
    if args.keep:
        log(f"keeping {folder}")
    else:
        _cleanups.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    instance = folder / "instance"
    instance.mkdir()
    # Nothing here needs Redis: point it at a socket that is not there, so no embedded server starts
    # (a commit that defers a job leaves it in the outbox).
    os.environ.update({"DARI_INSTANCE_PATH": str(instance), "REDIS_URL": f"unix://{folder}/no-redis.sock",
                       "SECRET_KEY": os.environ.get("SECRET_KEY") or "dari-bench-http"})
    logging.getLogger("shop.core.jobs.outbox").setLevel(logging.ERROR)
    try:
        from i18n.catalogs import compile_all

        compile_all()
        url = os.environ.pop("DATABASE_URL", None)
        server = env_server(url) if url else start_cluster()
        log(f"PostgreSQL: {server.base.rsplit('@', 1)[-1]} ({server.version or 'DATABASE_URL'})")
        loader = "Python loop" if args.python_load or wrk_path() is None else "wrk -t1"
        sizes = []
        for n in sorted(set(args.sizes)):
            log(f"catalogue of {n:,} products")
            size = prepare(server, n, args.seed, instance)
            measure(size, args, folder, instance)
            sizes.append(size)
        print_table(sizes, args, server, loader)
        log(f"done in {(time.monotonic() - started) / 60:.1f} min")
    finally:
        _cleanup()


if __name__ == "__main__":
    main()
