"""A German and a Japanese buyer, signed in and as guests, from cart to confirmation, shipment notice and
return decision in their own language: the cart's locale is negotiated like every answer (issue 21)."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from fulfillment.shipments.models import Shipment
from shop.core.notifications.models import Notification
from shop.core.notifications.rendering import render
from shop.orders.models import Order
from shop.orders.tasks import order_paid
from tests.fulfillment.shipments.helpers import event, staff, warehouse, work
from tests.returns.helpers import ask_return, guest
from tests.shop.catalog.helpers import TEXTS
from tests.shop.checkout.helpers import ADDRESSES, make_item
from tests.shop.payments.stripe_fixtures import confirm_intent

BUYERS = {"de": ("EU", "Vielen Dank", "unterwegs"), "ja": ("JP", "ありがとうございます", "発送")}


@pytest.fixture
def hub(db_session):
    return warehouse(db_session)


def _cart(client, market: str, headers: dict, **query) -> dict:
    response = client.post("/api/v1/store/carts", json={"market": market, "email": "kunde@example.com"},
                           headers=headers, query_string=query)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "guest"])
@pytest.mark.parametrize("locale", sorted(BUYERS))
def test_a_buyer_goes_from_cart_to_return_decision_in_their_language(app, client, db_session, factory, stripe_on,
                                                                      hub, tmp_path, monkeypatch, locale,
                                                                      signed_in):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    market, thanks, shipped_word = BUYERS[locale]
    item = make_item(db_session, stock=5, warehouse=hub, locales=("ko", "en", locale))
    headers = (factory.headers(factory.user("customer", locale=locale)) if signed_in
               else {"Accept-Language": f"{locale},en;q=0.5"})

    cart = _cart(client, market, headers)
    assert cart["locale"] == locale
    cart_id = cart["id"]
    for method, path, body in (("post", "lines", {"variant_id": item.id, "quantity": 1}),
                               ("put", "shipping-address", ADDRESSES[market]),
                               ("put", "shipping-option", {"service": "ems"})):
        response = getattr(client, method)(f"/api/v1/store/carts/{cart_id}/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.json
    assert response.json["lines"][0]["name"] == TEXTS[locale][0]
    placed = client.post(f"/api/v1/store/carts/{cart_id}/checkout", headers={**headers, "Idempotency-Key":
                                                                          f"lang-{locale}-{signed_in}"})
    assert placed.status_code == 201, placed.json
    assert confirm_intent(stripe_on, placed.json["payment_intent_id"])["status"] == "succeeded"
    order = db_session.get(Order, placed.json["order"]["id"])
    assert order.locale == locale and order.lines[0].name == TEXTS[locale][0]
    order_id, line_id = order.id, order.lines[0].id

    # Paid: the confirmation goes out in the buyer's language.
    from shop.orders import services as orders
    orders.mark_paid(db_session, order)
    db_session.commit()
    with app.app_context():
        assert order_paid(order.id) == "done"
    (sent,) = Path(tmp_path).glob("*.eml")
    mail = BytesParser(policy=policy.default).parsebytes(sent.read_bytes())
    assert mail["Content-Language"] == locale
    assert thanks in mail.get_body(("plain",)).get_content() and "Thank you" not in mail.as_string()

    order = db_session.get(Order, order_id)

    # Shipped and delivered: the notices too.
    from fulfillment.shipments import tasks as shipment_tasks
    shipment_tasks.create_shipments(order.id)
    db_session.commit()
    ops = staff(factory)
    (parcel,) = db_session.scalars(select(Shipment).where(Shipment.order_id == order.id)).all()
    assert work(client, ops, parcel.id).status_code == 200
    from shop.core.db import utcnow
    assert event(client, ops, parcel.id, "delivered", utcnow()).status_code == 200

    # A change of mind: the decision speaks the buyer's language, on the API and in the e-mail.
    asked = ask_return(client, order, [(line_id, 1)])
    assert asked.status_code == 201, asked.json
    seen = client.get(f"/api/v1/store/orders/{order.id}/returns", headers=guest(order, **{"Accept-Language":
                                                                                          locale}))
    assert seen.headers["Content-Language"] == locale
    notices = {n.template: n for n in db_session.scalars(select(Notification).where(
        Notification.recipient == order.email))}
    assert {"shipment_shipped", "shipment_delivered"} <= set(notices)
    assert any(name.startswith("return_") for name in notices), sorted(notices)
    for notification in notices.values():
        assert notification.locale == locale
        message = render(notification.template, locale=notification.locale, context=notification.context)
        assert "Your " not in message.subject and "order" not in message.subject.lower(), message.subject
    assert shipped_word in render("shipment_shipped", locale=locale,
                                  context=notices["shipment_shipped"].context).subject


def test_the_cart_locale_follows_the_negotiation_order(client, db_session, factory):
    customer = factory.headers(factory.user("customer", locale="de"))
    assert _cart(client, "JP", {})["locale"] == "ja"  # the market's default
    assert _cart(client, "JP", customer)["locale"] == "de"  # the profile before the market
    assert _cart(client, "JP", {**customer, "Accept-Language": "fr"})["locale"] == "fr"  # the header first
    assert _cart(client, "JP", {"Accept-Language": "fr"}, lang="vi")["locale"] == "vi"  # ?lang= before all
    body = client.post("/api/v1/store/carts", json={"market": "JP", "locale": "zh-Hant"},
                       headers={"Accept-Language": "fr"})
    assert body.json["locale"] == "zh-Hant"  # a locale the body names


def test_a_cart_changes_its_locale_and_refuses_an_unsupported_one(client, db_session):
    cart = _cart(client, "EU", {"Accept-Language": "de"})
    changed = client.patch(f"/api/v1/store/carts/{cart['id']}", json={"locale": "fr"})
    assert changed.status_code == 200 and changed.json["locale"] == "fr"
    refused = client.patch(f"/api/v1/store/carts/{cart['id']}", json={"locale": "xx"},
                           headers={"Accept-Language": "de"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.headers["Content-Language"] == "de"
    assert client.get(f"/api/v1/store/carts/{cart['id']}").json["locale"] == "fr"
