"""Order state changes and reads (with ownership).

Every change of status goes through one service here and sends its lifecycle event
(``shop.orders.events``) in the same transaction; services only flush, the caller commits.
Stock moves through the ``InventoryGateway`` seam (``shop.orders.inventory``).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shop.core.db import utcnow
from shop.core.errors import NotFound

from . import events
from .errors import InvalidOrderTransition
from .inventory import INVENTORY
from .models import Order, OrderLine

TRANSITIONS = {
    "pending_payment": {"paid", "canceled"},
    "paid": {"partially_shipped", "shipped", "canceled"},
    "partially_shipped": {"shipped"},
    "shipped": {"delivered"},
    "delivered": {"completed"},
    "completed": set(),
    "canceled": set(),
}


def access_token(order_id: str, secret_key: str) -> str:
    """The guest access token of an order: derived (HMAC), never stored, the same on every replay."""
    return hmac.new(secret_key.encode(), f"order-access:{order_id}".encode(), hashlib.sha256).hexdigest()[:40]


def lock_order(session: Session, order_id: str) -> Order | None:
    return session.scalar(select(Order).where(Order.id == order_id).with_for_update())


def _move(order: Order, target: str) -> None:
    if target not in TRANSITIONS[order.status]:
        raise InvalidOrderTransition(current=order.status, target=target)
    order.status = target


def mark_paid(session: Session, order: Order, *, now: datetime | None = None) -> Order:
    """``pending_payment`` → ``paid``: the reservation becomes an allocation; ``order_paid`` is sent.

    Raises ``InvalidOrderTransition``, or the inventory's ``DomainError`` when the
    reservation was lost (the caller decides what to do with the money).
    """
    _move(order, "paid")
    order.paid_at = now or utcnow()
    INVENTORY.get().allocate(session, reference=order.id, actor="payment")
    session.flush()
    events.emit(events.order_paid, session, order)
    return order


def cancel_order(session: Session, order: Order, reason: str) -> Order:
    """``pending_payment`` (or ``paid``, before anything shipped) → ``canceled``: stock is released.

    ``order_canceled`` is sent with the ``reason`` (checkout reopens the cart on it).
    """
    _move(order, "canceled")
    order.canceled_at = utcnow()
    order.cancel_reason = reason
    INVENTORY.get().release(session, reference=order.id, reason=reason, actor="checkout")
    session.flush()
    events.emit(events.order_canceled, session, order, reason=reason)
    return order


def mark_shipped(session: Session, order: Order, *, partial: bool = False, at: datetime | None = None) -> Order:
    """A parcel of the order left: ``paid`` → ``partially_shipped`` (``partial``) or ``shipped``.

    ``partially_shipped`` → ``shipped`` when the last parcel leaves. Repeating the current
    state is a no-op (a retried job); ``shipped_at`` keeps the first departure. Sends
    ``order_shipped`` on each change. Raises ``InvalidOrderTransition``.
    """
    target = "partially_shipped" if partial else "shipped"
    if order.status == target:
        return order
    _move(order, target)
    order.shipped_at = order.shipped_at or at or utcnow()
    session.flush()
    events.emit(events.order_shipped, session, order, partial=partial)
    return order


def mark_delivered(session: Session, order: Order, at: datetime) -> Order:
    """``shipped`` → ``delivered`` at ``at`` (the carrier's time, aware): return windows count from it.

    Delivered again (a repeated tracking event) is a no-op. Sends ``order_delivered``.
    Raises ``InvalidOrderTransition``; ``ValueError`` for a naive or future ``at``.
    """
    if at.tzinfo is None:
        raise ValueError("delivered_at must be timezone-aware")
    if at > utcnow():
        raise ValueError("delivered_at is in the future")
    if order.status == "delivered":
        return order
    _move(order, "delivered")
    order.delivered_at = at
    session.flush()
    events.emit(events.order_delivered, session, order, at=at)
    return order


def mark_completed(session: Session, order: Order, *, at: datetime | None = None) -> Order:
    """``delivered`` → ``completed`` (nothing more is expected). Sends ``order_completed``."""
    if order.status == "completed":
        return order
    _move(order, "completed")
    order.completed_at = at or utcnow()
    session.flush()
    events.emit(events.order_completed, session, order)
    return order


def get_order_for(session: Session, order_id: str, *, user=None, token: str | None = None) -> Order:
    """The order for its owner, or for anyone holding its guest access token; else ``NotFound``."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound()
    if user is not None and order.user_id == user.id:
        return order
    # Bytes, not str: compare_digest refuses non-ASCII strings (a TypeError, i.e. a 500, for "é").
    if token and hmac.compare_digest(token.encode("utf-8", "surrogatepass"),
                                     access_token(order.id, current_app.config["SECRET_KEY"]).encode()):
        return order
    raise NotFound()


def customer_orders(user_id: str, *, status: str | None = None):
    query = select(Order).where(Order.user_id == user_id).order_by(Order.created_at.desc(), Order.id)
    if status:
        query = query.where(Order.status == status)
    return query


def seller_orders(seller_id: str, *, status: str | None = None):
    has_line = exists().where(OrderLine.order_id == Order.id, OrderLine.seller_id == seller_id)
    query = select(Order).where(has_line).order_by(Order.created_at.desc(), Order.id)
    if status:
        query = query.where(Order.status == status)
    return query


def get_seller_order(session: Session, seller_id: str, order_id: str) -> Order:
    order = session.scalar(seller_orders(seller_id).where(Order.id == order_id))
    if order is None:
        raise NotFound()
    return order


def admin_orders(*, status=None, market=None, seller=None, created_from=None, created_to=None, number=None):
    query = select(Order).order_by(Order.created_at.desc(), Order.id)
    if status:
        query = query.where(Order.status == status)
    if market:
        query = query.where(Order.market_code == market.upper())
    if seller:
        query = query.where(exists().where(OrderLine.order_id == Order.id, OrderLine.seller_id == seller))
    if created_from:
        query = query.where(Order.created_at >= created_from)
    if created_to:
        query = query.where(Order.created_at < created_to)
    if number:
        query = query.where(Order.number == number)
    return query


def expired_unpaid_ids(session: Session, *, now: datetime | None = None, limit: int = 100) -> list[str]:
    now = now or utcnow()
    return list(session.scalars(select(Order.id).where(Order.status == "pending_payment", Order.expires_at < now)
                                .order_by(Order.expires_at).limit(limit)))
