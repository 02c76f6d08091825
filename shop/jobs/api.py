"""Ops view of background work: failed jobs (re-queueable) and the outbox backlog."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
import marshmallow as ma
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from shop.auth import BEARER, require_role
from shop.db import db
from shop.errors import NotFound, ServiceUnavailable

from .cli import QUEUES
from .models import OutboxMessage
from .redis import get_redis

blp = Blueprint("admin-jobs", __name__, url_prefix="/api/v1/admin/jobs", description="Background jobs")


class RedisDown(ServiceUnavailable):
    code = "jobs_unavailable"
    title = _l("The job queue cannot be reached right now.")


class FailedJobSchema(ma.Schema):
    id = ma.fields.String()
    queue = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    exc_info = ma.fields.String(allow_none=True)
    ended_at = ma.fields.DateTime(allow_none=True)


class JobsOverviewSchema(ma.Schema):
    queues = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    failed = ma.fields.List(ma.fields.Nested(FailedJobSchema))
    outbox_pending = ma.fields.Integer()
    outbox_oldest_pending_at = ma.fields.DateTime(allow_none=True)


def _failed_jobs(connection):
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        registry = FailedJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            yield {"id": job.id, "queue": name, "description": job.description,
                   "exc_info": (job.latest_result().exc_string if job.latest_result() else None),
                   "ended_at": job.ended_at}


@blp.route("", methods=["GET"])
@blp.response(200, JobsOverviewSchema)
@blp.doc(security=BEARER)
def overview():
    """Queue lengths, failed jobs with their error, and the outbox backlog (ops, admins)."""
    require_role("ops", "admin")
    pending = select(OutboxMessage).where(OutboxMessage.processed_at.is_(None), OutboxMessage.enqueued_at.is_(None))
    count = db.session.scalar(select(func.count()).select_from(pending.subquery()))
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.processed_at.is_(None), OutboxMessage.enqueued_at.is_(None)))
    try:
        connection = get_redis(current_app)
        queues = {name: Queue(name, connection=connection).count for name in QUEUES}
        failed = list(_failed_jobs(connection))
    except Exception as exc:  # noqa: BLE001
        raise RedisDown() from exc
    return {"queues": queues, "failed": failed, "outbox_pending": count, "outbox_oldest_pending_at": oldest}


@blp.route("/failed/<job_id>/requeue", methods=["POST"])
@blp.response(202)
@blp.doc(security=BEARER)
def requeue(job_id):
    """Put a failed job back on its queue (ops, admins)."""
    require_role("ops", "admin")
    connection = get_redis(current_app)
    for name in QUEUES:
        registry = FailedJobRegistry(queue=Queue(name, connection=connection))
        if job_id in registry.get_job_ids():
            registry.requeue(job_id)
            return None
    raise NotFound()
