"""Ops view of background work: failed jobs (re-queueable) and the outbox backlog."""
import marshmallow as ma
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from shop.auth import BEARER, require_role
from shop.core.api_docs import raises
from shop.core.db import db
from shop.core.errors import NotFound, ServiceUnavailable
from shop.core.jobs import services
from shop.core.jobs.redis import get_redis

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


class UnfinishedJobSchema(ma.Schema):
    id = ma.fields.String()
    job = ma.fields.String()
    queue = ma.fields.String()
    created_at = ma.fields.DateTime()
    age_seconds = ma.fields.Integer()
    attempts = ma.fields.Integer(metadata={"description": "times the relay pushed it (again)"})
    last_error = ma.fields.String(allow_none=True)


class JobsOverviewSchema(ma.Schema):
    queues = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    failed = ma.fields.List(ma.fields.Nested(FailedJobSchema))
    outbox_pending = ma.fields.Integer(metadata={"description": "jobs not yet handed to Redis"})
    outbox_oldest_pending_at = ma.fields.DateTime(allow_none=True)
    outbox_unfinished = ma.fields.Integer(metadata={"description": "jobs handed to Redis, not finished yet"})
    outbox_oldest_unfinished = ma.fields.List(ma.fields.Nested(UnfinishedJobSchema))


@blp.route("", methods=["GET"])
@blp.response(200, JobsOverviewSchema)
@blp.doc(security=BEARER)
@raises(503)
def overview():
    """Queue lengths, failed jobs with their error, and the outbox backlog (ops, admins)."""
    require_role("ops", "admin")
    try:
        return services.jobs_overview(db.session, get_redis(current_app))
    except Exception as exc:  # noqa: BLE001 - any Redis failure
        raise RedisDown() from exc


@blp.route("/failed/<job_id>/requeue", methods=["POST"])
@blp.response(202)
@blp.doc(security=BEARER)
@raises(503)
def requeue(job_id):
    """Put a failed job back on its queue (ops, admins)."""
    require_role("ops", "admin")
    if not services.requeue_failed(get_redis(current_app), job_id):
        raise NotFound()
