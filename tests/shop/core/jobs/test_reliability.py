"""The outbox and the worker survive Redis losing data or going away; the embedded Redis leaves nothing behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry

from shop.core.jobs.cli import scheduler_tick
from shop.core.jobs.models import OutboxMessage
from shop.core.jobs.outbox import defer, relay_pending
from shop.core.jobs.services import jobs_overview
from tests.shop.core.jobs.jobs_for_tests import run_worker, runs
from tests.shop.core.jobs.processes import embedded_servers

JOB = "tests.shop.core.jobs.jobs_for_tests.record_run"
ROOT = Path(__file__).resolve().parents[4]


def test_a_job_redis_lost_after_accepting_it_runs_exactly_once(app, committed_db, redis_conn):
    message_id = defer(committed_db, JOB, marker="lost").id
    committed_db.commit()
    assert relay_pending(committed_db, redis_conn) == 1  # it is in RQ: recorded as handed over
    committed_db.commit()

    redis_conn.flushdb()  # Redis restarts empty before any worker took the job
    overview = jobs_overview(committed_db, redis_conn)
    assert overview["outbox_unfinished"] == 1 and overview["outbox_oldest_unfinished"][0]["id"] == message_id
    assert relay_pending(committed_db, redis_conn) == 0  # not yet stale: a worker may be on it
    assert relay_pending(committed_db, redis_conn, stale_after=timedelta(0)) == 1
    committed_db.commit()
    run_worker(redis_conn)

    assert runs(committed_db, "lost") == 1
    committed_db.expire_all()
    assert committed_db.get(OutboxMessage, message_id).attempts == 1
    assert relay_pending(committed_db, redis_conn, stale_after=timedelta(0)) == 0  # done: never again
    run_worker(redis_conn)
    assert runs(committed_db, "lost") == 1


def test_a_job_redis_still_holds_is_not_pushed_twice(app, committed_db, redis_conn):
    defer(committed_db, JOB, marker="held").id
    committed_db.commit()
    relay_pending(committed_db, redis_conn)
    committed_db.commit()

    assert relay_pending(committed_db, redis_conn, stale_after=timedelta(0)) == 0
    assert Queue("default", connection=redis_conn).count == 1


def test_a_retry_scheduled_before_an_outage_runs_once_redis_is_back(app, committed_db, redis_conn, tmp_path):
    defer(committed_db, "tests.shop.core.jobs.jobs_for_tests.fail_once", marker="retried", flag=str(tmp_path / "flag"))
    committed_db.commit()
    run_worker(redis_conn)  # first attempt fails; RQ schedules the retry
    queue = Queue("default", connection=redis_conn)
    registry = ScheduledJobRegistry(queue=queue)
    [job_id] = registry.get_job_ids()

    good = app.extensions["dari.redis"]
    app.extensions["dari.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    try:
        scheduler_tick(app, {})  # Redis is down: the tick survives and does nothing
    finally:
        app.extensions["dari.redis"] = good
    # The retry falls due while Redis is down (moved into the past rather than waiting for it).
    registry.schedule(queue.fetch_job(job_id), datetime.now(timezone.utc) - timedelta(seconds=1))

    scheduler_tick(app, {})
    run_worker(redis_conn)

    assert runs(committed_db, "retried") == 1
    assert registry.get_job_ids() == []


def _servers_answering(socket: str) -> bool:
    try:
        return bool(redis.Redis(unix_socket_path=socket, socket_connect_timeout=0.3).ping())
    except redis.RedisError:
        return False


def test_worker_and_scheduler_leave_no_embedded_redis_behind(tmp_path, database_url):
    instance = tmp_path / "instance"
    env = dict(os.environ, DARI_INSTANCE_PATH=str(instance), DATABASE_URL=database_url,
               SECRET_KEY="test-secret-key", PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    socket = str(instance / "redis.sock")

    result = subprocess.run(flask + ["worker", "--burst"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not _servers_answering(socket) and not embedded_servers(instance)

    # .ci/up's way: a worker and the scheduler share one server; both are stopped with SIGTERM.
    worker = subprocess.Popen(flask + ["worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(flask + ["scheduler"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _servers_answering(socket) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # both attached
        assert len(embedded_servers(instance)) == 1  # one server for the instance, whatever RQ does with its client
    finally:
        for process in (worker, scheduler):
            process.send_signal(signal.SIGTERM)
        for process in (worker, scheduler):
            process.wait(60)

    assert not _servers_answering(socket) and not embedded_servers(instance)
