"""What the transactional outbox costs over enqueueing straight into RQ.

    .venv/bin/python bench/outbox.py [N]

Runs against a fresh SQLite database and the embedded Redis in a temporary
instance folder (set DATABASE_URL for PostgreSQL). Prints jobs per second for:
  direct    Queue.enqueue() alone (no database: the lower bound, and unsafe)
  outbox    defer() + commit per job (row insert, commit, push after commit)
  relay     pushing N rows that were recorded while Redis was down
and the ratios side by side, since absolute times vary between machines.
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
    import redis
    from flask_migrate import upgrade
    from rq import Queue

    from dari.app import create_app
    from shop.core.db import db
    from shop.core.jobs.models import OutboxMessage
    from shop.core.jobs.outbox import defer, relay_pending
    from shop.core.jobs.redis import get_redis

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        conn = get_redis(app)
        conn.flushdb()
        queue = Queue("default", connection=conn)

        start = time.perf_counter()
        for i in range(n):
            queue.enqueue("shop.core.jobs.runner.execute_outbox", f"bench-{i}", job_id=f"direct-{i}")
        direct = time.perf_counter() - start
        conn.flushdb()

        start = time.perf_counter()
        for i in range(n):
            defer(db.session, "bench.noop", index=i)
            db.session.commit()
        outbox = time.perf_counter() - start
        conn.flushdb()
        db.session.query(OutboxMessage).delete()
        db.session.commit()

        good = app.extensions["dari.redis"]
        app.extensions["dari.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.05)
        for i in range(n):
            defer(db.session, "bench.noop", index=i)
        db.session.commit()
        app.extensions["dari.redis"] = good
        start = time.perf_counter()
        pushed = 0
        while True:
            batch = relay_pending(db.session, conn)
            db.session.commit()
            pushed += batch
            if batch == 0:
                break
        relay = time.perf_counter() - start
        assert pushed == n, pushed

    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, jobs: {n}")
    print(f"{'path':<8}{'seconds':>10}{'jobs/s':>10}{'× direct':>10}")
    for name, seconds in (("direct", direct), ("outbox", outbox), ("relay", relay)):
        print(f"{name:<8}{seconds:>10.3f}{n / seconds:>10.0f}{seconds / direct:>10.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
