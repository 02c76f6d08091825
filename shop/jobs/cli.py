"""``flask worker`` and ``flask scheduler``."""
from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Queue, SimpleWorker

from shop.db import db

from .outbox import relay_pending
from .redis import get_redis
from .runner import bind_app
from .schedule import periodic_jobs
from .services import QUEUES


def _relay_once(app) -> int:
    try:
        pushed = relay_pending(db.session, get_redis(app))
        db.session.commit()
        return pushed
    except Exception:  # noqa: BLE001 - the scheduler relays again soon
        db.session.rollback()
        logging.getLogger(__name__).warning("outbox relay failed", exc_info=True)
        return 0
    finally:
        db.session.remove()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
@click.option("--queue", "queues", multiple=True, help="Queues to listen on (default: all).")
@with_appcontext
def worker_command(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an RQ worker on the configured (or embedded) Redis.

    SimpleWorker runs each job in this process, inside the app that the CLI
    built: no fork, so database pools and the embedded Redis stay valid; run
    several workers for parallelism.
    """
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO)
    bind_app(app)
    connection = get_redis(app)
    _relay_once(app)
    worker = SimpleWorker([Queue(q, connection=connection) for q in (queues or QUEUES)],
                          connection=connection)
    worker.work(burst=burst, with_scheduler=True)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue each periodic job once, relay the outbox, and exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the periodic jobs and relay the outbox every few seconds."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO)
    log = logging.getLogger("dari.scheduler")
    jobs = periodic_jobs(app)
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        _relay_once(app)
        for periodic in jobs:
            if once or now - last_run.get(periodic.name, -1e9) >= periodic.interval_seconds:
                try:
                    Queue("low", connection=get_redis(app)).enqueue(
                        "shop.jobs.runner.run_task", periodic.task,
                        job_id=f"periodic-{periodic.name}-{int(time.time()) // max(periodic.interval_seconds, 1)}",
                        description=periodic.name,
                    )
                    last_run[periodic.name] = now
                except Exception:  # noqa: BLE001 - Redis down: try next tick
                    log.warning("could not enqueue %s", periodic.name, exc_info=True)
        if once:
            return
        time.sleep(5)
