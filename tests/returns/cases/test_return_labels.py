"""Prepaid return labels: issued by ops where the seller pays, downloaded by the buyer, costed to the bearer."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from returns.cases.models import ReturnCost, ReturnLabel
from tests.fulfillment.shipments.helpers import staff, warehouse
from tests.returns.helpers import ask_return, delivered_order, guest
from tests.shop.checkout.helpers import make_item, make_seller


@pytest.fixture
def hub(db_session):
    return warehouse(db_session)


def _defective_return(client, db_session, stripe_on, hub, seller=None):
    item = make_item(db_session, seller or make_seller(db_session), stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=3)
    case = ask_return(client, order, [(order.lines[0].id, 1)], "defective",
                      photos=["https://x.example/broken.jpg"])
    assert case.status_code == 201 and case.json["status"] == "approved", case.json
    assert case.json["return_shipping_payer"] == "seller"
    return order, case.json


def _labels(session) -> int:
    return session.scalar(select(func.count()).select_from(ReturnLabel))


def test_a_defective_return_gets_a_label_the_buyer_prints_and_the_seller_pays(client, db_session, factory,
                                                                              stripe_on, hub):
    seller = make_seller(db_session)
    order, case = _defective_return(client, db_session, stripe_on, hub, seller)
    ops = staff(factory)

    issued = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1450},
                         headers={**ops, "Idempotency-Key": "label-0001"})
    assert issued.status_code == 201, issued.json
    label = issued.json["label"]
    assert label["carrier"] == "korea_post" and label["tracking_number"].startswith("RR")
    assert label["url"] == f"/api/v1/store/orders/{order.id}/returns/{case['id']}/label"

    # The buyer sees it, is told to print it, and downloads a real PDF carrying the numbers and addresses.
    seen = client.get(f"/api/v1/store/orders/{order.id}/returns", headers=guest(order)).json[0]
    assert seen["label"] == label
    assert any(label["tracking_number"] in step for step in seen["instructions"])
    pdf = client.get(label["url"], headers=guest(order))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert label["tracking_number"] in text and case["number"] in text
    assert "PREPAID RETURN" in text and case["destination"]["name"] in text

    costs = db_session.scalars(select(ReturnCost).where(ReturnCost.case_id == case["id"])).all()
    assert [(c.kind, c.bearer, c.seller_id, c.amount_minor) for c in costs] == [
        ("return_label", "seller", seller.id, 1450)]

    # The same key answers the same label; another request is refused; nothing more is written.
    again = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1450},
                        headers={**ops, "Idempotency-Key": "label-0001"})
    assert again.status_code == 200 and again.json["label"] == label
    second = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 900}, headers=ops)
    assert second.status_code == 409 and second.json["code"] == "return_label_exists"
    assert _labels(db_session) == 1
    assert db_session.scalar(select(func.count()).select_from(ReturnCost)
                             .where(ReturnCost.case_id == case["id"])) == 1


def test_the_label_is_in_the_buyers_language(client, db_session, factory, stripe_on, hub):
    order, case = _defective_return(client, db_session, stripe_on, hub)
    from returns.cases.models import ReturnCase
    db_session.get(ReturnCase, case["id"]).locale = "de"
    db_session.commit()
    issued = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 0,
                         "packages": [{"weight_g": 800}]}, headers=staff(factory))
    assert issued.status_code == 201, issued.json
    pdf = client.get(issued.json["label"]["url"], headers=guest(order))
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Rücksendenummer" in text and "0.800 kg" in text
    assert db_session.scalar(select(func.count()).select_from(ReturnCost)
                             .where(ReturnCost.case_id == case["id"])) == 0  # a zero cost books nothing


def test_a_return_the_buyer_pays_gets_no_label_and_nothing_is_written(client, db_session, factory, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=3)
    case = ask_return(client, order, [(order.lines[0].id, 1)]).json
    assert case["status"] == "approved" and case["return_shipping_payer"] == "consumer"

    refused = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1000},
                          headers={**staff(factory), "Accept-Language": "fr"})
    assert refused.status_code == 409 and refused.json["code"] == "return_label_buyer_pays"
    assert refused.mimetype == "application/problem+json" and refused.headers["Content-Language"] == "fr"
    assert refused.json["title"] != "The buyer pays this return's shipping, so it gets no prepaid label."
    assert _labels(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(ReturnCost)
                             .where(ReturnCost.case_id == case["id"])) == 0
    none = client.get(f"/api/v1/store/orders/{order.id}/returns/{case['id']}/label", headers=guest(order))
    assert none.status_code == 404 and none.json["code"] == "return_label_not_found"


@pytest.mark.parametrize("body", [{}, {"cost_minor": 1.5}, {"cost_minor": -1}, {"cost_minor": 1, "packages": []}])
def test_bad_label_requests_are_refused(client, db_session, factory, stripe_on, hub, body):
    _, case = _defective_return(client, db_session, stripe_on, hub)
    response = client.post(f"/api/v1/admin/returns/{case['id']}/label", json=body, headers=staff(factory))
    assert response.status_code == 422
    assert _labels(db_session) == 0


def test_only_ops_issue_and_only_the_buyer_downloads(client, db_session, factory, stripe_on, hub):
    order, case = _defective_return(client, db_session, stripe_on, hub)
    other, _ = _defective_return(client, db_session, stripe_on, hub)
    assert client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1},
                       headers=factory.headers(factory.user())).status_code == 403
    issued = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1},
                         headers=staff(factory))
    assert issued.status_code == 201
    url = issued.json["label"]["url"]
    assert client.get(url, headers=guest(other)).status_code == 404
    cross = client.get(f"/api/v1/store/orders/{other.id}/returns/{case['id']}/label", headers=guest(other))
    assert cross.status_code == 404 and cross.json["code"] == "return_not_found"
    stranger = client.get(url, headers=factory.headers(factory.user()))
    assert stranger.status_code == 404


def test_a_change_of_mind_the_mall_bears_is_costed_to_the_mall(client, db_session, factory, stripe_on, hub):
    seller = make_seller(db_session)
    seller.no_return_purchase = True
    item = make_item(db_session, seller, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="TW", days_ago=3)
    case = ask_return(client, order, [(order.lines[0].id, 1)]).json
    assert case["status"] == "approved" and case["return_shipping_payer"] == "seller", case

    issued = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 120},
                         headers=staff(factory))
    assert issued.status_code == 201, issued.json
    cost = db_session.scalar(select(ReturnCost).where(ReturnCost.case_id == case["id"]))
    assert (cost.kind, cost.bearer, cost.amount_minor) == ("return_label", "mall", 120)


def test_a_return_already_sent_or_withdrawn_gets_no_label(client, db_session, factory, stripe_on, hub):
    order, case = _defective_return(client, db_session, stripe_on, hub)
    assert client.post(f"/api/v1/store/orders/{order.id}/returns/{case['id']}/cancel",
                       headers=guest(order)).status_code == 200
    refused = client.post(f"/api/v1/admin/returns/{case['id']}/label", json={"cost_minor": 1},
                          headers=staff(factory))
    assert refused.status_code == 409 and refused.json["code"] == "return_label_not_now"
    assert _labels(db_session) == 0
