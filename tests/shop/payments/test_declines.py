"""A declined card leaves the order payable: the reason shown translated, a retry of the same intent, expiry.

Declines are real where localstripe can make them: the declining card, and the signed
event localstripe itself produced for the webhook.
"""
from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from fulfillment.inventory.models import Reservation
from shop.checkout.models import Cart
from shop.core.db import UnitOfWork, utcnow
from shop.orders.models import Order
from shop.orders.services import access_token
from shop.payments import services, tasks
from shop.payments.failures import failure_text
from shop.payments.models import Payment, PaymentAlert, StripeEvent
from shop.payments.stripe import WebhookEvent
from tests.shop.checkout.helpers import checkout, intent_event, make_item, post_event, ready_cart
from tests.shop.payments.stripe_fixtures import (
    DECLINING_CARD,
    SECRET_KEY,
    confirm_intent,
    retry_intent,
    stripe_event,
)

FAILED, SUCCEEDED = "payment_intent.payment_failed", "payment_intent.succeeded"


def placed(client, db_session, headers=None):
    body = checkout(client, ready_cart(client, "US", make_item(db_session).id, headers=headers)["id"],
                    headers=headers).json
    order = db_session.get(Order, body["order"]["id"])
    return order, db_session.scalar(select(Payment).where(Payment.order_id == order.id)), body


def decline_on_localstripe(client, base, intent_id) -> dict:
    """The buyer's card is declined at localstripe; its payment_failed event reaches the webhook."""
    answer = confirm_intent(base, intent_id, DECLINING_CARD)
    assert answer["error"]["code"] == "card_declined"
    event = stripe_event(base, intent_id, FAILED)
    response = post_event(client, event)
    assert response.status_code == 200 and response.json["outcome"] == "failed"
    return event


def declined_event(payment: Payment, code: str = "card_declined", decline_code: str | None = None,
                   created: int = 0, message: str = "Your card was declined.") -> WebhookEvent:
    error = {"code": code, "message": message, **({"decline_code": decline_code} if decline_code else {})}
    return WebhookEvent(id=f"evt_{os.urandom(6).hex()}", type=FAILED, created=created, object={
        "id": payment.intent_id, "object": "payment_intent", "amount": payment.amount_minor, "amount_received": 0,
        "currency": payment.currency.lower(), "last_payment_error": error})


def reservation_status(db_session, order) -> str:
    db_session.expire_all()
    return db_session.scalar(select(Reservation.status).where(Reservation.reference == order.id))


def intent_status(base, intent_id) -> str:
    return requests.get(f"{base}/v1/payment_intents/{intent_id}", auth=(SECRET_KEY, ""), timeout=10).json()["status"]


def pay_url(order) -> str:
    return f"/api/v1/store/orders/{order.id}/payment"


def test_a_declined_card_leaves_the_order_pending_and_says_why_in_the_buyers_language(client, db_session,
                                                                                    stripe_on):
    order, payment, body = placed(client, db_session)

    event = decline_on_localstripe(client, stripe_on, payment.intent_id)

    assert event["data"]["object"]["last_payment_error"]["code"] == "card_declined"  # what localstripe sends
    db_session.expire_all()
    assert order.status == "pending_payment" and order.canceled_at is None
    assert reservation_status(db_session, order) == "active"
    assert db_session.get(Cart, order.cart_id).status == "checked_out"
    assert payment.status == "failed" and payment.failure_code == "card_declined"
    assert payment.failure_message == "Your card was declined."  # Stripe's own text, kept for ops
    assert intent_status(stripe_on, payment.intent_id) == "requires_payment_method"  # not canceled: retryable
    token = {"X-Order-Token": body["access_token"]}
    seen = {}
    for lang in ("en", "ja", "de"):
        view = client.get(f"/api/v1/store/orders/{order.id}?lang={lang}", headers=token).json
        assert view["status"] == "pending_payment" and view["payment"]["status"] == "failed"
        assert view["payment"]["failure"]["code"] == "card_declined"
        seen[lang] = view["payment"]["failure"]["message"]
    assert seen["en"] == "Your card was declined. Use another card, or contact your card issuer."
    assert seen["ja"] != seen["en"] and seen["de"] != seen["en"] and seen["ja"] != seen["de"]


def test_a_decline_then_a_success_on_the_same_intent_pays_the_order_without_an_alert(client, db_session,
                                                                                   stripe_on):
    order, payment, body = placed(client, db_session)
    decline_on_localstripe(client, stripe_on, payment.intent_id)
    again = client.post(pay_url(order), headers={"X-Order-Token": body["access_token"]}).json
    assert again["client_secret"] == body["client_secret"]  # the same intent, confirmed again

    assert retry_intent(stripe_on, payment.intent_id, "pm_card_visa")["status"] == "succeeded"
    response = post_event(client, stripe_event(stripe_on, payment.intent_id, SUCCEEDED))

    assert response.json["outcome"] == "paid"
    db_session.expire_all()
    assert order.status == "paid" and payment.status == "succeeded" and payment.captured_minor == order.total_minor
    assert reservation_status(db_session, order) == "allocated"
    assert db_session.scalar(select(func.count()).select_from(PaymentAlert)
                             .where(PaymentAlert.order_id == order.id)) == 0
    view = client.get(f"/api/v1/store/orders/{order.id}", headers={"X-Order-Token": body["access_token"]}).json
    assert view["payment"]["status"] == "succeeded" and view["payment"]["failure"] is None


def test_a_decline_then_the_expiry_cancels_the_order_its_stock_and_its_intent(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    decline_on_localstripe(client, stripe_on, payment.intent_id)
    order.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()

    assert tasks.expire_unpaid_orders() == 1

    db_session.expire_all()
    assert order.status == "canceled" and order.cancel_reason == "expired"
    assert reservation_status(db_session, order) == "released"
    assert db_session.get(Cart, order.cart_id).status == "open"
    assert intent_status(stripe_on, payment.intent_id) == "canceled"
    assert payment.status == "canceled" and payment.failure_code == "card_declined"  # the reason stays on record


def test_decline_codes_read_as_translated_sentences_with_a_fallback(app):
    with app.test_request_context("/?lang=fr"):
        assert failure_text("insufficient_funds") != "Your card has insufficient funds. Use another card."
        # lost or stolen cards read as a plain decline (Stripe's advice: tell the holder nothing more)
        assert failure_text("lost_card") == failure_text("stolen_card") == failure_text("generic_decline")
        assert failure_text("no_such_code") == failure_text(None) != failure_text("card_declined")
        assert failure_text(None) != "The payment did not go through. Try again, or use another card."
    with app.test_request_context("/?lang=en"):
        assert failure_text("expired_card") == "Your card has expired. Use another card."


def test_the_decline_code_is_preferred_and_an_older_failure_does_not_overwrite_a_newer(client, db_session,
                                                                                     fake_payments):
    order, payment, _ = placed(client, db_session)

    newer = declined_event(payment, decline_code="insufficient_funds", created=2_000_000_000)
    older = declined_event(payment, code="expired_card", created=1_900_000_000)
    assert services.handle_event(db_session, newer) == "failed"
    assert services.handle_event(db_session, older) == "stale"

    assert payment.failure_code == "insufficient_funds"
    assert order.status == "pending_payment"


def test_a_failure_without_details_still_shows_a_fallback(client, db_session, stripe_on):
    order, payment, body = placed(client, db_session)

    assert post_event(client, intent_event(FAILED, payment.intent_id, order.total_minor, "usd")).json["outcome"] \
        == "failed"

    answer = client.post(pay_url(order), headers={"X-Order-Token": body["access_token"]}).json
    assert answer["status"] == "failed"
    assert answer["failure"] == {"code": None,
                                 "message": "The payment did not go through. Try again, or use another card."}


def test_the_owner_gets_the_client_secret_again_with_the_failure_translated(client, db_session, factory, stripe_on):
    owner = factory.user()
    headers = factory.headers(owner)
    order, payment, body = placed(client, db_session, headers=headers)
    services.handle_event(db_session, declined_event(payment, decline_code="insufficient_funds"))
    db_session.commit()

    english = client.post(pay_url(order), headers=headers)
    japanese = client.post(f"{pay_url(order)}?lang=ja", headers=headers)

    assert english.status_code == 200
    assert english.json == {
        "order_id": order.id, "order_status": "pending_payment", "expires_at": english.json["expires_at"],
        "payment_intent_id": payment.intent_id, "client_secret": body["client_secret"], "status": "failed",
        "failure": {"code": "insufficient_funds", "message": "Your card has insufficient funds. Use another card."}}
    assert japanese.status_code == 200 and japanese.headers["Content-Language"] == "ja"
    assert japanese.json["failure"]["code"] == "insufficient_funds"
    assert japanese.json["failure"]["message"] != english.json["failure"]["message"]
    db_session.expire_all()
    assert order.status == "pending_payment"  # asking again changes nothing


def test_a_guest_with_the_order_token_gets_the_client_secret(client, db_session, stripe_on):
    order, payment, body = placed(client, db_session)

    response = client.post(pay_url(order), headers={"X-Order-Token": body["access_token"]})

    assert response.status_code == 200
    assert response.json["client_secret"] == body["client_secret"] == payment.client_secret
    assert response.json["status"] == "requires_payment" and response.json["failure"] is None


def test_anyone_else_gets_a_404(client, db_session, factory, stripe_on):
    order, _, body = placed(client, db_session, headers=factory.headers(factory.user()))
    guest_order, _, guest_body = placed(client, db_session)
    wrong = guest_body["access_token"][:-1] + ("1" if guest_body["access_token"][-1] == "0" else "0")

    answers = [
        client.post(pay_url(order), headers=factory.headers(factory.user())),  # another customer
        client.post(pay_url(order)),  # nobody
        client.post(pay_url(order), headers={"X-Order-Token": guest_body["access_token"]}),  # another order's token
        client.post(pay_url(guest_order), headers={"X-Order-Token": wrong}),
        client.post(pay_url(guest_order), headers={"X-Order-Token": "\u00e9"}),
        client.post(pay_url(guest_order), headers=factory.headers(factory.user())),
        client.post("/api/v1/store/orders/ord_nope/payment", headers={"X-Order-Token": body["access_token"]}),
    ]

    for response in answers:
        assert response.status_code == 404 and response.json["code"] == "not_found", response.json
        assert "client_secret" not in response.json


@pytest.mark.parametrize("end, reason", [("paid", "paid"), ("canceled", "canceled"), ("expired", "expired")])
def test_an_order_that_is_no_longer_payable_is_a_409(client, db_session, stripe_on, end, reason):
    order, payment, body = placed(client, db_session)
    if end == "paid":
        post_event(client, intent_event(SUCCEEDED, payment.intent_id, order.total_minor, "usd"))
    elif end == "canceled":
        post_event(client, intent_event("payment_intent.canceled", payment.intent_id, order.total_minor, "usd"))
    else:  # past its reservation, not yet canceled by the expiry job
        order.expires_at = utcnow() - timedelta(seconds=1)
        db_session.commit()
    token = {"X-Order-Token": body["access_token"]}

    english = client.post(pay_url(order), headers=token)
    german = client.post(f"{pay_url(order)}?lang=de", headers=token)

    for response in (english, german):
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert response.json["code"] == "order_not_payable" and response.json["reason"] == reason
        assert "client_secret" not in response.json
    assert english.json["title"] == "This order can no longer be paid."
    assert german.json["title"] != english.json["title"]


def test_an_order_whose_intent_was_never_recorded_gets_it_now(client, db_session, fake_payments):
    cart_id = ready_cart(client, "US", make_item(db_session).id)["id"]
    fake_payments.down = True
    assert checkout(client, cart_id, key="resume-key").status_code == 503
    order = db_session.scalar(select(Order).where(Order.cart_id == cart_id))
    headers = {"X-Order-Token": access_token(order.id, client.application.config["SECRET_KEY"])}
    assert client.post(pay_url(order), headers=headers).json["code"] == "payment_provider_unavailable"

    fake_payments.down = False
    answer = client.post(pay_url(order), headers=headers)
    resumed = checkout(client, cart_id, key="resume-key")

    assert answer.status_code == 200 and answer.json["client_secret"]
    assert resumed.json["payment_intent_id"] == answer.json["payment_intent_id"]  # one intent for the order
    assert len(fake_payments.intents) == 1


def test_resume_payment_calls_the_provider_with_no_transaction_open(client, db_session, fake_payments):
    cart_id = ready_cart(client, "US", make_item(db_session).id)["id"]
    fake_payments.down = True
    checkout(client, cart_id)
    order = db_session.scalar(select(Order).where(Order.cart_id == cart_id))
    fake_payments.down, fake_payments.calls = False, []
    fake_payments.watch = db_session()

    result = services.resume_payment(UnitOfWork(db_session), fake_payments, order.id,
                                     token=access_token(order.id, client.application.config["SECRET_KEY"]))

    assert result.payment.intent_id in fake_payments.intents
    assert fake_payments.calls == [("create_intent", False)]


def test_a_malformed_last_payment_error_in_a_signed_payload_is_400(client, db_session, stripe_on):
    order, payment, _ = placed(client, db_session)
    good = intent_event(FAILED, payment.intent_id, order.total_minor, "usd", event_id="evt_lpe")
    bad_errors = ["declined", [1], 7, {"code": 7}, {"code": True}, {"decline_code": ["insufficient_funds"]},
                  {"message": {"text": "no"}}, {"code": "card_declined", "message": 1.5}]

    for error in bad_errors:
        event = json.loads(json.dumps(good))
        event["data"]["object"]["last_payment_error"] = error
        response = post_event(client, event)
        assert response.status_code == 400, (error, response.json)
        assert response.json["code"] == "invalid_webhook_payload"

    db_session.expire_all()
    assert db_session.get(StripeEvent, "evt_lpe") is None and payment.failed_at is None
    good["data"]["object"]["last_payment_error"] = {"code": "card_declined", "decline_code": None, "message": None,
                                                    "charge": "ch_1", "type": "card_error"}
    assert post_event(client, good).json["outcome"] == "failed"


def test_the_endpoint_is_in_the_openapi_document(client, db_session):
    spec = client.get("/api/v1/openapi.json").json

    operation = spec["paths"]["/api/v1/store/orders/{order_id}/payment"]["post"]
    assert {"200", "404", "409"} <= set(operation["responses"])
    assert "X-Order-Token" in [p["name"] for p in operation.get("parameters", [])]
    schema = spec["components"]["schemas"]["OrderPayment"]
    assert {"client_secret", "status", "failure", "payment_intent_id"} <= set(schema["properties"])
