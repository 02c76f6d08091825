"""Each warranty step tells the buyer, in the order's language: accepted, received, repaired and on its
way back, replaced, refused (with the reasons), refunded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.core.notifications.models import Notification
from shop.core.notifications.rendering import render
from tests.fulfillment.shipments.helpers import staff, warehouse
from tests.returns.helpers import delivered_order, guest
from tests.shop.catalog.helpers import certify
from tests.shop.checkout.helpers import make_item


@pytest.fixture
def hub(db_session):
    return warehouse(db_session)


def german_claim(client, session, stripe_on, hub, *, days_ago=200):
    item = make_item(session, stock=5, warehouse=hub, category="electronics", hs_code="851830")
    certify(session, item.product, "CE", "EU")
    certify(session, item.product, "GPSR", "EU", business=True)
    order = delivered_order(client, session, stripe_on, [(item, 1)], market="EU", days_ago=days_ago, locale="de")
    response = client.post(f"/api/v1/store/orders/{order.id}/warranty-claims",
                           json={"order_line_id": order.lines[0].id, "description": "lädt nicht mehr"},
                           headers=guest(order))
    assert response.status_code == 201, response.json
    return order, response.json


def mails(session, order) -> dict[str, Notification]:
    return {n.template: n for n in session.scalars(select(Notification).where(Notification.recipient == order.email))}


def rendered(app, notification):
    return render(notification.template, locale=notification.locale, context=notification.context)


def test_a_repair_tells_the_buyer_each_step_in_their_language(app, client, db_session, factory, stripe_on, hub):
    ops = staff(factory)
    order, case = german_claim(client, db_session, stripe_on, hub)
    assert client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "repair"},
                       headers=ops).status_code == 200
    line = case["lines"][0]["id"]
    assert client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {line: 1}},
                       headers=ops).status_code == 200
    assert client.post(f"/api/v1/admin/returns/{case['id']}/repair/start", headers=ops).status_code == 200
    assert client.post(f"/api/v1/admin/returns/{case['id']}/repair/done", json={}, headers=ops).status_code == 200
    back = client.post(f"/api/v1/admin/returns/{case['id']}/ship-back", json={}, headers=ops)
    assert back.status_code == 200, back.json

    sent = mails(db_session, order)
    assert {"return_approved", "return_received", "return_repaired"} <= set(sent)
    approved = rendered(app, sent["return_approved"])
    assert approved.subject == f"Ihr Garantieanspruch {case['number']} ist angenommen"
    received = rendered(app, sent["return_received"])
    assert "Reparatur" in received.text and "Erstattung" not in received.text
    repaired = rendered(app, sent["return_repaired"])
    assert repaired.subject == f"Ihr Artikel aus dem Garantieanspruch {case['number']} ist repariert"
    assert "Sendungsnummer" in repaired.text and "kostenlos" in repaired.text
    for message in (approved, received, repaired):
        assert "return" not in message.subject.lower() and "warranty" not in message.text.lower()


def test_a_replacement_and_a_refusal_are_told(app, client, db_session, factory, stripe_on, hub):
    ops = staff(factory)
    order, case = german_claim(client, db_session, stripe_on, hub)
    replaced = client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "replace"}, headers=ops)
    assert replaced.status_code == 200 and replaced.json["status"] == "closed"
    message = rendered(app, mails(db_session, order)["return_replaced"])
    assert message.subject == f"Ein Ersatz für den Garantieanspruch {case['number']} ist unterwegs"

    late_order, late = german_claim(client, db_session, stripe_on, hub, days_ago=3000)
    assert late["status"] == "rejected"
    refusal = rendered(app, mails(db_session, late_order)["return_rejected"])
    assert refusal.subject == f"Ihr Garantieanspruch {late['number']} kann nicht angenommen werden"
    assert "Rückgabefrist" not in refusal.text  # the return-period hint is for returns, not claims
    assert "Angewandte Regeln: die EU-Warenkaufrichtlinie (2019/771)." in refusal.text  # the law, in words


@pytest.mark.parametrize("locale", ["ko", "ja", "zh_Hans", "zh_Hant", "vi", "de", "fr"])
def test_every_markets_law_has_words_in_every_locale(app, locale):
    from flask_babel import force_locale

    from returns.policy import explain, policy_data

    laws = policy_data()["laws"]["markets"]
    found = 0
    for market, entry in laws.items():
        for kind in ("returns", "warranty"):
            if kind in entry:
                assert entry[kind] in explain.LAWS
                with app.test_request_context():
                    with force_locale("en"):
                        (english,) = explain.law_names(market, kind)
                    with force_locale(locale):
                        (name,) = explain.law_names(market, kind)
                assert name and name != english, (market, kind)
                found += 1
    assert found >= 15 and explain.law_names("XX", "returns") == []
