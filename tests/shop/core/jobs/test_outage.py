"""A worker and the scheduler ride out a real Redis server stopped under them, and go on where they were."""
from __future__ import annotations

import logging
import threading
import time

import pytest
import redis
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.core.jobs import reconnect
from shop.core.jobs.models import OutboxMessage
from shop.core.jobs.outbox import defer
from shop.core.jobs.reconnect import ReconnectRetry
from tests.shop.core.jobs.jobs_for_tests import runs
from tests.shop.core.jobs.processes import flask_env, start_flask, stop, wait_until

JOB = "tests.shop.core.jobs.jobs_for_tests.record_run"
BURST = 200
OUTAGE_SECONDS = 20


def test_a_reconnecting_client_waits_for_redis_logging_each_attempt(redis_server, caplog):
    redis_server.stop()
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_connect_timeout=0.5,
                         retry=ReconnectRetry(max_seconds=1))
    threading.Timer(2.5, redis_server.start).start()
    with caplog.at_level(logging.WARNING, logger="dari.redis"):
        started = time.monotonic()
        assert client.set("waited", "yes")  # the command waits for the server instead of failing

    assert time.monotonic() - started >= 2.5
    attempts = [r.getMessage() for r in caplog.records if "Redis unreachable (attempt" in r.getMessage()]
    assert 2 <= len(attempts) <= 6 and "trying again in 1 s" in attempts[-1]  # capped at max_seconds
    assert "Redis answers again" in caplog.records[-1].getMessage()


def test_a_stopping_process_stops_waiting_for_redis(redis_server, monkeypatch):
    monkeypatch.setattr(reconnect, "_stopping", threading.Event())
    redis_server.stop()
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_connect_timeout=0.5,
                         retry=ReconnectRetry(max_seconds=1))
    reconnect.stop_reconnecting()

    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    assert time.monotonic() - started < 2


def _processed(session) -> int:
    """How many of the test's jobs finished (periodic jobs defer others through the outbox too)."""
    try:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.job == JOB, OutboxMessage.processed_at.is_not(None)))
    finally:
        session.rollback()  # end the read: on SQLite every transaction holds the write lock


@pytest.mark.live
def test_worker_and_scheduler_ride_out_a_redis_outage(app, committed_db, redis_server, tmp_path, database_url,
                                                      monkeypatch):
    # The test's own deferrals go to the same server, failing fast as the web app's do.
    monkeypatch.setitem(app.extensions, "dari.redis", redis.Redis.from_url(
        redis_server.url, socket_connect_timeout=0.5, socket_timeout=5))
    env = flask_env(tmp_path / "instance", database_url, redis_server.url)
    logs = {name: tmp_path / f"{name}.log" for name in ("worker", "scheduler")}
    worker = start_flask(["worker"], env, logs["worker"])
    scheduler = start_flask(["scheduler"], env, logs["scheduler"])

    def output(tail: int = 3000) -> dict:
        return {name: log.read_text()[-tail:] for name, log in logs.items()}

    try:
        # given: a burst of jobs (a checkout race's confirmations) being worked through
        for i in range(BURST):
            defer(committed_db, JOB, marker=f"burst-{i}")
        committed_db.commit()
        assert wait_until(lambda: _processed(committed_db) >= 20, 120), output()

        # when: Redis stops under the busy worker for 20 s, and a job is deferred meanwhile
        redis_server.stop()
        stopped_at = time.monotonic()
        during = defer(committed_db, JOB, marker="during-outage").id
        committed_db.commit()  # Redis refuses the push: the outbox keeps the row
        assert committed_db.get(OutboxMessage, during).enqueued_at is None
        committed_db.rollback()
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
        assert worker.poll() is None and scheduler.poll() is None, output()
        redis_server.start()
        back_at = time.monotonic()

        # then: everything runs, without anyone restarting the worker or the scheduler
        assert wait_until(lambda: _processed(committed_db) == BURST + 1, 120), (_processed(committed_db), output())
        caught_up = time.monotonic() - back_at
        alive = worker.poll() is None, scheduler.poll() is None
    finally:
        codes = [stop(process, timeout=15) for process in (worker, scheduler)]  # a warm shutdown is quick

    assert alive == (True, True), output()
    assert codes[0] == 0 and codes[1] is not None, (codes, output())  # each stopped on request, not killed
    # each job once, the one deferred during the outage too
    assert runs(committed_db, "during-outage") == 1
    emails = committed_db.scalars(select(User.email).where(User.email.like("burst-%@jobs.test"))).all()
    assert len(emails) == len(set(emails)) == BURST
    worker_log, scheduler_log = output(tail=10**7).values()
    assert "unhandled exception" not in worker_log
    assert "Redis unreachable (attempt" in worker_log and "Redis unreachable (attempt" in scheduler_log
    print(f"\nall {BURST + 1} jobs done {caught_up:.1f} s after Redis came back "
          f"(worker: {worker_log.count('Redis unreachable (attempt')} failed attempts logged, "
          f"scheduler: {scheduler_log.count('Redis unreachable (attempt')})")
