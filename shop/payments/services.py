"""Payments: the order's PaymentIntent and what Stripe's webhook events do to orders.

Every event id is recorded (``StripeEvent``) in the same transaction as its effect,
so an event is processed at most once; a repeated delivery finds the record and does
nothing. Order state only moves forward (``pending_payment`` → ``paid`` or
``canceled``), so events arriving late or out of order are harmless: a failure after
success changes nothing, and money arriving for a canceled order, or an amount or
currency that differs from the order's, is flagged for ops and never marks it paid.

A declined card does not end the order: Stripe lets the buyer confirm the same
PaymentIntent with another card, so ``payment_intent.payment_failed`` only records why
(shown translated in the order's ``payment`` section) and the order keeps its stock
until it is paid, its reservation expires (``expire_unpaid_orders`` cancels the intent,
then the order) or the intent is canceled (``payment_intent.canceled``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n.money import Money
from shop.core.db import UnitOfWork, utcnow
from shop.core.errors import DomainError
from shop.orders import services as orders
from shop.orders.models import Order

from . import refunds
from .errors import OrderNotPayable, PaymentProviderUnavailable, PaymentsNotConfigured
from .failures import failure_view
from .gateway import PAYMENTS, GatewayError, Intent, PaymentGateway
from .models import Payment, PaymentAlert, StripeEvent
from .stripe import WebhookEvent, amount_of

log = logging.getLogger(__name__)
SUCCEEDED = "payment_intent.succeeded"
PAYMENT_FAILED = "payment_intent.payment_failed"
CANCELED = "payment_intent.canceled"
HANDLED = (SUCCEEDED, PAYMENT_FAILED, CANCELED)
# Refund events: a refund object, or a charge with its refunds (``charge.refunded``).
REFUND_EVENTS = ("charge.refunded", "refund.created", "refund.updated", "refund.failed")
# Longest failure code and message kept (``payments.failure_code`` / ``failure_message``).
_MAX_CODE, _MAX_MESSAGE = 64, 500


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
    return {"provider": payment.provider, "status": payment.status, "intent_id": payment.intent_id,
            "failure": failure_view(payment)}


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
    if event.type in REFUND_EVENTS:
        outcome = _apply_refunds(session, event)
    elif intent_id is None or event.type not in HANDLED:
        outcome = "ignored"
    else:
        outcome = _apply(session, event, intent_id)
    record.outcome = outcome
    session.flush()
    return outcome


def _apply_refunds(session: Session, event: WebhookEvent) -> str:
    obj = event.object
    if obj.get("object") == "refund":
        return refunds.apply_provider_refund(session, obj)
    if obj.get("object") == "charge" and isinstance(obj.get("refunds"), dict):
        outcomes = [refunds.apply_provider_refund(session, refund) for refund in obj["refunds"]["data"]]
        return ",".join(sorted(set(outcomes)))[:40] or "ignored"
    return "ignored"


def _apply(session: Session, event: WebhookEvent, intent_id: str) -> str:
    payment = session.scalar(select(Payment).where(Payment.intent_id == intent_id))
    if payment is None:
        _alert(session, "unknown_intent", intent_id=intent_id, event_id=event.id,
               order_id=None, metadata=event.object.get("metadata") or {})
        return "unknown_intent"
    order = orders.lock_order(session, payment.order_id)
    if event.type == SUCCEEDED:
        return _succeeded(session, event, payment, order)
    if event.type == CANCELED:
        return _canceled(session, payment, order)
    return _failed(event, payment, order)


def _succeeded(session: Session, event: WebhookEvent, payment: Payment, order: Order) -> str:
    obj = event.object
    expected = Money(payment.amount_minor, payment.currency)
    received = amount_of(obj)
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
        # Money for an order whose stock was released (a success racing the expiry job, or an intent
        # confirmed after it was canceled): nothing ships, so the buyer must be refunded, by ops.
        _alert(session, "paid_after_cancel", order_id=order.id, intent_id=payment.intent_id, event_id=event.id,
               cancel_reason=order.cancel_reason, action="refund",
               amount={"amount": expected.amount, "currency": expected.currency})
        return "paid_after_cancel"
    return "already_paid"


def _canceled(session: Session, payment: Payment, order: Order) -> str:
    """The intent was canceled (by the expiry job, ops or Stripe): the order ends, its stock is freed."""
    if order.status != "pending_payment" or payment.status == "succeeded":
        return "stale"
    payment.status = "canceled"
    orders.cancel_order(session, order, "payment_canceled")
    return "canceled"


def _failed(event: WebhookEvent, payment: Payment, order: Order) -> str:
    """A declined or failed attempt: record why and leave the order payable.

    Nothing is canceled and no job stops the intent: the buyer may confirm it again with
    another card (``resume_payment``) until the order expires. A failure older than the
    one recorded (events out of order) changes nothing.
    """
    if order.status != "pending_payment" or payment.status in ("succeeded", "canceled"):
        return "stale"
    try:
        at = datetime.fromtimestamp(event.created, timezone.utc) if event.created else utcnow()
    except (OverflowError, OSError, ValueError):  # a signed but absurd timestamp
        at = utcnow()
    if payment.failed_at is not None and at < payment.failed_at:
        return "stale"
    error = event.object.get("last_payment_error") or {}  # types checked by stripe._check_event
    code = error.get("decline_code") or error.get("code") or None
    message = error.get("message") or None
    payment.status = "failed"
    payment.failure_code = code[:_MAX_CODE] if code else None
    payment.failure_message = message[:_MAX_MESSAGE] if message else None
    payment.failed_at = at
    return "failed"


@dataclass(frozen=True)
class PayableOrder:
    order: Order
    payment: Payment


def get_payable_order(session: Session, order_id: str, *, user=None, token: str | None = None,
                      now: datetime | None = None) -> tuple[Order, Payment | None]:
    """The order, for its owner or the holder of its guest token, if it can still be paid.

    Raises ``NotFound`` for anyone else (the order is never revealed) and
    ``OrderNotPayable`` (409) when it was paid, canceled or has expired.
    """
    order = orders.get_order_for(session, order_id, user=user, token=token)
    payment = get_payment(session, order.id)
    if order.status == "canceled" or (payment is not None and payment.status == "canceled"):
        raise OrderNotPayable("canceled")
    if order.status != "pending_payment" or (payment is not None and payment.status == "succeeded"):
        raise OrderNotPayable("paid")
    if order.expires_at <= (now or utcnow()):
        raise OrderNotPayable("expired")  # the expiry job has not canceled it yet
    return order, payment


def ensure_intent(uow: UnitOfWork, gateway_: PaymentGateway, order_id: str) -> Payment:
    """The order's recorded PaymentIntent, created first if it has none (checkout, resume).

    In stages: the read transaction is committed, the intent is created with no transaction
    open under the order's own idempotency key (a retry gets the same intent), and it is
    recorded in a new transaction (the first one recorded wins a race). Raises
    ``PaymentProviderUnavailable`` (503) when the provider cannot be reached.
    """
    session = uow.session
    payment = get_payment(session, order_id)
    if payment is not None:
        return payment
    order = session.get(Order, order_id)
    amount = Money(order.total_minor, order.currency)
    metadata = {"order_id": order.id, "order_number": order.number}
    uow.commit()  # nothing open or locked while the provider is called
    try:
        intent = gateway_.create_intent(amount=amount, idempotency_key=intent_key(order_id), metadata=metadata)
    except GatewayError as exc:
        log.warning("order %s: payment provider: %s", order_id, exc)
        raise PaymentProviderUnavailable() from exc
    try:
        payment = record_intent(session, session.get(Order, order_id), intent)
        uow.commit()
    except IntegrityError:
        uow.rollback()  # a concurrent request recorded it first
        payment = get_payment(session, order_id)
    return payment


def resume_payment(uow: UnitOfWork, gateway_: PaymentGateway, order_id: str, *, user=None,
                   token: str | None = None) -> PayableOrder:
    """The order's PaymentIntent again, to confirm it (another card after a decline).

    Raises what ``get_payable_order`` raises; an order whose intent was never recorded (the
    provider was down at checkout) gets it now (``ensure_intent``).
    """
    with uow:
        order, _ = get_payable_order(uow.session, order_id, user=user, token=token)
        payment = ensure_intent(uow, gateway_, order.id)
        return PayableOrder(uow.session.get(Order, order_id), payment)


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
    if payment is not None and intent_canceled and payment.status in ("requires_payment", "failed"):
        payment.status = "canceled"
    orders.cancel_order(session, order, "expired")
    return "canceled"
