"""What RQ actually runs: app context, one transaction per job, commit or roll back."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from werkzeug.utils import import_string

from shop.core.db import db, utcnow

from .models import OutboxMessage

log = logging.getLogger(__name__)
_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """Let jobs run in this app (the worker CLI calls it); otherwise one is created on demand."""
    global _app
    _app = app


@contextmanager
def job_context():
    """The app a job runs in: the current one, else the one ``bind_app`` bound (``flask worker``)."""
    if has_app_context():
        yield current_app._get_current_object()
        return
    if _app is None:
        raise RuntimeError("no app to run this job in: run workers with `flask --app wsgi worker`, "
                           "which binds the app (shop.core.jobs.runner.bind_app)")
    with _app.app_context():
        yield _app


@contextmanager
def transaction():
    """Commit the job's work, or roll it back and re-raise (RQ then retries)."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


def execute_outbox(outbox_id: str) -> str:
    """Run the job recorded in outbox row ``outbox_id``; its work commits with the row's ``processed_at``.

    The row is read and that read transaction ended before the job runs, so a job that
    calls out (mail, Stripe) holds no lock and no open transaction while it waits; jobs are
    safe to run twice, and a processed row is skipped. A job that fails rolls back its
    work and leaves the row unprocessed for RQ's retry.
    """
    with job_context(), transaction() as session:
        message = session.get(OutboxMessage, outbox_id)
        if message is None:
            return "skipped: no such outbox row (its transaction rolled back)"
        if message.processed_at is not None:
            return "skipped: already processed"
        job, kwargs = message.job, dict(message.kwargs or {})
        session.commit()  # end the read before the job runs
        import_string(job)(**kwargs)
        message = session.get(OutboxMessage, outbox_id)
        if message.processed_at is None:
            now = utcnow()
            message.processed_at = now
            message.enqueued_at = message.enqueued_at or now
        return "done"


def run_task(path: str, kwargs: dict | None = None):
    """Run a task function by dotted path in its own transaction (periodic jobs)."""
    with job_context(), transaction():
        return import_string(path)(**(kwargs or {}))
