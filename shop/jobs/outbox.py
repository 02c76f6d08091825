"""The transactional outbox.

``defer(session, "pkg.tasks.fn", key=value)`` records a job in the caller's
transaction. When that transaction commits, the job is pushed to RQ at once; if
Redis is unreachable the row stays pending and ``relay_pending`` (run by the
scheduler, and on worker start) pushes it later. A job whose transaction rolled
back has no row, so ``execute`` finds nothing and does nothing: work is never
lost and never runs for a rolled-back transaction.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from rq import Queue, Retry
from rq.job import Job
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from shop.db import utcnow

from .models import OutboxMessage
from .redis import get_redis

log = logging.getLogger(__name__)
_PENDING_KEY = "dari.outbox.pending"
RETRY = Retry(max=5, interval=[5, 30, 120, 600, 1800])


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
    Queue(queue, connection=connection).enqueue(
        "shop.jobs.runner.execute_outbox", outbox_id,
        job_id=f"outbox-{outbox_id}", retry=RETRY, description=job,
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


def relay_pending(session: Session, connection, *, older_than: timedelta = timedelta(0),
                  limit: int = 500) -> int:
    """Make sure outbox rows not yet marked as enqueued are in RQ; returns how many were handled.

    Stops at the first Redis error (recording it on the row); the caller commits.
    """
    cutoff = utcnow() - older_than
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.enqueued_at.is_(None), OutboxMessage.processed_at.is_(None),
               OutboxMessage.created_at <= cutoff)
        .order_by(OutboxMessage.created_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    pushed = 0
    for message in session.scalars(query):
        try:
            # Pushed right after its commit already (the usual case): just record that.
            if not Job.exists(f"outbox-{message.id}", connection=connection):
                enqueue(connection, message.id, message.queue, message.job)
        except Exception as exc:  # noqa: BLE001
            message.attempts += 1
            message.last_error = str(exc)[:2000]
            log.warning("outbox relay: Redis unreachable: %s", exc)
            break
        message.enqueued_at = utcnow()
        pushed += 1
    return pushed
