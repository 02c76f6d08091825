"""Queue a message in the caller's transaction; the outbox job ``tasks.deliver`` sends it after commit."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.core.jobs.outbox import defer

from .models import Notification
from .rendering import require_template, supported_locale

DELIVER_JOB = "shop.core.notifications.tasks.deliver"


def queue(session: Session, *, key: str, template: str, to: str, locale: str, context: dict) -> Notification:
    """Record message ``template`` for ``to`` under ``key`` and defer its delivery, in the caller's transaction.

    ``key`` names the work (``order-confirmed:<order id>``): queued again with the same key, the
    existing row is returned and nothing new is recorded, whatever the other arguments say.
    Nothing is sent if the transaction rolls back; once it commits the message is sent at least
    once (``tasks.deliver``). ``context`` is stored as JSON and rendered at delivery, so it holds
    only what JSON keeps as it is: strings, ints, booleans, None, lists and dicts with string keys
    (ids and minor-unit amounts, not models or floats). Flushes, never commits.

    Raises ``ValueError`` (unsupported locale, a context JSON would not keep) and
    ``jinja2.TemplateNotFound`` (a part of the message is missing), before recording anything;
    ``IntegrityError`` at flush if another transaction queued the same key at the same moment.
    """
    existing = session.scalar(select(Notification).where(Notification.key == key))
    if existing is not None:
        return existing
    tag = supported_locale(locale)
    _check_json(context, "context")
    require_template(template)
    notification = Notification(key=key, template=template, recipient=to, locale=tag, context=context)
    session.add(notification)
    session.flush()
    defer(session, DELIVER_JOB, dedupe_key=f"notification:{key}", notification_id=notification.id)
    return notification


def _check_json(value, where: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str):
                raise ValueError(f"{where}: key {name!r} is not a string")
            _check_json(item, f"{where}.{name}")
        return
    hint = " (amounts are ints in minor units)" if isinstance(value, float) else ""
    raise ValueError(f"{where} is a {type(value).__name__}, not a JSON string, int, boolean, list or dict{hint}")
