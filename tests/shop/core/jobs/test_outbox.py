"""The transactional outbox: after commit only, never for a rollback, and nothing lost while Redis is down."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from rq import Queue

from shop.core.jobs.models import OutboxMessage
from shop.core.jobs.outbox import defer, relay_pending
from tests.shop.core.jobs.jobs_for_tests import run_worker, runs

# The job the tests defer: it records that it ran by creating a market-independent user.
JOB = "tests.shop.core.jobs.jobs_for_tests.record_run"


def test_rolled_back_transaction_enqueues_nothing(app, committed_db, redis_conn):
    # given work deferred in a transaction that then rolls back
    defer(committed_db, JOB, marker="rolled-back")
    committed_db.rollback()

    # then nothing is queued and nothing runs
    assert Queue("default", connection=redis_conn).count == 0
    assert committed_db.query(OutboxMessage).count() == 0
    run_worker(redis_conn)
    assert runs(committed_db, "rolled-back") == 0


def test_committed_work_is_enqueued_after_commit_and_runs_once(app, committed_db, redis_conn):
    message_id = defer(committed_db, JOB, marker="committed").id
    # nothing reaches Redis before the commit
    assert Queue("default", connection=redis_conn).count == 0
    committed_db.commit()
    assert Queue("default", connection=redis_conn).count == 1

    run_worker(redis_conn)
    assert runs(committed_db, "committed") == 1
    committed_db.expire_all()
    assert committed_db.get(OutboxMessage, message_id).processed_at is not None

    # the relay does not push it again, and a duplicate delivery is a no-op
    assert relay_pending(committed_db, redis_conn) == 0
    from shop.core.jobs.outbox import enqueue

    enqueue(redis_conn, message_id, "default", JOB)
    run_worker(redis_conn)
    assert runs(committed_db, "committed") == 1


def test_job_for_missing_row_does_nothing(app, committed_db, redis_conn):
    from shop.core.jobs.outbox import enqueue

    enqueue(redis_conn, "obx_never_committed", "default", JOB)
    run_worker(redis_conn)
    job = Queue("default", connection=redis_conn).fetch_job("outbox-obx_never_committed")
    assert job.return_value().startswith("skipped")


def test_work_recorded_while_redis_is_down_runs_once_redis_is_back(app, committed_db, redis_conn):
    # given Redis is unreachable when the transaction commits
    good = app.extensions["dari.redis"]
    import redis

    app.extensions["dari.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    try:
        message_id = defer(committed_db, JOB, marker="redis-down").id
        committed_db.commit()
        assert relay_pending(committed_db, app.extensions["dari.redis"]) == 0
        committed_db.commit()
        committed_db.expire_all()
        stored = committed_db.get(OutboxMessage, message_id)
        assert stored.enqueued_at is None and stored.attempts == 1 and stored.last_error
    finally:
        app.extensions["dari.redis"] = good

    assert Queue("default", connection=redis_conn).count == 0
    # when Redis is back, the relay pushes the pending row and the worker runs it
    assert relay_pending(committed_db, redis_conn) == 1
    committed_db.commit()
    run_worker(redis_conn)
    assert runs(committed_db, "redis-down") == 1


def test_failed_job_rolls_back_its_work_and_stays_visible(app, committed_db, redis_conn):
    from rq.registry import FailedJobRegistry

    message_id = defer(committed_db, "tests.shop.core.jobs.jobs_for_tests.record_then_fail", marker="failing").id
    committed_db.commit()
    queue = Queue("default", connection=redis_conn)
    job = queue.fetch_job(f"outbox-{message_id}")
    job.retries_left = 0  # fail for good on the first try, for the test
    job.save()
    run_worker(redis_conn)
    assert runs(committed_db, "failing") == 0
    assert f"outbox-{message_id}" in FailedJobRegistry(queue=queue).get_job_ids()
    committed_db.expire_all()
    assert committed_db.get(OutboxMessage, message_id).processed_at is None


def test_web_and_worker_processes_share_the_embedded_redis(app, committed_db, instance_dir, database_url):
    """The embedded Redis started by this process serves a worker started as another process."""
    from shop.core.jobs.redis import connect

    embedded = connect(app)  # the same data file the app uses: attaches to the running server
    embedded.flushdb()
    message_id = defer(committed_db, JOB, marker="other-process").id
    committed_db.commit()
    assert Queue("default", connection=embedded).count == 1

    root = Path(__file__).resolve().parents[4]
    env = dict(os.environ, DARI_INSTANCE_PATH=str(instance_dir), DATABASE_URL=database_url,
               SECRET_KEY="test-secret-key", PYTHONPATH=str(root))
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    committed_db.expire_all()
    assert runs(committed_db, "other-process") == 1
    assert committed_db.get(OutboxMessage, message_id).processed_at is not None


def test_ops_see_failed_jobs_and_requeue_them(app, client, committed_db, redis_conn):
    from shop.accounts.services import create_user, issue_token

    message_id = defer(committed_db, "tests.shop.core.jobs.jobs_for_tests.record_then_fail", marker="ops-view").id
    ops = create_user(committed_db, "ops-jobs@dari.test", "correct horse battery", role="ops")
    customer = create_user(committed_db, "customer-jobs@dari.test", "correct horse battery")
    committed_db.commit()
    token, _ = issue_token(committed_db, ops, secret_key=app.config["SECRET_KEY"], ttl=timedelta(hours=1))
    other, _ = issue_token(committed_db, customer, secret_key=app.config["SECRET_KEY"], ttl=timedelta(hours=1))
    committed_db.commit()
    queue = Queue("default", connection=redis_conn)
    job = queue.fetch_job(f"outbox-{message_id}")
    job.retries_left = 0
    job.save()
    run_worker(redis_conn)

    assert client.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {other}"}).status_code == 403
    overview = client.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {token}"})
    assert overview.status_code == 200
    failed = [j for j in overview.json["failed"] if j["id"] == f"outbox-{message_id}"]
    assert failed and "boom" in failed[0]["exc_info"]

    requeued = client.post(f"/api/v1/admin/jobs/failed/outbox-{message_id}/requeue",
                           headers={"Authorization": f"Bearer {token}"})
    assert requeued.status_code == 202
    assert f"outbox-{message_id}" in queue.job_ids
    missing = client.post("/api/v1/admin/jobs/failed/nope/requeue", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404
