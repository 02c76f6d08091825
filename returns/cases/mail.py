"""The buyer's e-mails about a case: one per step, in the order's language, sent by a job after commit."""
from __future__ import annotations

from sqlalchemy.orm import Session

from shop.core.db import utcnow
from shop.core.notifications import queue as queue_mail
from shop.orders.models import Order

from . import views
from .models import ReturnCase


def notify(session: Session, case: ReturnCase, order: Order, step: str, *, again: bool = False) -> None:
    """Queue the ``return_<step>`` e-mail of the case (once per step; ``again`` for a repeated step)."""
    key = f"return-{step}:{case.id}" + (f":{utcnow().isoformat()}" if again else "")
    queue_mail(session, key=key, template=f"return_{step}", to=order.email, locale=order.locale,
               context=views.mail_context(session, case, order))
