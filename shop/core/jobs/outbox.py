"""The transactional outbox: every job decided in a committed transaction runs, at least once.

``defer(session, "pkg.tasks.fn", key=value)`` records a job in the caller's
transaction. What is promised:

* **Never for a rollback.** A job whose transaction rolled back has no row; the
  worker (``runner.execute_outbox``) finds nothing and does nothing.
* **Pushed at once, or later.** When the transaction commits the job is pushed to RQ;
  if Redis is unreachable the row stays unpushed and ``relay_pending`` (the scheduler's
  tick, and worker start) pushes it once Redis answers.
* **Done means finished.** A row is done only when its job finished and committed
  (``processed_at``), not when Redis accepted it. ``relay_pending`` also looks at rows
  pushed more than ``STALE_AFTER`` ago and still unfinished: if Redis no longer has
  their job (lost with Redis' data, or a result kept although the row never finished)
  it pushes them again. A job Redis still holds — queued, started, scheduled for a
  retry, or failed for good (ops see and re-queue those) — is left alone.
* **At least once, so safe twice.** A job can run again after a lost acknowledgement;
  every job checks state first and derives its ids from the work, and a row already
  processed is skipped.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shop.core.db import utcnow

from .models import OutboxMessage
from .redis import get_redis

log = logging.getLogger(__name__)
_PENDING_KEY = "dari.outbox.pending"
RETRY_INTERVALS = [5, 30, 120, 600, 1800]  # seconds before each of RQ's retries of a failed job


def defer(session: Session, job: str, *, queue: str = "default", dedupe_key: str | None = None,
          **kwargs) -> OutboxMessage:
    """Record ``job(**kwargs)`` to run after the current transaction commits.

    ``kwargs`` must be JSON-serialisable primitives (ids, not objects). With a
    ``dedupe_key`` the same work is recorded once however often it is deferred.
    """
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    message = OutboxMessage(job=job, kwargs=kwargs, queue=queue, dedupe_key=dedupe_key)
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append((message.id, message.queue, message.job))
    return message


def enqueue(connection, outbox_id: str, queue: str, job: str) -> None:
    # rq (with redis-py) is imported where it is used: a web process that only reads never needs it.
    from rq import Queue, Retry

    Queue(queue, connection=connection).enqueue(
        "shop.core.jobs.runner.execute_outbox", outbox_id,
        job_id=f"outbox-{outbox_id}", retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        description=job,
    )


_hooks_installed = False


def install_session_hooks() -> None:
    """Push deferred jobs to RQ right after a commit; forget them on rollback (once per process)."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        pending = session.info.pop(_PENDING_KEY, None)
        if not pending or not has_app_context():
            return
        try:
            connection = get_redis(current_app._get_current_object())
            for outbox_id, queue, job in pending:
                enqueue(connection, outbox_id, queue, job)
        except Exception as exc:  # noqa: BLE001 - the relay retries later
            log.warning("outbox: Redis unreachable, %d job(s) left for the relay: %s", len(pending), exc)

    @event.listens_for(Session, "after_rollback")
    def _after_rollback(session):
        session.info.pop(_PENDING_KEY, None)


STALE_AFTER = timedelta(minutes=2)
# What Redis may still do with a job (or what ops must see): leave those alone. (rq's JobStatus values.)
_KEPT = {"queued", "started", "deferred", "scheduled", "failed", "created", "canceled", "stopped"}
_TERMINAL = {"failed", "canceled", "stopped"}


def relay_pending(session: Session, connection, *, older_than: timedelta = timedelta(0),
                  stale_after: timedelta = STALE_AFTER, limit: int = 500) -> int:
    """Push what Redis does not hold: rows never pushed, and pushed rows whose job was lost.

    Returns how many rows were pushed (or found in RQ and marked). Stops at the first
    Redis error (recording it on the row); the caller commits.
    """
    handled, ok = _relay_unpushed(session, connection, utcnow() - older_than, limit)
    if ok:
        handled += _repush_lost(session, connection, utcnow() - stale_after, limit)
    return handled


def _locked(session: Session, query):
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _relay_unpushed(session: Session, connection, cutoff, limit: int) -> tuple[int, bool]:
    from rq.job import Job

    rows = _locked(session, select(OutboxMessage)
                   .where(OutboxMessage.enqueued_at.is_(None), OutboxMessage.processed_at.is_(None),
                          OutboxMessage.created_at <= cutoff)
                   .order_by(OutboxMessage.created_at).limit(limit))
    pushed = 0
    for message in rows:
        try:
            # Pushed right after its commit already (the usual case): just record that.
            if not Job.exists(message.rq_job_id, connection=connection):
                enqueue(connection, message.id, message.queue, message.job)
        except Exception as exc:  # noqa: BLE001
            _failed_push(message, exc)
            return pushed, False
        message.enqueued_at = utcnow()
        pushed += 1
    return pushed, True


def _repush_lost(session: Session, connection, cutoff, limit: int) -> int:
    from rq.job import Job

    rows = _locked(session, select(OutboxMessage)
                   .where(OutboxMessage.enqueued_at <= cutoff, OutboxMessage.processed_at.is_(None))
                   .order_by(OutboxMessage.enqueued_at).limit(limit))
    if not rows:
        return 0
    try:
        jobs = Job.fetch_many([message.rq_job_id for message in rows], connection=connection)
    except Exception as exc:  # noqa: BLE001
        log.warning("outbox relay: Redis unreachable: %s", exc)
        return 0
    pushed = 0
    for message, job in zip(rows, jobs):
        status = getattr(job.get_status(refresh=False), "value", None) if job is not None else None
        if status in _KEPT:
            if status in _TERMINAL:
                message.enqueued_at = utcnow()  # seen: look again later, let the others have a turn
            continue
        try:
            enqueue(connection, message.id, message.queue, message.job)
        except Exception as exc:  # noqa: BLE001
            _failed_push(message, exc)
            break
        log.warning("outbox: job %s of %s was lost by Redis; pushed again", message.id, message.job)
        message.attempts += 1
        message.last_error = "pushed again: Redis no longer had the job"
        message.enqueued_at = utcnow()
        pushed += 1
    return pushed


def _failed_push(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = str(exc)[:2000]
    log.warning("outbox relay: Redis unreachable: %s", exc)
