"""Checkout: from an open cart to a ``pending_payment`` order holding reserved stock, and its payment.

``checkout`` is the use case, in stages over a ``UnitOfWork``: place the order and
reserve its stock (``place_order``), commit; create the PaymentIntent with no
transaction open; record it in a new transaction. A retry with the same
``Idempotency-Key`` resumes where a failure stopped.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta, timezone

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n.money import Money
from shop.catalog.charging import chargeable
from shop.core.clients import client_network
from shop.core.db import UnitOfWork, utcnow
from shop.core.errors import IdempotencyKeyReused
from shop.orders.inventory import INVENTORY, StockShortage
from shop.orders.models import Order, OrderCharge, OrderLine
from shop.payments import services as payments
from shop.payments.gateway import PaymentGateway
from shop.payments.models import Payment

from ..errors import (
    CheckoutIncomplete,
    NotPurchasableHere,
    OutOfStock,
    ShippingOptionUnavailable,
    TooManyPendingOrders,
    UnchargeableAmount,
)
from ..models import Cart, CheckoutKey
from .quote import Quote, build_quote

_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def fingerprint(cart_id: str) -> str:
    return hashlib.sha256(f"checkout:{cart_id}".encode()).hexdigest()


def new_order_number() -> str:
    """A human order number such as ``DR-261125-7KQ4M2XP`` (date + 8 random characters)."""
    return f"DR-{utcnow():%y%m%d}-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def find_keyed_order(session: Session, key: str, cart_id: str) -> Order | None:
    """The order an earlier request with ``key`` created for this cart, or None for a new key.

    Raises ``IdempotencyKeyReused`` when the key came with another cart.
    """
    record = session.scalar(select(CheckoutKey).where(CheckoutKey.key == key))
    if record is None:
        return None
    if record.fingerprint != fingerprint(cart_id):
        raise IdempotencyKeyReused()
    return session.get(Order, record.order_id) if record.order_id else None


def _advisory_lock(session: Session, key: str) -> None:
    """PostgreSQL: serialise checkouts of one buyer (released at commit), so the cap holds under races.

    SQLite needs nothing: every transaction there is ``BEGIN IMMEDIATE``, writers queue already.
    """
    lock_id = int.from_bytes(hashlib.sha256(f"checkout-pending:{key}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def check_pending_cap(session: Session, *, email: str | None, client: str | None) -> None:
    """Refuse a new order when the buyer's e-mail or client address already has the most unpaid ones.

    Open ``pending_payment`` orders hold stock until they expire, so without a cap anyone
    could lock up all stock without paying. ``CHECKOUT_MAX_PENDING_PER_BUYER`` (default 3;
    0 turns the cap off). Raises ``TooManyPendingOrders`` (429).
    """
    limit = int(current_app.config.get("CHECKOUT_MAX_PENDING_PER_BUYER", 3) or 0)
    if limit <= 0:
        return
    keys = {k for k in (f"email:{email.lower()}" if email else None, f"ip:{client}" if client else None) if k}
    if session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):  # one order of locks for every request: no deadlock
            _advisory_lock(session, key)
    now = utcnow()
    open_orders = select(func.count(), func.min(Order.expires_at)).where(
        Order.status == "pending_payment", Order.expires_at > now)
    conditions = []
    if email:
        conditions.append(func.lower(Order.email) == email.lower())
    if client:
        conditions.append(Order.client_ip == client)
    for condition in conditions:
        count, first_expiry = session.execute(open_orders.where(condition)).one()
        if count >= limit:
            retry_after = None
            if first_expiry is not None:
                if first_expiry.tzinfo is None:
                    first_expiry = first_expiry.replace(tzinfo=timezone.utc)
                retry_after = max(int((first_expiry - now).total_seconds()) + 1, 1)
            raise TooManyPendingOrders(limit, retry_after)


def _validate(quote: Quote) -> None:
    blocked = [ln for ln in quote.lines if not ln.purchasable and not ln.blocked_by_stock_only]
    if blocked:
        line = blocked[0]
        raise NotPurchasableHere(line.reasons, variant_id=line.variant_id)
    missing = quote.missing
    if missing:
        raise CheckoutIncomplete(missing)
    if quote.selected is None:
        raise ShippingOptionUnavailable(quote.cart.shipping_service or "", "not_offered")
    if not chargeable(quote.total):
        raise UnchargeableAmount()


def _snapshot(quote: Quote, cart: Cart, user_id: str | None, expires_at) -> Order:
    option = quote.selected
    landed = quote.landed
    address = cart.shipping_address
    order = Order(
        number=new_order_number(), status="pending_payment", user_id=user_id, cart_id=cart.id, email=cart.email,
        locale=cart.locale, market_code=cart.market_code, currency=quote.currency, fx_rate=str(quote.fx_rate),
        shipping_address=dict(address), shipping_service=option.service, shipping_carrier=option.carrier,
        shipping_name=option.name, transit_days=list(option.transit_days) if option.transit_days else None,
        chargeable_weight_g=option.chargeable_weight_g, incoterm=landed.incoterm, tax_scheme=landed.scheme,
        subtotal_minor=quote.subtotal.amount, shipping_minor=option.amount.amount,
        duties_minor=landed.duties.amount, taxes_minor=landed.taxes.amount, total_minor=quote.total.amount,
        due_on_delivery_minor=landed.due_on_delivery.amount, expires_at=expires_at,
    )
    for position, line in enumerate(quote.lines):
        order.lines.append(OrderLine(
            position=position, seller_id=line.seller_id, product_id=line.product_id, variant_id=line.variant_id,
            sku=line.sku, name=line.name[:200], name_locale=line.name_locale, options=line.options,
            quantity=line.quantity, unit_price_minor=line.unit_price.amount, line_total_minor=line.total.amount,
            unit_price_krw=line.unit_price_krw, hs_code=line.hs_code, origin_country=line.origin_country,
            category=line.category, weight_g=int(line.parcel.get("weight_g") or 0),
            return_acknowledgement=line.return_acknowledgement,
        ))
    order.charges.append(OrderCharge(
        position=0, kind="shipping", code=option.service, amount_minor=option.amount.amount, collected="now",
        params={"name": option.name, "carrier": option.carrier, "amount_krw": option.amount_krw,
                "chargeable_weight_g": option.chargeable_weight_g}))
    for position, charge in enumerate(landed.charges, start=1):
        order.charges.append(OrderCharge(
            position=position, kind=charge.kind, code=charge.code, amount_minor=charge.amount.amount,
            collected=charge.collected, rate=charge.rate, base_minor=charge.base.amount if charge.base else None,
            params={k: v for k, v in (charge.params or {}).items() if v is not None}))
    return order


def place_order(session: Session, cart_id: str, *, key: str, user=None,
                client_ip: str | None = None) -> tuple[Order, bool]:
    """Create the order for a cart and reserve its stock, once per ``Idempotency-Key``.

    The same key with the same cart returns the order the first request created; with
    another cart it raises ``IdempotencyKeyReused``. Returns ``(order, created)``. Raises ``CartClosed`` (another key
    already checked this cart out), ``CheckoutIncomplete``, ``NotPurchasableHere``,
    ``ShippingOptionUnavailable``, ``OutOfStock`` (naming the lines; nothing reserved),
    ``TooManyPendingOrders`` (the buyer's e-mail or ``client_ip`` has too many unpaid orders).
    Only flushes; the caller commits.
    """
    from .carts import _open, get_cart

    cart = get_cart(session, cart_id, user, for_update=True)
    # Read the key only under the cart's lock: a concurrent twin request has committed by now.
    existing = find_keyed_order(session, key, cart.id)
    if existing is not None:
        return existing, False
    _open(cart)
    client = client_network(client_ip)
    check_pending_cap(session, email=cart.email, client=client)
    session.add(CheckoutKey(key=key, fingerprint=fingerprint(cart.id), cart_id=cart.id))
    session.flush()  # a concurrent request with the same key waits here, then fails on the unique key

    quote = build_quote(session, cart)
    _validate(quote)
    expires_at = utcnow() + timedelta(minutes=int(current_app.config.get("RESERVATION_TTL_MINUTES") or 30))
    order = _snapshot(quote, cart, cart.user_id or (user.id if user is not None else None), expires_at)
    order.client_ip = client
    session.add(order)
    session.flush()
    try:
        INVENTORY.get().reserve(session, reference=order.id, market_code=cart.market_code,
                                lines=[(ln.variant_id, ln.quantity) for ln in quote.lines], expires_at=expires_at,
                                actor=f"checkout:{cart.id}")
    except StockShortage as exc:
        raise OutOfStock(_stock_lines(quote, exc.lines)) from exc
    cart.status = "checked_out"
    cart.order_id = order.id
    record = session.scalar(select(CheckoutKey).where(CheckoutKey.key == key))
    record.order_id = order.id
    session.flush()
    return order, True


def _stock_lines(quote: Quote, short: list[dict]) -> list[dict]:
    by_variant = {ln.variant_id: ln for ln in quote.lines}
    result = []
    for entry in short:
        line = by_variant.get(entry.get("variant_id"))
        item = dict(entry)
        if line is not None:
            item.update({"line_id": line.line_id, "sku": line.sku, "name": line.name,
                         "requested": entry.get("requested", line.quantity)})
        result.append(item)
    return result


def order_amount(order: Order) -> Money:
    return Money(order.total_minor, order.currency)


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    payment: Payment | None
    created: bool  # False: an earlier request with the same key created the order


def checkout(uow: UnitOfWork, gateway: PaymentGateway, cart_id: str, *, key: str, user=None,
             client_ip: str | None = None) -> CheckoutResult:
    """Check a cart out: the order with its stock reserved, then its PaymentIntent.

    Stage 1: ``place_order`` and commit (a twin request with the same key that wins the
    race makes this one's commit fail on the unique key: it is run again and finds the
    twin's order). Stages 2 and 3, only for an unpaid order without an intent
    (``payments.ensure_intent``): the intent is created with no transaction open, under an
    idempotency key derived from the order, and recorded in a new transaction. Raises what
    ``place_order`` raises, and ``PaymentProviderUnavailable`` (503) when the provider cannot
    be reached: the order and its stock stay, and the same key resumes.
    """
    session = uow.session
    with uow:
        try:
            order, created = place_order(session, cart_id, key=key, user=user, client_ip=client_ip)
            uow.commit()
        except IntegrityError:
            uow.rollback()
            order, created = place_order(session, cart_id, key=key, user=user, client_ip=client_ip)
            uow.commit()
        payment = payments.get_payment(session, order.id)
        if payment is None and order.status == "pending_payment":
            payment = payments.ensure_intent(uow, gateway, order.id)
            order = session.get(Order, order.id)
        return CheckoutResult(order=order, payment=payment, created=created)

