"""Returns over the API: decided at once, counted on arrival, refunded through localstripe, costs booked."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fulfillment.inventory.models import StockLevel
from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments.models import Shipment
from returns.cases.models import ReturnCase, ReturnCost
from shop.core.notifications.models import Notification
from shop.orders.models import Order
from shop.payments import refunds
from shop.payments.models import Payment, Refund
from tests.fulfillment.shipments.helpers import staff, warehouse, work
from tests.returns.helpers import ask_return, delivered_order, guest
from tests.shop.catalog.helpers import certify
from tests.shop.checkout.helpers import make_item, make_seller


@pytest.fixture
def hub(db_session):
    return warehouse(db_session)


def on_hand(session, variant_id, warehouse_id):
    return session.scalar(select(StockLevel.on_hand).where(StockLevel.variant_id == variant_id,
                                                           StockLevel.warehouse_id == warehouse_id))


def test_an_eu_return_on_day_13_is_received_inspected_refunded_restocked_and_costed(
        client, db_session, factory, stripe_on, hub):
    item = make_item(db_session, make_seller(db_session), stock=10, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 3)], market="EU", days_ago=13)
    (line,) = order.lines
    before = on_hand(db_session, item.id, hub.id)

    asked = ask_return(client, order, [(line.id, 3)], key="tab-one-0001", note="too small")
    assert asked.status_code == 201, asked.json
    case = asked.json
    assert case["status"] == "approved" and case["return_shipping_payer"] == "consumer"
    assert case["destination"]["kind"] == "consolidation" and case["instructions"]
    decision = case["lines"][0]["decision"]
    assert decision["window_days"] == 14 and any("E1" in r["sources"] for r in decision["reasons"])
    again = ask_return(client, order, [(line.id, 3)], key="tab-one-0001", note="too small")
    assert again.status_code == 200 and again.json["id"] == case["id"]

    ops = staff(factory)
    received = client.post(f"/api/v1/admin/returns/{case['id']}/receive",
                           json={"lines": {case["lines"][0]["id"]: 2}}, headers=ops)
    assert received.status_code == 200, received.json
    assert received.json["refund_due_on"]
    inspected = client.post(f"/api/v1/admin/returns/{case['id']}/inspect",
                            json={"resellable": {case["lines"][0]["id"]: 1}}, headers=ops)
    assert inspected.status_code == 200, inspected.json
    assert on_hand(db_session, item.id, hub.id) == before + 1
    assert check_ledger(db_session) == []

    refunded = client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=ops)
    assert refunded.status_code == 200, refunded.json
    # Two units came back of three announced: two are refunded, with their share of shipping and taxes.
    amount = refunded.json["refund_minor"]
    unit = line.unit_price_minor
    extras = sum(c.amount_minor for c in order.charges if c.collected == "now")  # shipping, duties, taxes
    assert amount == 2 * unit + extras * (2 * unit) // order.subtotal_minor
    (refund,) = db_session.scalars(select(Refund).where(Refund.order_id == order.id))
    assert refund.amount_minor == amount and refund.status == "pending"

    assert refunds.send_refund(refund.id) == "succeeded"
    assert refunds.send_refund(refund.id) == "already_sent"
    db_session.expire_all()
    assert db_session.get(ReturnCase, case["id"]).status == "refunded"
    payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
    assert payment.refund_committed_minor == amount and refunds.check_refunds(db_session) == []
    costs = {(c.kind, c.bearer): c.amount_minor for c in db_session.scalars(select(ReturnCost))
             if c.case_id == case["id"]}
    assert costs[("refund", "seller")] == amount and costs[("write_off", "seller")] == unit
    mails = set(db_session.scalars(select(Notification.template).where(Notification.recipient == order.email)))
    assert {"return_approved", "return_received", "return_refunded"} <= mails

    seller_costs = client.get("/api/v1/seller/returns/costs",
                              headers=factory.headers(item.product.seller.members[0]))
    assert seller_costs.status_code == 200
    assert {row["kind"] for row in seller_costs.json["items"]} == {"refund", "write_off"}


def test_an_eu_return_on_day_15_is_rejected_with_the_reason(client, db_session, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=15)
    response = ask_return(client, order, [(order.lines[0].id, 1)])
    assert response.status_code == 201, response.json
    assert response.json["status"] == "rejected" and response.json["instructions"] == []
    reasons = response.json["lines"][0]["decision"]["reasons"]
    assert any(r["code"] == "window_over" for r in reasons)
    assert db_session.scalar(select(Notification).where(Notification.template == "return_rejected",
                                                        Notification.recipient == order.email))


def test_the_reasons_are_in_the_buyers_language(client, db_session, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=2)
    options = client.get(f"/api/v1/store/orders/{order.id}/return-options",
                         headers=guest(order, **{"Accept-Language": "de"}))
    assert options.status_code == 200, options.json
    (shown,) = options.json["lines"]
    assert shown["returnable"] == 1
    english = client.get(f"/api/v1/store/orders/{order.id}/return-options", headers=guest(order))
    changed = shown["reasons"]["changed_mind"]["unopened"]
    assert changed["allowed"] is True
    assert changed["reasons"][0]["text"] != english.json["lines"][0]["reasons"]["changed_mind"]["unopened"][
        "reasons"][0]["text"]


def test_a_cn_opened_cosmetic_is_refused_for_a_change_of_mind_and_accepted_as_defective(
        client, db_session, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub, category="cosmetics", hs_code="330499")
    certify(db_session, item.product, "NMPA", "CN")
    order = delivered_order(client, db_session, stripe_on, [(item, 2)], market="CN", days_ago=3, acknowledge=True)
    line_id = order.lines[0].id
    refused = ask_return(client, order, [(line_id, 1)], opened=True)
    assert refused.status_code == 201 and refused.json["status"] == "rejected"
    accepted = ask_return(client, order, [(line_id, 1)], "defective", opened=True, photos=["https://x.example/1.jpg"])
    assert accepted.status_code == 201 and accepted.json["status"] == "approved"
    assert accepted.json["return_shipping_payer"] == "seller"


def test_a_tw_change_of_mind_is_returned_at_the_sellers_cost(client, db_session, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="TW", days_ago=3)
    response = ask_return(client, order, [(order.lines[0].id, 1)])
    assert response.json["status"] == "approved" and response.json["return_shipping_payer"] == "seller"


def test_a_jp_seller_with_no_stated_policy_gives_8_days(client, db_session, stripe_on, hub):
    seller = make_seller(db_session)
    assert seller.return_window_days is None
    item = make_item(db_session, seller, stock=5, warehouse=hub)
    on_day_8 = delivered_order(client, db_session, stripe_on, [(item, 1)], market="JP", days_ago=8)
    assert ask_return(client, on_day_8, [(on_day_8.lines[0].id, 1)]).json["status"] == "approved"
    on_day_9 = delivered_order(client, db_session, stripe_on, [(item, 1)], market="JP", days_ago=9)
    assert ask_return(client, on_day_9, [(on_day_9.lines[0].id, 1)]).json["status"] == "rejected"


def test_a_refund_without_return_for_a_cheap_item(client, db_session, factory, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub, price_krw=9000)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="GB", days_ago=3)
    case = ask_return(client, order, [(order.lines[0].id, 1)], "damaged_in_transit").json
    response = client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={"without_return": True},
                           headers=staff(factory))
    assert response.status_code == 200, response.json
    assert response.json["resolution"] == "refund_without_return"
    (refund,) = db_session.scalars(select(Refund).where(Refund.order_id == order.id))
    assert refunds.send_refund(refund.id) == "succeeded"


def test_bad_requests_are_refused_in_the_buyers_language_and_write_nothing(client, db_session, factory, stripe_on,
                                                                           hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 2)], market="EU", days_ago=2)
    line_id = order.lines[0].id
    cases = [
        ([(line_id, 3)], "changed_mind", 422, "return_quantity_above_delivered"),
        ([(line_id, 1)], "bored", 422, None),
        ([("orl_nope", 1)], "changed_mind", 422, "unknown_order_line"),
    ]
    for lines, reason, status, code in cases:
        response = client.post(f"/api/v1/store/orders/{order.id}/returns",
                               json={"lines": [{"order_line_id": i, "quantity": q} for i, q in lines],
                                     "reason": reason}, headers=guest(order, **{"Accept-Language": "fr"}))
        assert response.status_code == status, response.json
        assert response.mimetype == "application/problem+json" and response.headers["Content-Language"] == "fr"
        if code:
            assert response.json["code"] == code
    assert db_session.scalar(select(func.count()).select_from(ReturnCase)
                             .where(ReturnCase.order_id == order.id)) == 0

    case = ask_return(client, order, [(line_id, 2)]).json
    too_much = ask_return(client, order, [(line_id, 1)])
    assert too_much.status_code == 422 and too_much.json["available"] == 0
    ops = staff(factory)
    early = client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=ops)
    assert early.status_code == 409 and early.json["code"] == "invalid_return_transition"
    over = client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {case["lines"][0]["id"]: 5}},
                       headers=ops)
    assert over.status_code == 422


def test_a_refund_above_the_balance_is_refused(client, db_session, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=2)
    payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
    refunds.request_refund(db_session, order.id, payment.captured_minor - 100, source="ops:test")
    with pytest.raises(refunds.RefundExceedsBalance):
        refunds.request_refund(db_session, order.id, 101, source="ops:test")
    refunds.request_refund(db_session, order.id, 100, source="ops:test")
    with pytest.raises(refunds.InvalidRefundAmount):
        refunds.request_refund(db_session, order.id, 0, source="ops:test")
    assert refunds.check_refunds(db_session) == []


def test_a_return_on_a_canceled_order_is_refused(client, db_session, fake_payments, hub):
    from shop.orders import services as orders
    from shop.orders.models import Order
    from tests.fulfillment.shipments.helpers import place

    item = make_item(db_session, stock=5, warehouse=hub)
    placed = place(client, [(item, 1)])
    order = db_session.get(Order, placed["order"]["id"])
    orders.cancel_order(db_session, order, "expired")
    db_session.commit()
    response = ask_return(client, order, [(order.lines[0].id, 1)])
    assert response.status_code == 409 and response.json["code"] == "order_canceled"


def test_nobody_touches_anothers_returns(client, db_session, factory, stripe_on, hub):
    seller_a, seller_b = make_seller(db_session), make_seller(db_session)
    item = make_item(db_session, seller_a, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=2)
    other = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=2)
    case = ask_return(client, order, [(order.lines[0].id, 1)]).json

    wrong_token = client.post(f"/api/v1/store/orders/{order.id}/returns",
                              json={"lines": [{"order_line_id": order.lines[0].id, "quantity": 1}],
                                    "reason": "changed_mind"}, headers=guest(other))
    assert wrong_token.status_code == 404
    stranger = factory.user()
    assert client.get(f"/api/v1/store/orders/{order.id}/return-options",
                      headers=factory.headers(stranger)).status_code == 404
    cross = client.post(f"/api/v1/store/orders/{other.id}/returns/{case['id']}/cancel", headers=guest(other))
    assert cross.status_code == 404

    def seller_view(seller):
        from shop.accounts.models import User
        owner = db_session.scalar(select(User).where(User.seller_id == seller.id))
        return client.get("/api/v1/seller/returns", headers=factory.headers(owner))
    assert [c["id"] for c in seller_view(seller_a).json["items"]] == [case["id"]]
    assert seller_view(seller_b).json["items"] == []
    assert client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={},
                       headers=factory.headers(factory.user())).status_code == 403


def test_ops_override_is_recorded_and_the_queue_is_sorted_by_deadline(client, db_session, factory, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=20)
    case = ask_return(client, order, [(order.lines[0].id, 1)]).json
    assert case["status"] == "rejected"
    ops = staff(factory)
    response = client.post(f"/api/v1/admin/returns/{case['id']}/decision",
                           json={"approve": True, "reason": "goodwill: first order"}, headers=ops)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved" and response.json["override_reason"] == "goodwill: first order"
    assert response.json["override_by"]
    queue = client.get("/api/v1/admin/returns?market=EU", headers=ops)
    assert queue.status_code == 200 and case["id"] in [c["id"] for c in queue.json["items"]]


def test_a_warranty_claim_is_decided_with_its_remedies(client, db_session, factory, stripe_on, hub):
    item = make_item(db_session, stock=5, warehouse=hub, category="electronics", hs_code="851830")
    certify(db_session, item.product, "CE", "EU")
    certify(db_session, item.product, "GPSR", "EU", business=True)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=200)
    response = client.post(f"/api/v1/store/orders/{order.id}/warranty-claims",
                           json={"order_line_id": order.lines[0].id, "description": "stopped charging"},
                           headers=guest(order))
    assert response.status_code == 201, response.json
    claim = response.json
    assert claim["kind"] == "warranty" and claim["status"] == "approved"
    decision = claim["lines"][0]["decision"]
    assert decision["period_months"] == 24 and decision["remedies"][0] == "repair" and decision["presumption"]
    parcels_before = db_session.scalar(select(func.count()).select_from(Shipment)
                                       .where(Shipment.order_id == order.id))
    resolved = client.post(f"/api/v1/admin/returns/{claim['id']}/resolve", json={"remedy": "replace"},
                           headers=staff(factory))
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["resolution"] == "replace" and resolved.json["status"] == "closed"
    replacement = db_session.scalars(select(Shipment).where(Shipment.order_id == order.id)
                                     .order_by(Shipment.created_at.desc())).first()
    assert db_session.scalar(select(func.count()).select_from(Shipment)
                             .where(Shipment.order_id == order.id)) == parcels_before + 1
    assert replacement.status == "pending" and [(ln.variant_id, ln.quantity) for ln in replacement.lines] == [
        (item.id, 1)]
    handed = work(client, staff(factory), replacement.id)
    assert handed.status_code == 200, handed.json
    db_session.expire_all()
    assert db_session.get(Order, order.id).status == "delivered"  # a replacement leaves the order's status alone
    assert check_ledger(db_session) == []
    cost = db_session.scalar(select(ReturnCost).where(ReturnCost.case_id == claim["id"]))
    assert cost.kind == "replacement" and cost.bearer == "seller"
    again = client.post(f"/api/v1/admin/returns/{claim['id']}/resolve", json={"remedy": "replace"},
                        headers=staff(factory))
    assert again.status_code == 409
    claims = client.get("/api/v1/admin/warranty-claims", headers=staff(factory))
    assert [c["id"] for c in claims.json["items"]] == [claim["id"]]


def test_the_policy_evaluator_answers_ops(client, factory):
    ops = staff(factory)
    body = {"market": "JP", "reason": "changed_mind", "category": "fashion", "delivered_at": "2026-11-01T10:00:00Z",
            "requested_at": "2026-11-09T10:00:00Z", "seller_policy_days": None}
    response = client.post("/api/v1/admin/return-policy/evaluate", json=body, headers=ops)
    assert response.status_code == 200, response.json
    assert response.json["allowed"] is True and response.json["window_days"] == 8
    bad = client.post("/api/v1/admin/return-policy/evaluate", json={**body, "reason": "bored"},
                      headers={**ops, "Accept-Language": "ko"})
    assert bad.status_code == 422 and bad.headers["Content-Language"] == "ko"
    backwards = client.post("/api/v1/admin/return-policy/evaluate",
                            json={**body, "requested_at": "2026-10-01T00:00:00Z"}, headers=ops)
    assert backwards.status_code == 422 and backwards.json["code"] == "dates_out_of_order"
    warranty = client.post("/api/v1/admin/warranty-policy/evaluate",
                           json={"market": "GB", "delivered_at": "2026-01-01T00:00:00Z",
                                 "claimed_at": "2026-04-01T00:00:00Z", "seller_warranty_months": 12}, headers=ops)
    assert warranty.status_code == 200 and warranty.json["period_months"] == 72
    assert client.post("/api/v1/admin/return-policy/evaluate", json=body).status_code == 401


def test_an_exchange_ships_another_size_for_the_units_received(client, db_session, factory, stripe_on, hub):
    from tests.fulfillment.inventory.inventory_helpers import put_stock
    from tests.shop.catalog.helpers import make_product, variant

    seller = make_seller(db_session)
    product = make_product(db_session, seller, category="fashion", hs_code="620520", locales=("ko", "en"),
                           variants=[variant(options={"size": "M"}), variant(options={"size": "L"}),
                                     variant(options={"size": "XL"}, price_krw=99000)])
    medium, large, dearer = product.variants
    for each in (medium, large, dearer):
        put_stock(db_session, each.id, hub, 5)
    order = delivered_order(client, db_session, stripe_on, [(medium, 1)], market="EU", days_ago=4)
    line_id = order.lines[0].id
    body = {"lines": [{"order_line_id": line_id, "quantity": 1, "exchange_variant_id": dearer.id}],
            "reason": "changed_mind"}
    refused = client.post(f"/api/v1/store/orders/{order.id}/returns", json=body, headers=guest(order))
    assert refused.status_code == 422 and refused.json["code"] == "invalid_exchange"  # another price

    body["lines"][0]["exchange_variant_id"] = large.id
    case = client.post(f"/api/v1/store/orders/{order.id}/returns", json=body, headers=guest(order)).json
    assert case["status"] == "approved" and case["resolution"] == "exchange"
    ops = staff(factory)
    rtl = case["lines"][0]["id"]
    assert client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {rtl: 1}},
                       headers=ops).status_code == 200
    assert client.post(f"/api/v1/admin/returns/{case['id']}/inspect", json={"resellable": {rtl: 1}},
                       headers=ops).status_code == 200
    done = client.post(f"/api/v1/admin/returns/{case['id']}/exchange", headers=ops)
    assert done.status_code == 200, done.json
    assert done.json["status"] == "closed" and done.json["refund_minor"] is None
    parcel = db_session.scalars(select(Shipment).where(Shipment.order_id == order.id)
                                .order_by(Shipment.created_at.desc())).first()
    assert [(ln.variant_id, ln.sku, ln.order_line_id) for ln in parcel.lines] == [(large.id, large.sku, line_id)]
    assert work(client, ops, parcel.id).status_code == 200
    assert db_session.scalars(select(Refund).where(Refund.order_id == order.id)).all() == []
    assert check_ledger(db_session) == []
