"""Ops' view of background work: queue lengths, failed jobs with their error, the outbox backlog."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.core.db import utcnow

from .models import OutboxMessage

# Worker queues, the order workers take them in.
QUEUES = ("high", "default", "low")


def failed_jobs(connection) -> list[dict]:
    """Every failed job of every queue, with the error of its last run."""
    from rq import Queue
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    found = []
    for name in QUEUES:
        registry = FailedJobRegistry(queue=Queue(name, connection=connection))
        for job_id in registry.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            result = job.latest_result()
            found.append({"id": job.id, "queue": name, "description": job.description,
                          "exc_info": result.exc_string if result else None, "ended_at": job.ended_at})
    return found


def outbox_backlog(session: Session) -> tuple[int, object]:
    """``(count, oldest created_at)`` of outbox rows not yet handed to Redis."""
    waiting = (OutboxMessage.processed_at.is_(None), OutboxMessage.enqueued_at.is_(None))
    count, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at)).where(*waiting)).one()
    return int(count or 0), oldest


def unfinished(session: Session, *, now: datetime | None = None, limit: int = 20) -> tuple[int, list[dict]]:
    """Rows handed to Redis whose job has not finished: their count, and the oldest with their age."""
    now = now or utcnow()
    where = (OutboxMessage.enqueued_at.is_not(None), OutboxMessage.processed_at.is_(None))
    count = session.scalar(select(func.count()).where(*where)) or 0
    rows = session.scalars(select(OutboxMessage).where(*where).order_by(OutboxMessage.created_at).limit(limit))
    return int(count), [{"id": row.id, "job": row.job, "queue": row.queue, "created_at": row.created_at,
                         "age_seconds": int((now - row.created_at).total_seconds()), "attempts": row.attempts,
                         "last_error": row.last_error} for row in rows]


def jobs_overview(session: Session, connection) -> dict:
    """Queue lengths, failed jobs and the outbox: rows not yet handed to Redis, and rows handed
    over whose job has not finished (with their age); Redis errors propagate to the caller."""
    count, oldest = outbox_backlog(session)
    unfinished_count, oldest_unfinished = unfinished(session)
    from rq import Queue

    queues = {name: Queue(name, connection=connection).count for name in QUEUES}
    return {"queues": queues, "failed": failed_jobs(connection), "outbox_pending": count,
            "outbox_oldest_pending_at": oldest, "outbox_unfinished": unfinished_count,
            "outbox_oldest_unfinished": oldest_unfinished}


def requeue_failed(connection, job_id: str) -> bool:
    """Put the failed job ``job_id`` back on its queue; False when no queue has it as failed."""
    from rq import Queue
    from rq.registry import FailedJobRegistry

    for name in QUEUES:
        registry = FailedJobRegistry(queue=Queue(name, connection=connection))
        if job_id in registry.get_job_ids():
            registry.requeue(job_id)
            return True
    return False
