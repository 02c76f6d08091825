"""Notification jobs (run by the worker through the outbox; safe to run twice)."""
from __future__ import annotations

import hashlib
import re

from shop.core.db import db, utcnow
from shop.core.mail import send

from .models import Notification
from .rendering import message

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def mail_name(key: str) -> str:
    """A file-safe name for the message of ``key`` (distinct keys stay distinct: a digest ends it)."""
    return f"{_UNSAFE.sub('-', key)[:100]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def deliver(notification_id: str) -> str:
    """Send notification ``notification_id`` and record ``sent_at``: "done", or "missing" with no such row.

    Decide, then send, then record, with no transaction open while the mail server is talked
    to: the row is read (not sent yet), that read transaction ends, the message is rendered and
    handed to ``shop.core.mail.send``, and ``sent_at`` is recorded in a new transaction that the job
    wrapper commits. A row already sent sends nothing. A mail server that refuses raises (RQ
    retries; nothing is recorded); if the final commit fails the retry sends again: at least once.
    """
    session = db.session
    notification = session.get(Notification, notification_id)
    if notification is None:
        return "missing"
    if notification.sent_at is not None:
        return "done"
    template, to, locale = notification.template, notification.recipient, notification.locale
    context, name = dict(notification.context), mail_name(notification.key)
    session.commit()  # end the read: nothing is held while the message renders and the server answers
    send(message(template, to=to, locale=locale, context=context), name=name)
    notification = session.get(Notification, notification_id)
    notification.sent_at = utcnow()
    session.flush()
    return "done"
