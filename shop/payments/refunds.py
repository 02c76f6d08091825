"""Refunds: the one writer of money given back on a payment.

The invariant, for every payment, at every commit::

    0 <= refund_committed_minor == Σ amount of its refunds pending or succeeded <= captured_minor

How it holds:

- ``request_refund`` is the only way a refund row is made. It locks the payment row
  (``SELECT … FOR UPDATE``), reads what is left (captured − committed), refuses more
  (``RefundExceedsBalance``) and adds the amount to ``refund_committed_minor`` in the
  same transaction, so concurrent requests queue on the lock and each sees the one
  before it; a database CHECK refuses any commit above the capture all the same.
- The money moves later, in the ``send_refund`` job (through the outbox, after the
  commit): it reads the row, ends the transaction, calls the provider with nothing
  locked, and records the answer in a new transaction. The provider's idempotency key
  is derived from the refund row, and the adapter first looks for a refund it already
  made under that key, so a job run twice (or crashed after the call) refunds once.
- A refund only moves ``pending`` → ``succeeded`` | ``failed`` and ``succeeded`` →
  ``failed`` (the provider reversed it); ``failed`` gives its amount back to the balance.
  Webhook events apply through ``apply_provider_refund`` at most once each (the event
  record of ``services.handle_event``), and an update that would move a refund back is ignored.
- What must be paid once (a return case) is refunded under a ``purpose``: checked under the
  payment's lock, and a partial unique index admits one refund pending or succeeded per
  purpose. A request's ``Idempotency-Key`` is kept on its refund: the same key answers it.

``check_refunds`` states the invariant as a query; tests and the benchmark audit with it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n.money import Money
from shop.core.db import db, utcnow
from shop.core.errors import IdempotencyKeyReused
from shop.core.jobs import outbox
from shop.orders import events
from shop.orders.models import Order

from .errors import (
    InvalidRefundAmount,
    NothingToRefund,
    RefundAlreadyRequested,
    RefundExceedsBalance,
)
from .gateway import PAYMENTS, GatewayError
from .models import Payment, Refund
from .stripe import amount_of

log = logging.getLogger(__name__)

# Sent when a refund succeeds or fails, in that transaction: sender the refund, ``session=``.
ACTIVE = ("pending", "succeeded")
TRANSITIONS = {"pending": ("succeeded", "failed"), "succeeded": ("failed",), "failed": ()}


def refund_key(refund_id: str) -> str:
    """The provider idempotency key of a refund row (also stored in the provider's metadata)."""
    return f"dari-refund-{refund_id}"


def lock_payment(session: Session, order_id: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.order_id == order_id).with_for_update())


def available(payment: Payment) -> Money:
    """What can still be refunded on ``payment``: captured minus refunds pending or done."""
    return Money(payment.captured_minor - payment.refund_committed_minor, payment.currency)


def request_refund(session: Session, order_id: str, amount_minor: int, *, source: str,
                   requested_by: str | None = None, purpose: str | None = None,
                   idempotency_key: str | None = None) -> Refund:
    """Decide a refund of ``amount_minor`` on the order's payment; the ``send_refund`` job pays it.

    Locks the payment row. ``idempotency_key``: a refund this order already made under the key
    is returned as it is (a repeated request answers the first result), or ``IdempotencyKeyReused``
    when it was for another amount, source or purpose. ``purpose``: what may be paid once (a return
    case, ``return:ret_…``); a refund pending or succeeded under it raises
    ``RefundAlreadyRequested`` (and a partial unique index refuses the commit all the same).
    Raises ``NothingToRefund`` (no captured payment), ``InvalidRefundAmount`` (not positive) or
    ``RefundExceedsBalance``. The caller commits.
    """
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise InvalidRefundAmount()
    payment = lock_payment(session, order_id)
    if payment is None or payment.status != "succeeded" or payment.captured_minor <= 0:
        raise NothingToRefund()
    if idempotency_key:
        earlier = refund_under_key(session, order_id, idempotency_key)
        if earlier is not None:
            if (earlier.amount_minor, earlier.source, earlier.purpose) != (amount_minor, source, purpose):
                raise IdempotencyKeyReused()
            return earlier
    if purpose and active_refund_for(session, purpose) is not None:
        raise RefundAlreadyRequested()
    left = available(payment)
    if amount_minor > left.amount:
        raise RefundExceedsBalance(requested=Money(amount_minor, payment.currency), available=left)
    refund = Refund(payment_id=payment.id, order_id=order_id, amount_minor=amount_minor, currency=payment.currency,
                    source=source, requested_by=requested_by, purpose=purpose, idempotency_key=idempotency_key)
    session.add(refund)
    payment.refund_committed_minor += amount_minor
    session.flush()
    outbox.defer(session, "shop.payments.refunds.send_refund", dedupe_key=refund_key(refund.id),
                 refund_id=refund.id)
    return refund


def refund_under_key(session: Session, order_id: str, idempotency_key: str) -> Refund | None:
    """The refund a request with ``idempotency_key`` made on the order, whatever became of it."""
    return session.scalar(select(Refund).where(Refund.order_id == order_id,
                                               Refund.idempotency_key == idempotency_key))


def active_refund_for(session: Session, purpose: str) -> Refund | None:
    """The refund pending or succeeded under ``purpose`` (at most one: the partial unique index)."""
    return session.scalar(select(Refund).where(Refund.purpose == purpose, Refund.status.in_(ACTIVE)))


def _move(session: Session, refund: Refund, target: str, *, failure: str | None = None) -> bool:
    """Move ``refund`` to ``target`` under the payment's lock; False (nothing done) when it cannot."""
    if target not in TRANSITIONS[refund.status]:
        return False
    payment = lock_payment(session, refund.order_id)
    if target == "failed":
        payment.refund_committed_minor -= refund.amount_minor
        refund.failure = (failure or "")[:500] or None
    refund.status = target
    refund.settled_at = utcnow()
    session.flush()
    events.emit(events.refund_settled, session, session.get(Order, refund.order_id), refund=refund)
    return True


def send_refund(refund_id: str) -> str:
    """Outbox job: pay a pending refund through the provider; safe to run twice.

    A provider error raises (RQ retries with backoff; the failed job stays visible to ops);
    the refund stays ``pending`` and its amount reserved until the provider answers.
    """
    session = db.session
    refund = session.get(Refund, refund_id)
    if refund is None:
        return "missing"
    if refund.status != "pending" or refund.provider_refund_id:
        return "already_sent"
    payment = session.get(Payment, refund.payment_id)
    intent_id, amount = payment.intent_id, Money(refund.amount_minor, refund.currency)
    session.commit()  # nothing is held while the provider answers
    try:
        answer = PAYMENTS.get().refund(intent_id, amount=amount, idempotency_key=refund_key(refund_id))
    except GatewayError:
        log.warning("refund %s: provider error, retrying", refund_id)
        raise
    refund = session.get(Refund, refund_id, with_for_update=True)
    return record_answer(session, refund, answer.id, answer.status)


def record_answer(session: Session, refund: Refund, provider_refund_id: str, status: str) -> str:
    """Record the provider's refund id and status on ``refund``; returns its status afterwards."""
    if refund.provider_refund_id is None:
        refund.provider_refund_id = provider_refund_id
    if status == "succeeded":
        _move(session, refund, "succeeded")
    elif status in ("failed", "canceled"):
        _move(session, refund, "failed", failure=f"provider status {status}")
    session.flush()
    return refund.status


def apply_provider_refund(session: Session, obj: dict) -> str:
    """A ``refund`` object from a webhook (``refund.updated``/``refund.failed``/``charge.refunded``)."""
    refund = None
    metadata = obj.get("metadata") or {}
    key = metadata.get("dari_refund")
    if isinstance(key, str) and key.startswith("dari-refund-"):
        refund = session.get(Refund, key.removeprefix("dari-refund-"), with_for_update=True)
    if refund is None and isinstance(obj.get("id"), str):
        refund = session.scalar(select(Refund).where(Refund.provider_refund_id == obj["id"]).with_for_update())
    if refund is None:
        return "unknown_refund"
    if amount_of(obj, refund.currency) != Money(refund.amount_minor, refund.currency):
        log.warning("refund %s: provider amount %r differs", refund.id, obj.get("amount"))
        return "amount_mismatch"
    before = refund.status
    record_answer(session, refund, obj.get("id") or refund.provider_refund_id, str(obj.get("status") or ""))
    return f"refund_{refund.status}" if refund.status != before else "refund_unchanged"


@dataclass(frozen=True)
class RefundDiscrepancy:
    payment_id: str
    committed_minor: int
    refunds_minor: int
    captured_minor: int


def check_refunds(session: Session) -> list[RefundDiscrepancy]:
    """Payments where the invariant of this module does not hold (empty when all is well)."""
    sums = (select(Refund.payment_id, func.sum(Refund.amount_minor).label("total"))
            .where(Refund.status.in_(ACTIVE)).group_by(Refund.payment_id).subquery())
    rows = session.execute(select(Payment.id, Payment.refund_committed_minor, func.coalesce(sums.c.total, 0),
                                  Payment.captured_minor).outerjoin(sums, sums.c.payment_id == Payment.id))
    return [RefundDiscrepancy(*row) for row in rows
            if row[1] != row[2] or not 0 <= row[1] <= row[3]]


def refunded_total(session: Session, order_id: str, *, source_prefix: str | None = None) -> int:
    """Sum of the order's refunds pending or succeeded (of sources starting with ``source_prefix``)."""
    query = select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(Refund.order_id == order_id,
                                                                         Refund.status.in_(ACTIVE))
    if source_prefix:
        query = query.where(Refund.source.startswith(source_prefix))
    return int(session.scalar(query))
