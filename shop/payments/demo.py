"""``flask demo pay ORDER_NUMBER``: pay a demo order with a Stripe test card, the way the storefront would.

The storefront asks for the order's PaymentIntent (``resume_payment``, as ``POST
/api/v1/store/orders/{id}/payment`` does), Stripe.js confirms it in the browser with the
buyer's card, and Stripe's webhook marks the order paid. Here the command is the buyer:
it confirms the intent with a test PaymentMethod through the adapter (test keys only),
waits for the webhook to reach the running web app, then reads the intent's events back
from the provider and applies them through the webhook's own ``handle_event`` — at most
once per event, so one the webhook already applied changes nothing. Nothing writes the
order directly.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.core.db import UnitOfWork, db
from shop.core.errors import DomainError, NotFound
from shop.orders.models import Order
from shop.orders.services import access_token

from . import services
from .gateway import GatewayError, Intent, PaymentGateway
from .stripe import WebhookEvent

# Stripe's test PaymentMethod for the card 4242 4242 4242 4242 (localstripe knows it too).
TEST_CARD = "pm_card_visa"


@runtime_checkable
class DemoCardGateway(PaymentGateway, Protocol):
    """A gateway that can also pay with a test card and list an intent's events (the Stripe adapter)."""

    def confirm_with_test_card(self, intent_id: str, payment_method: str) -> Intent:
        """Confirm the intent with a test PaymentMethod; ``GatewayError`` outside test mode."""

    def intent_events(self, intent_id: str, types: tuple[str, ...]) -> list[WebhookEvent]:
        """The provider's events of ``types`` about the intent, oldest first."""


@dataclass(frozen=True)
class DemoPayment:
    intent: Intent  # as the confirmation left it
    order_status: str
    applied: tuple[str, ...]  # the outcome of each event read back (``duplicate``: the webhook was first)


def pay_with_test_card(uow: UnitOfWork, gateway_: DemoCardGateway, order_id: str, *, token: str,
                       payment_method: str = TEST_CARD, wait: float = 10.0) -> DemoPayment:
    """Confirm the order's PaymentIntent with a test card and let the provider's events mark it paid.

    ``token`` is the order's guest access token (the buyer's). Raises what ``resume_payment``
    raises (``NotFound``, ``OrderNotPayable``, ``PaymentProviderUnavailable``) and
    ``GatewayError`` when the provider refuses the confirmation.
    """
    session = uow.session
    with uow:
        payable = services.resume_payment(uow, gateway_, order_id, token=token)
        intent_id = payable.payment.intent_id
        uow.commit()  # nothing open while the provider is called
    intent = gateway_.confirm_with_test_card(intent_id, payment_method)
    deadline = time.monotonic() + wait
    while _status(uow, order_id) == "pending_payment" and time.monotonic() < deadline:
        time.sleep(0.2)  # the webhook, if the web app runs and localstripe knows its URL
    applied = []
    for event in gateway_.intent_events(intent_id, services.HANDLED):
        try:
            applied.append(services.handle_event(session, event))
            uow.commit()
        except IntegrityError:
            uow.rollback()  # the webhook delivered this very event at the same moment
            applied.append("duplicate")
    return DemoPayment(intent=intent, order_status=_status(uow, order_id), applied=tuple(applied))


def _status(uow: UnitOfWork, order_id: str) -> str:
    """The order's status as committed now; no transaction is left open (the webhook writes meanwhile)."""
    uow.rollback()
    status = uow.session.scalar(select(Order.status).where(Order.id == order_id))
    uow.rollback()
    return status


@click.command("pay")
@click.argument("number")
@click.option("--card", "payment_method", default=TEST_CARD, show_default=True,
              help="Stripe test PaymentMethod: pm_card_visa pays, pm_card_chargeCustomerFail is declined.")
@click.option("--wait", default=10.0, show_default=True,
              help="Seconds to wait for the webhook before reading the intent's events from Stripe.")
def pay_command(number: str, payment_method: str, wait: float) -> None:
    """Pay the order NUMBER with a Stripe test card (localstripe or a test key), as its buyer would."""
    order_id = db.session.scalar(select(Order.id).where(Order.number == number))
    try:
        if order_id is None:
            raise NotFound()
        gateway_ = services.gateway()
        if not isinstance(gateway_, DemoCardGateway):
            raise click.ClickException("the payment gateway cannot pay with a test card")
        result = pay_with_test_card(UnitOfWork(db.session), gateway_, order_id,
                                    token=access_token(order_id, current_app.config["SECRET_KEY"]),
                                    payment_method=payment_method, wait=wait)
    except DomainError as exc:
        reason = getattr(exc, "reason", None)
        raise click.ClickException(f"order {number}: {exc.code}" + (f" ({reason})" if reason else "")) from exc
    except GatewayError as exc:
        raise click.ClickException(f"order {number}: the payment provider refused: {exc}") from exc
    click.echo(f"order {number}: {result.order_status} (PaymentIntent {result.intent.id} {result.intent.status}; "
               f"events: {', '.join(result.applied) or 'none'})")
    if result.order_status == "pending_payment":
        raise SystemExit(1)
