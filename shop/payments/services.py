"""Payments: the order's PaymentIntent and what Stripe's webhook events do to orders.

Every event id is recorded (``StripeEvent``) in the same transaction as its effect,
so an event is processed at most once; a repeated delivery finds the record and does
nothing. Order state only moves forward (``pending_payment`` → ``paid`` or
``canceled``), so events arriving late or out of order are harmless: a failure after
success changes nothing, and money arriving for a canceled order, or an amount or
currency that differs from the order's, is flagged for ops and never marks it paid.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n.money import Money
from shop.db import UnitOfWork, utcnow
from shop.errors import DomainError
from shop.jobs.outbox import defer
from shop.orders import services as orders
from shop.orders.models import Order

from .errors import PaymentsNotConfigured
from .gateway import PAYMENTS, GatewayError, Intent, PaymentGateway
from .models import Payment, PaymentAlert, StripeEvent
from .stripe import StripeCurrencyError, WebhookEvent, from_stripe_amount

log = logging.getLogger(__name__)
SUCCEEDED = "payment_intent.succeeded"
FAILED = ("payment_intent.payment_failed", "payment_intent.canceled")


def gateway() -> PaymentGateway:
    """The registered payment gateway; raises ``PaymentsNotConfigured`` (503) when card payments are off."""
    implementation = PAYMENTS.get()
    if not implementation.enabled():
        raise PaymentsNotConfigured()
    return implementation


def payment_section(session: Session, order: Order) -> dict | None:
    """The ``payment`` part of an order's detailed view (registered with ``shop.orders.views``)."""
    payment = get_payment(session, order.id)
    if payment is None:
        return None
    return {"provider": payment.provider, "status": payment.status, "intent_id": payment.intent_id}


def get_payment(session: Session, order_id: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.order_id == order_id))


def payment_alerts_query():
    """Alerts for ops, newest first."""
    return select(PaymentAlert).order_by(PaymentAlert.created_at.desc(), PaymentAlert.id)


def record_intent(session: Session, order: Order, intent: Intent) -> Payment:
    """Store the order's PaymentIntent (the first one recorded wins)."""
    existing = get_payment(session, order.id)
    if existing is not None:
        return existing
    payment = Payment(order_id=order.id, intent_id=intent.id, client_secret=intent.client_secret,
                      amount_minor=order.total_minor, currency=order.currency)
    session.add(payment)
    session.flush()
    return payment


def intent_key(order_id: str) -> str:
    return f"dari-order-{order_id}-payment-intent"


def _alert(session: Session, kind: str, *, order_id=None, intent_id=None, event_id=None, **details) -> None:
    log.warning("payment alert %s: order %s intent %s %s", kind, order_id, intent_id, details)
    session.add(PaymentAlert(kind=kind, order_id=order_id, intent_id=intent_id, event_id=event_id, details=details))


def handle_event(session: Session, event: WebhookEvent) -> str:
    """Apply one verified webhook event at most once; returns what happened (``paid``, ``duplicate`` …)."""
    if session.get(StripeEvent, event.id) is not None:
        return "duplicate"
    obj = event.object
    intent_id = obj.get("id") if obj.get("object") == "payment_intent" else None
    record = StripeEvent(id=event.id, type=event.type, intent_id=intent_id, outcome="processing")
    session.add(record)
    session.flush()  # a concurrent delivery of the same event fails here on the primary key
    if intent_id is None or (event.type != SUCCEEDED and event.type not in FAILED):
        outcome = "ignored"
    else:
        outcome = _apply(session, event, intent_id)
    record.outcome = outcome
    session.flush()
    return outcome


def _apply(session: Session, event: WebhookEvent, intent_id: str) -> str:
    payment = session.scalar(select(Payment).where(Payment.intent_id == intent_id))
    if payment is None:
        _alert(session, "unknown_intent", intent_id=intent_id, event_id=event.id,
               order_id=None, metadata=event.object.get("metadata") or {})
        return "unknown_intent"
    order = orders.lock_order(session, payment.order_id)
    if event.type == SUCCEEDED:
        return _succeeded(session, event, payment, order)
    return _failed(session, event, payment, order)


def _succeeded(session: Session, event: WebhookEvent, payment: Payment, order: Order) -> str:
    obj = event.object
    expected = Money(payment.amount_minor, payment.currency)
    try:
        received = from_stripe_amount(int(obj.get("amount_received") or obj.get("amount") or 0),
                                      str(obj.get("currency") or ""))
    except (StripeCurrencyError, ValueError, TypeError):
        received = None
    if received != expected or order.currency != payment.currency or order.total_minor != payment.amount_minor:
        _alert(session, "amount_mismatch", order_id=order.id, intent_id=payment.intent_id, event_id=event.id,
               expected={"amount": expected.amount, "currency": expected.currency},
               received={"amount": obj.get("amount_received") or obj.get("amount"), "currency": obj.get("currency")})
        return "amount_mismatch"
    payment.status = "succeeded"
    payment.captured_minor = expected.amount
    if order.status == "pending_payment":
        try:
            with session.begin_nested():
                orders.mark_paid(session, order)
        except DomainError as exc:
            # The reservation was lost (expired and resold): money came in without goods. The
            # order is canceled so that nothing ships or waits on it; ops refund the payment.
            _alert(session, "paid_without_stock", order_id=order.id, intent_id=payment.intent_id,
                   event_id=event.id, error=exc.code, action="refund",
                   amount={"amount": expected.amount, "currency": expected.currency})
            orders.cancel_order(session, order, "stock_lost")
            return "paid_without_stock"
        return "paid"
    if order.status == "canceled":
        # Money for an order whose stock was released (e.g. a success racing the cancel job after a
        # payment_failed): nothing ships, so the buyer must be refunded. Refunds are made by ops.
        _alert(session, "paid_after_cancel", order_id=order.id, intent_id=payment.intent_id, event_id=event.id,
               cancel_reason=order.cancel_reason, action="refund",
               amount={"amount": expected.amount, "currency": expected.currency})
        return "paid_after_cancel"
    return "already_paid"


def _failed(session: Session, event: WebhookEvent, payment: Payment, order: Order) -> str:
    if order.status != "pending_payment" or payment.status == "succeeded":
        return "stale"
    payment.status = "canceled" if event.type == "payment_intent.canceled" else "failed"
    reason = "payment_canceled" if event.type == "payment_intent.canceled" else "payment_failed"
    orders.cancel_order(session, order, reason)
    if event.type != "payment_intent.canceled":
        # Stop the intent so the buyer cannot pay an order whose stock was released. The outbox
        # pushes the job to RQ right after this transaction commits, on the "high" queue that
        # workers take first; a success that still slips in before it runs is flagged
        # ``paid_after_cancel`` for a refund (see ``_succeeded``).
        defer(session, "shop.payments.tasks.cancel_intent", queue="high", intent_id=payment.intent_id,
              dedupe_key=f"cancel-intent:{payment.intent_id}")
    return "canceled"


def expire_unpaid_orders(uow: UnitOfWork, gateway_: PaymentGateway | None, *, limit: int = 100) -> dict[str, str]:
    """Cancel unpaid orders whose reservation expired, each after canceling its PaymentIntent.

    In stages, so that no lock is held and no transaction is open while the provider is
    called: read the expired orders and their intents, and end that transaction; then for
    each order, cancel its intent (no transaction open), and lock and cancel the order in
    a short transaction of its own. An intent that succeeded (or is processing) leaves the
    order for the webhook to mark paid; an unreachable provider leaves it (and its stock)
    for the next run; an order that fails to cancel is rolled back alone and logged.
    Returns ``{order_id: outcome}``.
    """
    session = uow.session
    ids = orders.expired_unpaid_ids(session, limit=limit)
    intents = dict(session.execute(select(Payment.order_id, Payment.intent_id)
                                   .where(Payment.order_id.in_(ids))).all()) if ids else {}
    uow.commit()
    outcomes = {}
    for order_id in ids:
        intent_id = intents.get(order_id)
        canceled_intent = False
        if intent_id is not None and gateway_ is not None:
            try:
                intent = gateway_.cancel(intent_id)
            except GatewayError as exc:
                log.warning("expire %s: cannot cancel %s: %s", order_id, intent_id, exc)
                outcomes[order_id] = "gateway_error"
                continue
            if intent.status in ("succeeded", "processing"):
                outcomes[order_id] = "awaiting_webhook"
                continue
            canceled_intent = intent.status == "canceled"
        try:
            outcomes[order_id] = cancel_expired(session, order_id, intent_canceled=canceled_intent)
            uow.commit()
        except Exception:  # noqa: BLE001 - one order's failure must not keep the others (and their stock)
            uow.rollback()
            log.exception("expire %s: could not cancel the order", order_id)
            outcomes[order_id] = "error"
    return outcomes


def cancel_expired(session: Session, order_id: str, *, intent_canceled: bool) -> str:
    """Lock the order and cancel it if it is still unpaid and expired (``canceled`` / ``skipped``)."""
    order = orders.lock_order(session, order_id)
    if order is None or order.status != "pending_payment" or order.expires_at > utcnow():
        return "skipped"
    payment = get_payment(session, order.id)
    if payment is not None and intent_canceled and payment.status == "requires_payment":
        payment.status = "canceled"
    orders.cancel_order(session, order, "expired")
    return "canceled"
