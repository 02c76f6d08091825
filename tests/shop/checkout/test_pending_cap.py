"""The cap on unpaid orders per buyer e-mail and per client address (stock cannot be locked up for free)."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fulfillment.inventory.models import StockLevel
from shop.core.db import utcnow
from shop.orders.models import Order
from shop.payments.models import Payment
from tests.shop.checkout.helpers import intent_event, make_item, post_event, ready_cart

LOCALES = ("ko", "en", "ja", "zh-Hans", "zh-Hant", "vi", "de", "fr")


def buy(client, variant_id, *, email="buyer@example.com", ip="192.0.2.1", key=None, lang=None):
    cart = ready_cart(client, "US", variant_id, email=email)
    url = f"/api/v1/store/carts/{cart['id']}/checkout" + (f"?lang={lang}" if lang else "")
    response = client.post(url, headers={"Idempotency-Key": key or os.urandom(8).hex()},
                           environ_base={"REMOTE_ADDR": ip})
    return cart["id"], response


def orders_of(db_session, cart_id):
    return db_session.scalars(select(Order).where(Order.cart_id == cart_id)).all()


def test_the_default_cap_is_three(app):
    assert app.config["CHECKOUT_MAX_PENDING_PER_BUYER"] == 3


def test_a_fourth_unpaid_order_for_one_email_is_429_and_reserves_nothing(client, db_session, stripe_on):
    item = make_item(db_session, stock=20)
    for n in range(3):
        _, response = buy(client, item.id, email="Same@Example.com", ip=f"192.0.2.{n + 10}")
        assert response.status_code == 201, response.json

    cart_id, response = buy(client, item.id, email="same@example.COM", ip="192.0.2.99")

    assert response.status_code == 429 and response.json["code"] == "too_many_pending_orders"
    assert response.mimetype == "application/problem+json"
    assert response.json["max_pending"] == 3
    assert 0 < response.json["retry_after"] <= app_ttl_seconds(client)
    assert orders_of(db_session, cart_id) == []
    db_session.expire_all()
    assert db_session.scalar(select(func.sum(StockLevel.reserved)).where(StockLevel.variant_id == item.id)) == 3


def app_ttl_seconds(client) -> int:
    return int(client.application.config["RESERVATION_TTL_MINUTES"]) * 60 + 1


def test_a_fourth_unpaid_order_from_one_address_is_429_whatever_the_email(client, db_session, stripe_on):
    item = make_item(db_session, stock=20)
    for n in range(3):
        assert buy(client, item.id, email=f"guest{n}@example.com", ip="203.0.113.7")[1].status_code == 201

    refused = buy(client, item.id, email="guest9@example.com", ip="203.0.113.7")[1]
    elsewhere = buy(client, item.id, email="guest9@example.com", ip="203.0.113.8")[1]

    assert refused.status_code == 429 and refused.json["code"] == "too_many_pending_orders"
    assert elsewhere.status_code == 201


def test_ipv6_addresses_of_one_64_network_count_together(client, db_session, stripe_on):
    item = make_item(db_session, stock=20)
    for n in range(3):
        assert buy(client, item.id, email=f"v6-{n}@example.com", ip=f"2001:db8:1:2::{n + 1}")[1].status_code == 201

    same_network = buy(client, item.id, email="v6-9@example.com", ip="2001:db8:1:2:ffff::9")[1]
    other_network = buy(client, item.id, email="v6-9@example.com", ip="2001:db8:1:3::1")[1]

    assert same_network.status_code == 429
    assert other_network.status_code == 201
    assert db_session.scalar(select(Order.client_ip).where(Order.email == "v6-0@example.com")) == \
        "2001:db8:1:2::/64"


def test_paid_canceled_or_expired_orders_do_not_count(client, db_session, stripe_on):
    item = make_item(db_session, stock=20)
    placed = [buy(client, item.id, ip="198.51.100.1")[1].json for _ in range(3)]
    assert buy(client, item.id, ip="198.51.100.1")[1].status_code == 429

    first, second, third = (db_session.get(Order, body["order"]["id"]) for body in placed)
    intent = db_session.scalar(select(Payment.intent_id).where(Payment.order_id == first.id))
    assert post_event(client, intent_event("payment_intent.succeeded", intent, first.total_minor,
                                           "usd")).json["outcome"] == "paid"
    assert buy(client, item.id, ip="198.51.100.1")[1].status_code == 201  # paid: a slot is free again

    intent = db_session.scalar(select(Payment.intent_id).where(Payment.order_id == second.id))
    assert post_event(client, intent_event("payment_intent.canceled", intent, second.total_minor,
                                           "usd")).json["outcome"] == "canceled"
    assert buy(client, item.id, ip="198.51.100.1")[1].status_code == 201  # canceled: free again

    db_session.expire_all()
    third = db_session.get(Order, third.id)
    third.expires_at = utcnow() - timedelta(minutes=1)  # expired, waiting for the expiry job
    db_session.commit()
    assert buy(client, item.id, ip="198.51.100.1")[1].status_code == 201


def test_repeating_a_key_at_the_cap_still_returns_its_order(client, db_session, stripe_on):
    item = make_item(db_session, stock=20)
    carts = [buy(client, item.id, key=f"cap-key-{n}") for n in range(3)]
    cart_id, first = carts[-1]

    again = client.post(f"/api/v1/store/carts/{cart_id}/checkout", headers={"Idempotency-Key": "cap-key-2"},
                        environ_base={"REMOTE_ADDR": "192.0.2.1"})

    assert again.status_code == 200 and again.json["order"]["id"] == first.json["order"]["id"]


def test_the_cap_is_configurable_and_zero_turns_it_off(client, db_session, stripe_on, app, monkeypatch):
    item = make_item(db_session, stock=20)
    monkeypatch.setitem(app.config, "CHECKOUT_MAX_PENDING_PER_BUYER", 1)
    assert buy(client, item.id)[1].status_code == 201
    assert buy(client, item.id)[1].status_code == 429

    monkeypatch.setitem(app.config, "CHECKOUT_MAX_PENDING_PER_BUYER", 0)
    assert buy(client, item.id)[1].status_code == 201


@pytest.mark.parametrize("lang", LOCALES)
def test_the_429_problem_is_translated(client, db_session, stripe_on, app, monkeypatch, lang):
    item = make_item(db_session, stock=5)
    monkeypatch.setitem(app.config, "CHECKOUT_MAX_PENDING_PER_BUYER", 1)
    assert buy(client, item.id)[1].status_code == 201

    response = buy(client, item.id, lang=lang)[1]

    assert response.status_code == 429 and response.json["code"] == "too_many_pending_orders"
    assert response.headers["Content-Language"] == lang
    english = ("Too many orders are waiting for payment.",
               "Pay for an open order or wait until one expires. Unpaid orders allowed at a time: 1.")
    if lang == "en":
        assert (response.json["title"], response.json["detail"]) == english
    else:
        assert response.json["title"] != english[0] and response.json["detail"] != english[1]
        assert "1" in response.json["detail"]
