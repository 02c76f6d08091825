"""Unpaid orders expire (stock released, PaymentIntent canceled); the paid job sends the confirmation."""
from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import requests
from sqlalchemy import select

from fulfillment.inventory.models import Reservation
from shop.core import notifications
from shop.core.db import utcnow
from shop.orders import tasks
from shop.orders.mail import CONFIRMATION, confirmation_context
from shop.orders.models import Order
from shop.payments import tasks as payment_tasks
from shop.payments.models import Payment
from tests.shop.checkout.helpers import checkout, intent_event, make_item, post_event, ready_cart
from tests.shop.payments.stripe_fixtures import SECRET_KEY, confirm_intent


def placed(client, db_session, market="US", locale=None):
    variant = make_item(db_session)
    cart = ready_cart(client, market, variant.id, locale=locale)
    body = checkout(client, cart["id"]).json
    order = db_session.get(Order, body["order"]["id"])
    return order, db_session.scalar(select(Payment).where(Payment.order_id == order.id))


def intent_status(base, intent_id):
    return requests.get(f"{base}/v1/payment_intents/{intent_id}", auth=(SECRET_KEY, ""), timeout=10).json()["status"]


def test_expired_unpaid_orders_are_canceled_with_their_payment_intents(client, db_session, stripe_on):
    expired, expired_payment = placed(client, db_session)
    fresh, _ = placed(client, db_session)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()

    assert payment_tasks.expire_unpaid_orders() == 1

    db_session.expire_all()
    assert expired.status == "canceled" and expired.cancel_reason == "expired"
    assert fresh.status == "pending_payment"
    assert db_session.scalar(select(Reservation).where(Reservation.reference == expired.id)).status == "released"
    assert intent_status(stripe_on, expired_payment.intent_id) == "canceled"
    assert payment_tasks.expire_unpaid_orders() == 0  # safe to run again


def test_an_expired_order_whose_payment_went_through_is_left_for_the_webhook(client, db_session, stripe_on):
    order, payment = placed(client, db_session)
    assert confirm_intent(stripe_on, payment.intent_id)["status"] == "succeeded"
    order.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()

    assert payment_tasks.expire_unpaid_orders() == 0

    db_session.expire_all()
    assert order.status == "pending_payment"
    assert post_event(client, intent_event("payment_intent.succeeded", payment.intent_id, order.total_minor,
                                           "usd")).json["outcome"] == "paid"


def test_order_paid_job_writes_the_confirmation_in_the_buyers_locale(client, db_session, stripe_on, app, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    order, payment = placed(client, db_session, market="JP", locale="ja")
    post_event(client, intent_event("payment_intent.succeeded", payment.intent_id, order.total_minor, "jpy"))

    assert tasks.order_paid(order.id) == "done"
    assert tasks.order_paid(order.id) == "done"  # a rerun sends nothing twice

    [mail] = list(tmp_path.glob("*.eml"))
    message = BytesParser(policy=policy.default).parse(mail.open("rb"))
    assert message["Content-Language"] == "ja" and message["To"] == order.email
    assert order.number in message["Subject"] and "ご注文" in message["Subject"]
    assert message.get_body(("plain",)).get_content().count(order.number) == 1
    assert message.get_body(("html",)).get_content().count(order.number) == 2  # <title> and the text
    assert order.confirmation_sent_at is not None


def test_confirmation_text_differs_by_locale(client, db_session, stripe_on, app):
    order, _ = placed(client, db_session, market="JP")
    subjects = {}
    for locale in ("en", "ja", "de"):
        order.locale = locale
        context = confirmation_context(order, storefront_url=None, secret_key=app.config["SECRET_KEY"])
        subjects[locale] = notifications.render(CONFIRMATION, locale=locale, context=context).subject

    assert len(set(subjects.values())) == 3
    assert all(order.number in subject for subject in subjects.values())
