"""On the demo data, over HTTP: the Japanese buyer's electric kettle breaks and goes for repair.

claim → label → sent → received → repairing → repaired → shipped back → delivered → closed, each
e-mail to the buyer in Japanese, the costs on the seller's ledger (issue 20's "done when").
"""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from fulfillment.shipments.demo import JP_BUYER, KEY_PREFIX
from returns.cases import queues, repairs
from shop.accounts.demo import DEMO_PASSWORD
from shop.checkout.models import CheckoutKey
from shop.core.db import utcnow
from shop.core.notifications.models import Notification
from shop.core.notifications.rendering import render
from shop.orders.models import Order
from tests.fulfillment.shipments.helpers import work

KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(your|the|order|return|warranty|repair|claim|thank)\b", re.IGNORECASE)


def sign_in(client, email: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_the_demo_kettle_is_repaired_and_every_step_is_told_in_japanese(app, client, db_session):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    order = db_session.scalar(select(Order).join(CheckoutKey, CheckoutKey.order_id == Order.id)
                              .where(CheckoutKey.key == KEY_PREFIX + "kettle_jp"))
    assert order is not None and order.delivered_at is not None
    assert order.market_code == "JP" and order.locale == "ja" and order.email == JP_BUYER
    # As under `.ci/up`, where the scheduler has run: the kettle's return window is over, the order completed.
    assert queues.complete_orders(db_session) >= 1
    db_session.query(Notification).delete()
    db_session.commit()
    assert db_session.get(Order, order.id).status == "completed"

    buyer, ops = sign_in(client, JP_BUYER), sign_in(client, "ops@dari.local")
    seen = client.get(f"/api/v1/store/orders/{order.id}", headers=buyer)
    assert seen.status_code == 200 and seen.json["lines"][0]["name"].endswith("電気ケトル")

    claim = client.post(f"/api/v1/store/orders/{order.id}/warranty-claims",
                        json={"order_line_id": order.lines[0].id, "description": "スイッチが入らなくなりました"},
                        headers=buyer)
    assert claim.status_code == 201 and claim.json["status"] == "approved", claim.json  # a defect under guarantee
    case, line = claim.json["id"], claim.json["lines"][0]["id"]
    resolved = client.post(f"/api/v1/admin/returns/{case}/resolve", json={"remedy": "repair"}, headers=ops)
    assert resolved.status_code == 200 and resolved.json["status"] == "approved", resolved.json
    assert resolved.json["return_shipping_payer"] == "seller"

    label = client.post(f"/api/v1/admin/returns/{case}/label", json={"cost_minor": 1800}, headers=ops)
    assert label.status_code == 201, label.json
    pdf = client.get(label.json["label"]["url"], headers=buyer)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert label.json["label"]["tracking_number"] in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()

    steps = [("post", f"/api/v1/store/orders/{order.id}/returns/{case}/shipped", None, buyer, "in_transit"),
             ("post", f"/api/v1/admin/returns/{case}/receive", {"lines": {line: 1}}, ops, "received"),
             ("post", f"/api/v1/admin/returns/{case}/repair/start", None, ops, "repairing"),
             ("post", f"/api/v1/admin/returns/{case}/repair/done", {"repair_cost_minor": 3500}, ops, "repaired"),
             ("post", f"/api/v1/admin/returns/{case}/ship-back", {"shipping_minor": 2200}, ops, "shipped_back")]
    for method, url, body, headers, status in steps:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 200 and response.json["status"] == status, (url, response.json)
    parcel = response.json["repair"]["shipment"]["id"]
    assert work(client, ops, parcel).status_code == 200
    delivered = client.post(f"/api/v1/admin/shipments/{parcel}/events",
                            json={"type": "delivered", "occurred_at": utcnow().isoformat(), "location": "Tokyo, JP"},
                            headers=ops)
    assert delivered.status_code == 200, delivered.json
    assert repairs.settle_repairs(db_session)["closed"] == 1
    db_session.commit()

    view = client.get(f"/api/v1/store/orders/{order.id}/returns", headers=buyer).json[0]
    assert view["status"] == "closed" and view["repair"]["shipment"]["delivered_at"]

    # Each step was told, in Japanese, with nothing left in English.
    sent = db_session.scalars(select(Notification).where(Notification.recipient == JP_BUYER)
                              .order_by(Notification.created_at)).all()
    templates = [n.template for n in sent]
    assert templates == ["return_approved", "return_label", "return_received", "return_repaired",
                         "shipment_shipped", "shipment_delivered"], templates
    for notification in sent:
        assert notification.locale == "ja", notification.template
        message = render(notification.template, locale=notification.locale, context=notification.context)
        assert KANA_OR_KANJI.search(message.subject), (notification.template, message.subject)
        assert not ENGLISH_WORDS.search(message.subject + "\n" + message.text), (notification.template, message.text)
        if notification.template.startswith("shipment_"):  # the parcel back names the buyer's own kettle
            assert "ブラック電気ケトル" in message.text, message.text
    label_mail = render("return_label", locale="ja", context=sent[1].context)
    assert label.json["label"]["tracking_number"] in label_mail.text and "返送料は支払い済み" in label_mail.text

    # The seller pays for the label, the repair and the parcel back, and sees it on its ledger.
    owner = sign_in(client, "owner@pangyo.example.kr")
    ledger = client.get("/api/v1/seller/returns/costs", headers=owner)
    assert ledger.status_code == 200, ledger.json
    assert {(row["kind"], row["bearer"], row["amount_minor"], row["cases"]) for row in ledger.json["items"]} == {
        ("return_label", "seller", 1800, 1), ("repair", "seller", 3500, 1), ("repair_shipping", "seller", 2200, 1)}
