"""Order state changes and reads (with ownership)."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shop.db import utcnow
from shop.errors import NotFound
from shop.jobs.outbox import defer

from .errors import InvalidOrderTransition
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


def inventory():
    return current_app.extensions["dari.inventory"]


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
    """``pending_payment`` → ``paid``: the reservation becomes an allocation; the order-paid job is deferred."""
    _move(order, "paid")
    order.paid_at = now or utcnow()
    inventory().allocate(session, reference=order.id, actor="payment")
    defer(session, "shop.orders.tasks.order_paid", order_id=order.id, dedupe_key=f"order-paid:{order.id}")
    session.flush()
    return order


def cancel_order(session: Session, order: Order, reason: str) -> Order:
    """``pending_payment`` → ``canceled``: stock is released and the cart reopened for another try."""
    from shop.checkout.models import Cart

    _move(order, "canceled")
    order.canceled_at = utcnow()
    order.cancel_reason = reason
    inventory().release(session, reference=order.id, reason=reason, actor="checkout")
    cart = session.get(Cart, order.cart_id)
    if cart is not None and cart.order_id == order.id:
        cart.status = "open"
    session.flush()
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
