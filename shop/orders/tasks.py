"""Order jobs (run by the worker through the outbox; each safe to run twice)."""
from __future__ import annotations

from flask import current_app

from shop.core import notifications
from shop.core.db import db, utcnow
from shop.core.jobs.outbox import defer
from shop.core.mail import send

from .mail import CONFIRMATION, confirmation_context
from .models import Order


def defer_confirmation(sender, *, session, order, **_) -> None:
    """``order_paid`` subscriber: the confirmation e-mail goes out once the payment has committed."""
    defer(session, "shop.orders.tasks.order_paid", order_id=order.id, dedupe_key=f"order-paid:{order.id}")


def order_paid(order_id: str) -> str:
    """E-mail the confirmation of a paid order, once.

    Decide, then send, then record, with no lock held and no transaction open while the
    mail server is talked to: the order is read (its confirmation not sent yet), that
    read transaction ends, the message goes out, and ``confirmation_sent_at`` is recorded
    in a new transaction that the job wrapper commits. Since the job only exists once the
    payment committed, a payment that rolled back sends nothing. If the final commit
    fails, the retry sends again: at least once, never for an unpaid order.
    """
    session = db.session
    order = session.get(Order, order_id)
    if order is None:
        return "missing"
    if order.confirmation_sent_at is not None or order.paid_at is None:
        return "done"
    config = current_app.config
    context = confirmation_context(order, storefront_url=config.get("STOREFRONT_URL"),
                                   secret_key=config["SECRET_KEY"])
    message = notifications.message(CONFIRMATION, to=order.email, locale=order.locale, context=context)
    name = f"order-{order.number}"
    session.commit()  # end the read: nothing is held while the mail server answers
    send(message, name=name)
    order = session.get(Order, order_id)
    order.confirmation_sent_at = utcnow()
    session.flush()
    return "done"
