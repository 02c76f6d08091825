"""A return case's refund: decided once, paid once, and audited.

The guarantee: a case (a return, or a warranty claim resolved as a refund) is refunded at
most once, and never more than its computed amount, whatever arrives at once — two ops on
two screens, a retried request after a timeout, a periodic job.

How it holds:

- ``refund_case`` takes the order's payment row lock, then the case's row lock (the order
  in which a settling refund takes them too), and re-reads the case under them. Only an
  ``inspected`` case (or an ``approved`` one, refunded without the goods back, or a warranty
  claim found ``unrepairable`` with the goods in) is refunded;
  the refund is requested under the case's *purpose* (``return:<case id>``) and the case
  moves to ``refunding`` in the same transaction, so the next request finds it there and
  gets ``RefundAlreadyRequested`` (409).
- ``shop.payments.refunds`` checks the purpose under the payment's lock, and a partial
  unique index on ``refunds.purpose`` admits one refund pending or succeeded per case: a
  second refund cannot be committed even by code that skipped the state check.
- A request's ``Idempotency-Key`` is kept on the refund it made; the same key again answers
  the case as it stands (200), not a 409.
- ``refund_settled``: a succeeded refund moves the case to ``refunded`` and books the cost;
  a failed one moves it back (``inspected`` or ``approved``), its purpose free again, so ops
  may refund it anew.

``check_case_refunds`` states the guarantee as a query; tests and ops (``GET
/api/v1/admin/returns/refund-audit``) audit with it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import returns.policy as policy
from shop.core.db import utcnow
from shop.core.errors import IdempotencyKeyReused
from shop.orders.models import Order, OrderCharge
from shop.payments import refunds
from shop.payments.errors import RefundAlreadyRequested

from .costs import announced, book_split, value_by_seller
from .errors import InvalidReturnTransition, RefundWithoutReturnNotAllowed
from .mail import notify
from .models import ReturnCase
from .services import _move, get_case

log = logging.getLogger(__name__)
# Statuses of a case whose refund is decided: another request is a 409, not a transition error.
REFUND_DECIDED = ("refunding", "refunded")


def purpose(case_id: str) -> str:
    """The refund purpose of a case: one refund pending or succeeded under it, at most."""
    return f"return:{case_id}"


def _charges_now(session: Session, order_id: str, kinds) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(OrderCharge.amount_minor), 0)).where(
        OrderCharge.order_id == order_id, OrderCharge.kind.in_(kinds), OrderCharge.collected == "now")))


def refund_amount(session: Session, case: ReturnCase, *, units: dict[str, int]) -> int:
    """What a case refunds for ``units`` per return line: their price, plus the shares of the
    outbound shipping and of the duties and taxes collected where the decision refunds them."""
    order = session.get(Order, case.order_id)
    value = sum(value_by_seller(session, case, units).values())
    if value == 0 or order.subtotal_minor <= 0:
        return value
    decisions = list(case.decision.get("lines", {}).values())
    shipping = case.kind == "warranty" or any(d.get("refund_outbound_shipping") for d in decisions)
    duties = case.kind == "warranty" or any(d.get("refund_duties") for d in decisions)
    extra = 0
    if shipping:
        extra += _charges_now(session, order.id, ("shipping",))
    if duties:
        extra += _charges_now(session, order.id, ("duty", "tax"))
    return value + extra * value // order.subtotal_minor


def refund_case(session: Session, case_id: str, *, by: str | None = None, without_return: bool = False,
                idempotency_key: str | None = None) -> ReturnCase:
    """Refund an inspected case for the units received (or, ``without_return``, an approved case
    for the units announced, when they are worth no more than the market's limit); once.

    Takes the payment's lock, then the case's (see the module). Raises ``ReturnNotFound``,
    ``RefundAlreadyRequested`` (its refund is decided), ``InvalidReturnTransition``,
    ``RefundWithoutReturnNotAllowed``, ``IdempotencyKeyReused`` and the errors of
    ``refunds.request_refund``. A case with nothing to refund is closed. The caller commits.
    """
    order_id = get_case(session, case_id).order_id
    refunds.lock_payment(session, order_id)
    case = get_case(session, case_id, lock=True)
    if idempotency_key:
        earlier = refunds.refund_under_key(session, order_id, idempotency_key)
        if earlier is not None:
            if earlier.purpose != purpose(case.id):
                raise IdempotencyKeyReused()
            return case  # the request again: its answer is the case as it stands
    if case.status in REFUND_DECIDED:
        raise RefundAlreadyRequested()
    if without_return:
        if case.status != "approved":
            raise InvalidReturnTransition(current=case.status)
        units = announced(case)
        limit = policy.policy_data()["refund_without_return"]["max_item_value_minor"].get(case.market_code)
        value = sum(value_by_seller(session, case, units).values())
        if limit is None or limit["currency"] != case.currency or value > limit["amount_minor"]:
            raise RefundWithoutReturnNotAllowed(limit=f"{limit['amount_minor']} {limit['currency']}" if limit else "-")
        resolution = "refund_without_return"
    else:
        if case.status not in ("inspected", "unrepairable"):  # unrepairable: a claim whose repair failed
            raise InvalidReturnTransition(current=case.status)
        units = {line.id: line.received_quantity or 0 for line in case.lines}
        resolution = case.resolution or "refund"
    amount = refund_amount(session, case, units=units)
    case.resolution = resolution
    if amount <= 0:
        _move(case, "closed")
        case.closed_at = utcnow()
        session.flush()
        return case
    refunds.request_refund(session, case.order_id, amount, source=purpose(case.id), requested_by=by,
                           purpose=purpose(case.id), idempotency_key=idempotency_key)
    _move(case, "refunding")
    case.refund_minor = amount
    session.flush()
    return case


def on_refund_settled(sender, *, session: Session, refund, **_) -> None:
    """``refund_settled``: a case's refund succeeded → ``refunded``, its cost booked, the buyer told;
    it failed → the case goes back to where it was refunded from, to be refunded anew."""
    if not refund.source.startswith("return:"):
        return
    case = session.get(ReturnCase, refund.source.removeprefix("return:"))
    if case is None or case.status != "refunding":
        if case is not None and refund.status == "failed" and case.status in ("refunded", "closed"):
            log.warning("return %s: its refund %s failed after the case was %s", case.number, refund.id,
                        case.status)
        return
    if refund.status == "failed":
        _move(case, "approved" if case.resolution == "refund_without_return" else "inspected")
        case.refund_minor = None
        log.warning("return %s: refund %s failed (%s); the case can be refunded again", case.number, refund.id,
                    refund.failure)
        session.flush()
        return
    _move(case, "refunded")
    case.refunded_at = utcnow()
    book_split(session, case, "refund", refund.amount_minor)
    session.flush()
    notify(session, case, session.get(Order, case.order_id), "refunded")


@dataclass(frozen=True)
class CaseRefundDiscrepancy:
    case_id: str
    number: str
    status: str
    refund_minor: int | None
    refunded_minor: int
    refunds: int


def check_case_refunds(session: Session) -> list[CaseRefundDiscrepancy]:
    """Cases paid more than once or more than their amount, or whose state disagrees with their
    refunds (``refunding``/``refunded`` with none, or a refund with the case elsewhere); empty when all is well."""
    sums = (select(refunds.Refund.source.label("source"), func.sum(refunds.Refund.amount_minor).label("total"),
                   func.count().label("count"))
            .where(refunds.Refund.source.startswith("return:"), refunds.Refund.status.in_(refunds.ACTIVE))
            .group_by(refunds.Refund.source).subquery())
    rows = session.execute(
        select(ReturnCase.id, ReturnCase.number, ReturnCase.status, ReturnCase.refund_minor,
               func.coalesce(sums.c.total, 0), func.coalesce(sums.c.count, 0))
        .outerjoin(sums, sums.c.source == "return:" + ReturnCase.id)
        .where((sums.c.count > 0) | ReturnCase.status.in_(REFUND_DECIDED)))
    found = []
    for case_id, number, status, amount, total, count in rows:
        decided = status in REFUND_DECIDED or (status == "closed" and count > 0)
        if count > 1 or total != (amount or 0) or decided != (count == 1):
            found.append(CaseRefundDiscrepancy(case_id, number, status, amount, int(total), int(count)))
    return found
