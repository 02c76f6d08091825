"""Browse → cart → quote → checkout → PaymentIntent confirmed on localstripe → its webhook → order paid
(also after a declined card, on the same intent).

The app runs for real on a loopback port (werkzeug, a committed database) so that
localstripe's signed webhook reaches it over HTTP.
"""
from __future__ import annotations

import threading
import time

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from fulfillment.inventory.models import Reservation
from shop.core.jobs.models import OutboxMessage
from shop.payments.models import PaymentAlert
from tests.shop.checkout.helpers import ADDRESSES, make_item
from tests.shop.payments.stripe_fixtures import confirm_intent, free_port, register_webhook, retry_intent


@pytest.fixture
def live_app(app, committed_db, stripe_on):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    register_webhook(stripe_on, f"http://127.0.0.1:{port}/api/v1/payments/stripe/webhook")
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


def wait_for_status(base, order_id, token, wanted, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        order = requests.get(f"{base}/api/v1/store/orders/{order_id}", headers={"X-Order-Token": token},
                             timeout=10).json()
        if order["status"] == wanted or time.monotonic() > deadline:
            return order
        time.sleep(0.2)


def buy(base, variant_id, product_id, *, market="US", quantity=2):
    http = requests.Session()
    products = http.get(f"{base}/api/v1/store/products", params={"market": market, "lang": "en"}, timeout=10).json()
    listed = next(p for p in products["items"] if p["id"] == product_id)
    detail = http.get(f"{base}/api/v1/store/products/{listed['slug']}", params={"market": market}, timeout=10).json()
    assert variant_id in [v["id"] for v in detail["variants"]]
    cart = http.post(f"{base}/api/v1/store/carts", json={"market": market, "email": "e2e@example.com"},
                     timeout=10).json()
    url = f"{base}/api/v1/store/carts/{cart['id']}"
    assert http.post(f"{url}/lines", json={"variant_id": variant_id, "quantity": quantity}, timeout=10).ok
    assert http.put(f"{url}/shipping-address", json=ADDRESSES[market], timeout=10).ok
    quote = http.get(f"{url}/quote", timeout=10).json()
    cheapest = quote["shipping_options"][0]["service"]
    cart = http.put(f"{url}/shipping-option", json={"service": cheapest}, timeout=10).json()
    assert cart["quote"]["missing"] == []
    response = http.post(f"{url}/checkout", headers={"Idempotency-Key": f"e2e-{cart['id']}"}, timeout=30)
    assert response.status_code == 201, response.text
    return cart, response.json()


@pytest.mark.live
def test_browse_to_paid_through_localstripe_and_its_webhook(live_app, committed_db, stripe_on):
    variant = make_item(committed_db, stock=4, price_krw=38000)
    variant_id, product_id = variant.id, variant.product_id
    committed_db.remove()

    cart, result = buy(live_app, variant_id, product_id)
    order = result["order"]
    assert order["status"] == "pending_payment"
    assert order["total"] == cart["quote"]["total"]

    intent = confirm_intent(stripe_on, result["payment_intent_id"], "pm_card_visa")
    assert intent["status"] == "succeeded"

    paid = wait_for_status(live_app, order["id"], result["access_token"], "paid")
    assert paid["status"] == "paid" and paid["payment"]["status"] == "succeeded"
    committed_db.remove()
    reservation = committed_db.scalar(select(Reservation).where(Reservation.reference == order["id"]))
    assert reservation.status == "allocated"
    assert committed_db.scalar(select(OutboxMessage).where(OutboxMessage.job == "shop.orders.tasks.order_paid"))


@pytest.mark.live
def test_a_declined_card_keeps_the_order_and_another_card_pays_it(live_app, committed_db, stripe_on):
    """Both of localstripe's webhooks (the decline, then the success on the same intent) reach the app."""
    variant = make_item(committed_db, stock=2)
    variant_id, product_id = variant.id, variant.product_id
    committed_db.remove()

    _, result = buy(live_app, variant_id, product_id, quantity=2)
    intent = confirm_intent(stripe_on, result["payment_intent_id"], "pm_card_chargeCustomerFail")
    assert intent.get("status") != "succeeded"

    order = wait_for_failure(live_app, result["order"]["id"], result["access_token"])
    assert order["status"] == "pending_payment" and order["cancel_reason"] is None
    assert order["payment"]["failure"]["code"] == "card_declined"
    committed_db.remove()
    reservation = committed_db.scalar(select(Reservation).where(Reservation.reference == order["id"]))
    assert reservation.status == "active"
    committed_db.remove()
    again = requests.post(f"{live_app}/api/v1/store/orders/{order['id']}/payment",
                          headers={"X-Order-Token": result["access_token"]}, timeout=10)
    assert again.status_code == 200 and again.json()["client_secret"] == result["client_secret"]

    assert retry_intent(stripe_on, result["payment_intent_id"], "pm_card_visa")["status"] == "succeeded"

    paid = wait_for_status(live_app, order["id"], result["access_token"], "paid")
    assert paid["status"] == "paid" and paid["payment"]["status"] == "succeeded"
    committed_db.remove()
    reservation = committed_db.scalar(select(Reservation).where(Reservation.reference == order["id"]))
    assert reservation.status == "allocated"
    assert committed_db.scalar(select(PaymentAlert).where(PaymentAlert.order_id == order["id"])) is None


def wait_for_failure(base, order_id, token, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        order = requests.get(f"{base}/api/v1/store/orders/{order_id}", headers={"X-Order-Token": token},
                             timeout=10).json()
        if (order.get("payment") or {}).get("failure") or time.monotonic() > deadline:
            return order
        time.sleep(0.2)
