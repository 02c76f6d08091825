"""Queued in the caller's transaction, delivered after commit by the outbox: once, retried when the server fails."""
from __future__ import annotations

import socket

import pytest
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from shop.core import notifications
from shop.core.jobs.models import OutboxMessage
from shop.core.jobs.runner import execute_outbox
from shop.core.notifications import tasks
from shop.core.notifications.models import Notification
from tests.shop.core.jobs.jobs_for_tests import run_worker
from tests.shop.core.notifications.test_rendering import confirmed

KEY = "order-confirmed:ord_test"


@pytest.fixture
def mail_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return tmp_path


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue(session, key: str = KEY, **overrides) -> Notification:
    arguments = {"key": key, "template": "order_confirmed", "to": "anna@example.com", "locale": "de",
                 "context": confirmed(), **overrides}
    return notifications.queue(session, **arguments)


def outbox_of(session, key: str = KEY) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"notification:{key}")))


def test_queueing_one_key_twice_records_one_notification_and_one_job(db_session):
    first = queue(db_session)
    second = queue(db_session, to="someone-else@example.com")

    assert second.id == first.id and second.recipient == "anna@example.com"
    assert db_session.scalar(select(func.count()).select_from(Notification).where(Notification.key == KEY)) == 1
    [job] = outbox_of(db_session)
    assert job.job == "shop.core.notifications.tasks.deliver" and job.kwargs == {"notification_id": first.id}


@pytest.mark.parametrize(("overrides", "error"), [
    ({"context": confirmed(total_minor=12.5)}, ValueError),  # amounts are ints
    ({"context": confirmed(transit_days=(5, 9))}, ValueError),  # JSON would give it back as a list
    ({"locale": "xx"}, ValueError),
    ({"template": "no_such_message"}, TemplateNotFound),
])
def test_what_could_not_be_delivered_as_queued_is_refused_before_anything_is_recorded(db_session, overrides, error):
    with pytest.raises(error):
        queue(db_session, **overrides)

    assert db_session.scalar(select(Notification).where(Notification.key == KEY)) is None
    assert outbox_of(db_session) == []


def test_a_rolled_back_transaction_queues_nothing(db_session):
    nested = db_session.begin_nested()
    queue(db_session)
    nested.rollback()

    assert db_session.scalar(select(Notification).where(Notification.key == KEY)) is None
    assert outbox_of(db_session) == []


def test_the_worker_delivers_once_and_records_it(committed_db, redis_conn, mail_folder):
    notification_id = queue(committed_db).id
    committed_db.commit()

    run_worker(redis_conn)

    [mail] = list(mail_folder.glob("*.eml"))
    assert mail.name == f"{tasks.mail_name(KEY)}.eml"
    assert b"Content-Language: de" in mail.read_bytes()
    committed_db.expire_all()
    assert committed_db.get(Notification, notification_id).sent_at is not None
    [job] = outbox_of(committed_db)
    assert job.processed_at is not None

    # a second run (a lost acknowledgement) sends nothing
    assert tasks.deliver(notification_id) == "done"
    assert len(list(mail_folder.glob("*.eml"))) == 1
    assert tasks.deliver("ntf_missing") == "missing"


def test_a_mail_server_that_fails_records_nothing_and_the_retry_sends(app, committed_db, redis_conn, mail_folder,
                                                                      monkeypatch):
    notification_id = queue(committed_db).id
    committed_db.commit()
    [job_id] = [job.id for job in outbox_of(committed_db)]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port())

    with pytest.raises(OSError):
        execute_outbox(job_id)

    assert committed_db.get(Notification, notification_id).sent_at is None
    assert committed_db.get(OutboxMessage, job_id).processed_at is None
    committed_db.remove()

    # the server is back (here: the mail folder); RQ's retry runs the job again
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    assert execute_outbox(job_id) == "done"

    assert len(list(mail_folder.glob("*.eml"))) == 1
    assert committed_db.get(Notification, notification_id).sent_at is not None
    assert committed_db.get(OutboxMessage, job_id).processed_at is not None
