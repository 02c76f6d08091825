"""The checkout use case as a service: its stages, with the provider called between transactions."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from fulfillment.inventory.models import Reservation
from shop.checkout.services.checkout import checkout
from shop.core.db import UnitOfWork
from shop.orders.models import Order
from shop.payments.errors import PaymentProviderUnavailable
from tests.shop.checkout.helpers import make_item, ready_cart


def cart_for(client, db_session) -> str:
    return ready_cart(client, "US", make_item(db_session).id)["id"]


def test_checkout_places_the_order_then_asks_for_the_intent_with_no_transaction_open(client, db_session,
                                                                                     fake_payments):
    cart_id, key = cart_for(client, db_session), os.urandom(8).hex()
    fake_payments.watch = db_session()

    result = checkout(UnitOfWork(db_session), fake_payments, cart_id, key=key)

    assert result.created and result.order.status == "pending_payment"
    assert result.payment.intent_id in fake_payments.intents
    assert fake_payments.calls == [("create_intent", False)]
    assert db_session.scalar(select(Reservation).where(Reservation.reference == result.order.id)).status == "active"


def test_the_same_key_returns_the_same_order_without_a_second_intent(client, db_session, fake_payments):
    cart_id, key = cart_for(client, db_session), os.urandom(8).hex()
    first = checkout(UnitOfWork(db_session), fake_payments, cart_id, key=key)

    again = checkout(UnitOfWork(db_session), fake_payments, cart_id, key=key)

    assert (again.order.id, again.created) == (first.order.id, False)
    assert again.payment.id == first.payment.id
    assert [name for name, _ in fake_payments.calls] == ["create_intent"]


def test_a_provider_outage_keeps_the_order_and_the_same_key_resumes(client, db_session, fake_payments):
    cart_id, key = cart_for(client, db_session), os.urandom(8).hex()
    fake_payments.down = True

    with pytest.raises(PaymentProviderUnavailable):
        checkout(UnitOfWork(db_session), fake_payments, cart_id, key=key)
    [order] = db_session.scalars(select(Order).where(Order.cart_id == cart_id)).all()
    assert order.status == "pending_payment"

    fake_payments.down = False
    resumed = checkout(UnitOfWork(db_session), fake_payments, cart_id, key=key)

    assert resumed.order.id == order.id and not resumed.created and resumed.payment is not None
