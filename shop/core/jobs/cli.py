"""``flask worker`` and ``flask scheduler``."""
from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from shop.core.db import db

from .outbox import relay_pending
from .redis import RECONNECT_MAX_SECONDS, connect, get_redis, revive_embedded
from .runner import bind_app
from .schedule import periodic_jobs
from .services import QUEUES

log = logging.getLogger("dari.scheduler")
TICK_SECONDS = 5


def _relay_once(app) -> int:
    try:
        pushed = relay_pending(db.session, get_redis(app))
        db.session.commit()
        return pushed
    except Exception:  # noqa: BLE001 - the scheduler relays again soon
        db.session.rollback()
        log.warning("outbox relay failed", exc_info=True)
        return 0
    finally:
        db.session.remove()


def enqueue_due_retries(connection) -> None:
    """Move jobs whose retry time has come from RQ's scheduled registries back onto their queues.

    RQ's own scheduler runs in a child process that the worker forks; it dies on the
    first Redis error and comes back only on the worker's maintenance tick (10 minutes),
    and it rebuilds its client from the parent's class. Dari runs the same step here, in
    the scheduler's own loop, so retries resume within a tick of Redis coming back. RQ's
    per-queue scheduler locks keep two schedulers from enqueuing one job twice.
    """
    from rq.scheduler import RQScheduler  # rq loads with the worker and scheduler, not with every web process

    scheduler = RQScheduler(list(QUEUES), connection=connection)
    scheduler.acquire_locks()
    if not scheduler.acquired_locks:
        return
    try:
        scheduler.enqueue_scheduled_jobs()
    finally:
        scheduler.release_locks()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
@click.option("--queue", "queues", multiple=True, help="Queues to listen on (default: all).")
@with_appcontext
def worker_command(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an RQ worker on the configured (or embedded) Redis.

    SimpleWorker runs each job in this process, inside the app that the CLI
    built: no fork, so database pools and the embedded Redis stay valid; run
    several workers for parallelism. Retries are put back on their queues by
    ``flask scheduler`` (and by a ``--burst`` run itself); RQ's forked scheduler
    is not started. The worker's own client waits for Redis when it is down
    (``shop.core.jobs.reconnect``), so an outage pauses the worker rather than ending it;
    the app's client, which jobs defer through, still fails fast.
    """
    from rq import Queue

    from .worker import Worker

    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO)
    bind_app(app)
    _relay_once(app)
    connection = connect(app, reconnecting=True)
    worker = Worker([Queue(q, connection=connection) for q in (queues or QUEUES)], connection=connection)
    worker.work(burst=burst, with_scheduler=burst)


def scheduler_tick(app, last_run: dict[str, float], *, everything: bool = False) -> bool:
    """One round of the scheduler: revive the embedded Redis if needed, relay the outbox,
    put due retries back on their queues, enqueue the periodic jobs that are due.

    Returns False, having done nothing, when Redis does not answer (the outbox keeps the work).
    """
    from rq import Queue

    if not revive_embedded(app):
        return False
    _relay_once(app)
    try:
        enqueue_due_retries(get_redis(app))
    except Exception:  # noqa: BLE001 - Redis down: next tick
        log.warning("could not enqueue due retries", exc_info=True)
    now = time.monotonic()
    for periodic in periodic_jobs(app):
        if everything or now - last_run.get(periodic.name, -1e9) >= periodic.interval_seconds:
            try:
                Queue("low", connection=get_redis(app)).enqueue(
                    "shop.core.jobs.runner.run_task", periodic.task,
                    job_id=f"periodic-{periodic.name}-{int(time.time()) // max(periodic.interval_seconds, 1)}",
                    description=periodic.name,
                )
                last_run[periodic.name] = now
            except Exception:  # noqa: BLE001 - Redis down: try next tick
                log.warning("could not enqueue %s", periodic.name, exc_info=True)
    return True


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue each periodic job once, relay the outbox, and exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the periodic jobs, relay the outbox and resume retries, every few seconds (run exactly one).

    While Redis does not answer it tries again after 1, 2, 4 … seconds (at most
    ``RECONNECT_MAX_SECONDS``), one log line per attempt, and goes on where it was when
    Redis is back; no error of one round ends the loop.
    """
    from .reconnect import next_wait

    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO)
    last_run: dict[str, float] = {}
    failures = 0
    while True:
        try:
            answered = scheduler_tick(app, last_run, everything=once)
        except Exception:  # noqa: BLE001 - one failed round must not end the scheduler
            log.exception("scheduler round failed")
            answered = None
        if answered is False:
            failures += 1
            wait = next_wait(failures, RECONNECT_MAX_SECONDS)
            log.warning("Redis unreachable (attempt %d); trying again in %.0f s", failures, wait)
        else:
            if failures:
                log.warning("Redis answers again after %d failed attempt(s)", failures)
            failures, wait = 0, TICK_SECONDS
        if once:
            return
        time.sleep(wait)
