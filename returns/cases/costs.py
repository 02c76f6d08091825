"""The cost ledger of return cases: who bears a cost, and each cost booked once per case, seller and kind.

Refunds, return shipping, write-offs, replacements, repairs and labels are booked here in
the transaction that incurs them; settlement and the seller's view read ``costs_query``.
A cost goes to the seller, or to the mall for a change of mind with a "no-return purchase"
seller (``bearer``).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.core.db import utcnow
from shop.orders.models import OrderLine
from shop.sellers.models import Seller

from .models import ReturnCase, ReturnCost


def bearer(session: Session, case: ReturnCase, seller_id: str) -> str:
    """The mall bears a change of mind for a "no-return purchase" seller; the seller bears the rest."""
    seller = session.get(Seller, seller_id)
    kinds = {d.get("kind") for d in case.decision.get("lines", {}).values()}
    if seller is not None and seller.no_return_purchase and kinds == {"change_of_mind"}:
        return "mall"
    return "seller"


def book(session: Session, case: ReturnCase, seller_id: str, kind: str, amount: int) -> None:
    """Book ``amount`` of ``kind`` for the seller's part of the case (once; nothing for 0), to its bearer."""
    exists = session.scalar(select(ReturnCost.id).where(
        ReturnCost.case_id == case.id, ReturnCost.seller_id == seller_id, ReturnCost.kind == kind))
    if exists is not None or amount <= 0:
        return
    now = utcnow()
    session.add(ReturnCost(case_id=case.id, seller_id=seller_id, bearer=bearer(session, case, seller_id), kind=kind,
                           amount_minor=amount, currency=case.currency, month=now.strftime("%Y-%m"), booked_at=now))


def value_by_seller(session: Session, case: ReturnCase, units: dict[str, int]) -> dict[str, int]:
    """The order price of ``units`` per return line id, summed per seller (minor units)."""
    values: dict[str, int] = {}
    for line in case.lines:
        price = session.get(OrderLine, line.order_line_id).unit_price_minor
        values[line.seller_id] = values.get(line.seller_id, 0) + price * units.get(line.id, 0)
    return values


def announced(case: ReturnCase) -> dict[str, int]:
    """The units announced per return line id."""
    return {line.id: line.quantity for line in case.lines}


def book_split(session: Session, case: ReturnCase, kind: str, amount: int) -> None:
    """Book ``amount`` across the case's sellers in proportion to their units' value (the rest to the last)."""
    values = value_by_seller(session, case, announced(case))
    total = sum(values.values()) or 1
    left = amount
    ordered = sorted(values)
    for index, seller_id in enumerate(ordered):
        share = left if index == len(ordered) - 1 else amount * values[seller_id] // total
        left -= share
        book(session, case, seller_id, kind, share)


def costs_query(*, seller_id: str | None = None, month: str | None = None):
    """Costs per seller, month, bearer and kind (sums), for settlement and the seller's view."""
    query = (select(ReturnCost.seller_id, ReturnCost.month, ReturnCost.bearer, ReturnCost.kind, ReturnCost.currency,
                    func.sum(ReturnCost.amount_minor).label("amount_minor"), func.count().label("cases"))
             .group_by(ReturnCost.seller_id, ReturnCost.month, ReturnCost.bearer, ReturnCost.kind, ReturnCost.currency)
             .order_by(ReturnCost.month.desc(), ReturnCost.seller_id, ReturnCost.kind))
    if seller_id:
        query = query.where(ReturnCost.seller_id == seller_id)
    if month:
        query = query.where(ReturnCost.month == month)
    return query
