"""What RQ actually runs: app context, one transaction per job, commit or roll back."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from sqlalchemy import select
from werkzeug.utils import import_string

from shop.db import db, utcnow

from .models import OutboxMessage

log = logging.getLogger(__name__)
_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """Let jobs run in this app (the worker CLI calls it); otherwise one is created on demand."""
    global _app
    _app = app


@contextmanager
def job_context():
    global _app
    if has_app_context():
        yield current_app._get_current_object()
        return
    if _app is None:
        from shop.app import create_app

        _app = create_app()
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
    """Run the job recorded in outbox row ``outbox_id``, at most once to completion."""
    with job_context(), transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.id == outbox_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        message = session.scalar(query)
        if message is None:
            return "skipped: no such outbox row (its transaction rolled back)"
        if message.processed_at is not None:
            return "skipped: already processed"
        func = import_string(message.job)
        func(**(message.kwargs or {}))
        now = utcnow()
        message.processed_at = now
        message.enqueued_at = message.enqueued_at or now
        return "done"


def run_task(path: str, kwargs: dict | None = None):
    """Run a task function by dotted path in its own transaction (periodic jobs)."""
    with job_context(), transaction():
        return import_string(path)(**(kwargs or {}))
