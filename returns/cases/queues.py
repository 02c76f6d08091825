"""Return cases for ops and sellers, and the periodic work on them (overdue refunds, completed orders)."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import returns.policy as policy
from shop.core.db import utcnow
from shop.markets.services import get_market
from shop.orders import services as orders
from shop.orders.models import Order

from .models import ReturnCase, ReturnLine
from .overdue import refund_overdue
from .services import OPEN, _sellers, buyer_zones, deliveries

log = logging.getLogger(__name__)


def ops_queue(*, kind: str = "return", status=None, market=None, seller=None, due_before: date | None = None):
    """Cases for ops, soonest refund deadline first (none last), then oldest."""
    query = select(ReturnCase).where(ReturnCase.kind == kind)
    if status:
        query = query.where(ReturnCase.status == status)
    if market:
        query = query.where(ReturnCase.market_code == market)
    if seller:
        query = query.where(ReturnCase.id.in_(select(ReturnLine.case_id).where(ReturnLine.seller_id == seller)))
    if due_before:
        query = query.where(ReturnCase.refund_due_on < due_before)
    return query.order_by(ReturnCase.refund_due_on.is_(None), ReturnCase.refund_due_on, ReturnCase.requested_at,
                          ReturnCase.id)


def seller_cases(seller_id: str, *, kind: str | None = None):
    query = select(ReturnCase).where(ReturnCase.id.in_(select(ReturnLine.case_id).where(
        ReturnLine.seller_id == seller_id)))
    if kind:
        query = query.where(ReturnCase.kind == kind)
    return query.order_by(ReturnCase.requested_at.desc(), ReturnCase.id)


def flag_overdue(session: Session, *, today: date | None = None) -> int:
    """Periodic: mark cases whose refund is overdue (``refund_overdue``; once each); ops see them flagged first."""
    today = today or utcnow().date()
    cases = session.scalars(select(ReturnCase).where(
        refund_overdue(today), ReturnCase.overdue_flagged_at.is_(None))).all()
    for case in cases:
        case.overdue_flagged_at = utcnow()
        log.warning("return %s: refund overdue since %s", case.number, case.refund_due_on)
    session.flush()
    return len(cases)


def complete_orders(session: Session, *, now: datetime | None = None, limit: int = 200) -> int:
    """Periodic: ``delivered`` → ``completed`` when every line's change-of-mind window is over and no case is open."""
    now = now or utcnow()
    candidates = session.scalars(select(Order).where(Order.status == "delivered").order_by(Order.delivered_at)
                                 .limit(limit)).all()
    done = 0
    for order in candidates:
        if session.scalar(select(ReturnCase.id).where(ReturnCase.order_id == order.id,
                                                      ReturnCase.status.in_(OPEN)).limit(1)):
            continue
        market = policy.MarketRules.of(get_market(session, order.market_code))
        sellers = _sellers(session, order.lines)
        delivered = deliveries(session, order)
        zones = buyer_zones(order)
        over = []
        for line in order.lines:
            got = delivered.get(line.id)
            if got is None or got.delivered_at is None:
                continue
            days, _, _ = policy.change_of_mind_window(market, policy.SellerPolicy.of(sellers[line.seller_id]))
            counted = policy.days.count(got.delivered_at, now, zones, lambda day, days=days: day + timedelta(days=days))
            over.append(counted.on > counted.last_day)
        if over and all(over):
            orders.mark_completed(session, orders.lock_order(session, order.id), at=now)
            done += 1
    return done
