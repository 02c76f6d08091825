"""What a stopped embedded Redis costs a request: /healthz and a request that defers a job.

    .venv/bin/python bench/redis_down.py [N]

Runs the app on a fresh SQLite database with the embedded Redis in a temporary instance
folder, times N calls of each path with Redis up, then stops the server and times them
again; prints milliseconds per call and the down/up ratio side by side. The outbox keeps
every job deferred while Redis is down (checked at the end).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(n: int) -> None:
    os.environ.setdefault("DARI_INSTANCE_PATH", tempfile.mkdtemp(prefix="dari-bench-"))
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from dari.app import create_app
    from shop.core.db import db
    from shop.core.jobs.models import OutboxMessage
    from shop.core.jobs.outbox import defer
    from shop.core.jobs.redis import get_redis, release_embedded

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        get_redis(app).flushdb()
    client = app.test_client()

    def healthz():
        client.get("/healthz")

    def deferring():
        with app.app_context():
            defer(db.session, "bench.noop")
            db.session.commit()
            db.session.remove()

    def timed(call) -> float:
        start = time.perf_counter()
        for _ in range(n):
            call()
        return (time.perf_counter() - start) / n * 1000

    def rows() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(OutboxMessage))

    up = {"healthz": timed(healthz), "defer + commit": timed(deferring)}
    release_embedded(app.config["EMBEDDED_REDIS_PATH"], force=True)
    before = rows()
    down = {"healthz": timed(healthz), "defer + commit": timed(deferring)}
    kept = rows() - before

    print(f"{'path':<16} {'up ms':>8} {'down ms':>8} {'down/up':>8}")
    for name in up:
        print(f"{name:<16} {up[name]:>8.2f} {down[name]:>8.2f} {down[name] / up[name]:>8.2f}")
    print(f"jobs kept by the outbox while Redis was down: {kept} of {n}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
