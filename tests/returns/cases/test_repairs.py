"""A warranty claim resolved as repair: to the service address, repaired, shipped back, closed; or unrepairable."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fulfillment.inventory.models import StockLevel
from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments.models import Shipment
from returns.cases import overdue, queues, repairs
from returns.cases.models import RepairPartner, ReturnCase, ReturnCost
from shop.accounts.models import User
from shop.core.db import utcnow
from shop.payments import refunds
from shop.payments.models import Refund
from tests.fulfillment.shipments.helpers import staff, warehouse, work
from tests.returns.helpers import delivered_order, guest
from tests.shop.catalog.helpers import certify
from tests.shop.checkout.helpers import make_item, make_seller

PARTNER = {"name": "Seoul Fix Co.", "category": "electronics",
           "address": {"line1": "12 Guro-ro", "city": "Seoul", "postal_code": "08300", "country": "KR"}}


@pytest.fixture
def hub(db_session):
    return warehouse(db_session)


def owner_headers(session, factory, seller):
    return factory.headers(session.scalar(select(User).where(User.seller_id == seller.id)))


def claim(client, session, stripe_on, hub, *, seller=None, market="EU", stock=5):
    item = make_item(session, seller, stock=stock, warehouse=hub, category="electronics", hs_code="851830")
    certify(session, item.product, "CE", "EU")
    certify(session, item.product, "GPSR", "EU", business=True)
    order = delivered_order(client, session, stripe_on, [(item, 1)], market=market, days_ago=200)
    response = client.post(f"/api/v1/store/orders/{order.id}/warranty-claims",
                           json={"order_line_id": order.lines[0].id, "description": "stopped charging"},
                           headers=guest(order))
    assert response.status_code == 201, response.json
    return item, order, response.json


def to_bench(client, ops, case):
    """Resolve as repair; the item arrives (inbound shipping 1500), it goes on the bench."""
    resolved = client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "repair"}, headers=ops)
    assert resolved.status_code == 200, resolved.json
    received = client.post(f"/api/v1/admin/returns/{case['id']}/receive",
                           json={"lines": {case["lines"][0]["id"]: 1}, "return_shipping_minor": 1500}, headers=ops)
    assert received.status_code == 200, received.json
    started = client.post(f"/api/v1/admin/returns/{case['id']}/repair/start", headers=ops)
    assert started.status_code == 200, started.json
    return resolved.json, started.json


def costs(session, case_id):
    return {(c.kind, c.bearer): c.amount_minor
            for c in session.scalars(select(ReturnCost).where(ReturnCost.case_id == case_id))}


def test_a_repair_goes_round_trip_and_the_seller_bears_its_costs(client, db_session, factory, stripe_on, hub):
    seller = make_seller(db_session)
    ops = staff(factory)
    added = client.post("/api/v1/seller/repair-partners", json=PARTNER,
                        headers=owner_headers(db_session, factory, seller))
    assert added.status_code == 201, added.json
    item, order, case = claim(client, db_session, stripe_on, hub, seller=seller)
    on_hand = db_session.scalar(select(StockLevel.on_hand).where(StockLevel.variant_id == item.id))

    resolved = client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "repair"}, headers=ops)
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["status"] == "approved" and resolved.json["resolution"] == "repair"
    assert resolved.json["destination"]["kind"] == "repair_partner"
    assert resolved.json["destination"]["name"] == "Seoul Fix Co."
    assert resolved.json["repair"]["reasonable_days"] == 30 and resolved.json["repair"]["extends_guarantee"] is None
    assert resolved.json["repair"]["extends_guarantee_note"]
    in_german = client.get(f"/api/v1/store/orders/{order.id}/returns", headers=guest(order, **{
        "Accept-Language": "de"})).json[0]["instructions"]
    in_english = client.get(f"/api/v1/store/orders/{order.id}/returns", headers=guest(order)).json[0]["instructions"]
    assert len(in_german) == len(in_english) and in_german != in_english
    assert any("Seoul Fix Co." in step for step in in_english)

    shipped = client.post(f"/api/v1/store/orders/{order.id}/returns/{case['id']}/shipped", headers=guest(order))
    assert shipped.status_code == 200 and shipped.json["status"] == "in_transit"
    received = client.post(f"/api/v1/admin/returns/{case['id']}/receive",
                           json={"lines": {case["lines"][0]["id"]: 1}, "return_shipping_minor": 1500}, headers=ops)
    assert received.status_code == 200 and received.json["status"] == "received"
    started = client.post(f"/api/v1/admin/returns/{case['id']}/repair/start", headers=ops)
    assert started.status_code == 200 and started.json["status"] == "repairing"
    assert started.json["repair"]["due_on"] == (utcnow().date() + timedelta(days=30)).isoformat()
    done = client.post(f"/api/v1/admin/returns/{case['id']}/repair/done", json={"repair_cost_minor": 4000},
                       headers=ops)
    assert done.status_code == 200 and done.json["status"] == "repaired"

    back = client.post(f"/api/v1/admin/returns/{case['id']}/ship-back", json={"shipping_minor": 2500}, headers=ops)
    assert back.status_code == 200, back.json
    assert back.json["status"] == "shipped_back"
    parcel = db_session.get(Shipment, back.json["repair"]["shipment"]["id"])
    assert parcel.order_id == order.id and parcel.status == "pending" and parcel.lines == []
    handed = work(client, ops, parcel.id)
    assert handed.status_code == 200, handed.json
    delivered = client.post(f"/api/v1/admin/shipments/{parcel.id}/events",
                            json={"type": "delivered", "occurred_at": utcnow().isoformat()}, headers=ops)
    assert delivered.status_code == 200, delivered.json
    assert repairs.settle_repairs(db_session) == {"flagged": 0, "closed": 1}
    db_session.commit()

    view = client.get(f"/api/v1/admin/returns/{case['id']}", headers=ops).json
    assert view["status"] == "closed" and view["repair"]["shipment"]["tracking_number"]
    assert view["repair"]["shipment"]["delivered_at"] and view["repair"]["cost_minor"] == 4000
    assert costs(db_session, case["id"]) == {("return_shipping", "seller"): 1500, ("repair", "seller"): 4000,
                                             ("repair_shipping", "seller"): 2500}
    # The buyer's own item went back: no stock moved.
    db_session.expire_all()
    assert db_session.scalar(select(StockLevel.on_hand).where(StockLevel.variant_id == item.id)) == on_hand
    assert check_ledger(db_session) == []
    seller_costs = client.get("/api/v1/seller/returns/costs", headers=owner_headers(db_session, factory, seller))
    assert {row["kind"] for row in seller_costs.json["items"]} == {"return_shipping", "repair", "repair_shipping"}
    ops_costs = client.get(f"/api/v1/admin/returns/costs?seller={seller.id}", headers=ops)
    assert {row["kind"] for row in ops_costs.json["items"]} == {"return_shipping", "repair", "repair_shipping"}


def test_bad_repair_steps_are_localized_409s_that_write_nothing(client, db_session, factory, stripe_on, hub):
    _, order, case = claim(client, db_session, stripe_on, hub)
    ops = staff(factory)
    ko = {**ops, "Accept-Language": "ko"}
    client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "repair"}, headers=ops)
    early = client.post(f"/api/v1/admin/returns/{case['id']}/repair/start", headers=ko)
    assert early.status_code == 409 and early.json["code"] == "invalid_return_transition"
    assert early.headers["Content-Type"].startswith("application/problem+json")
    assert early.headers["Content-Language"] == "ko"
    db_session.expire_all()
    stored = db_session.get(ReturnCase, case["id"])
    assert stored.status == "approved" and stored.repair_started_at is None

    client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {case["lines"][0]["id"]: 1}},
                headers=ops)
    client.post(f"/api/v1/admin/returns/{case['id']}/repair/start", headers=ops)
    client.post(f"/api/v1/admin/returns/{case['id']}/repair/done", json={}, headers=ops)
    first = client.post(f"/api/v1/admin/returns/{case['id']}/ship-back", json={}, headers=ops)
    assert first.status_code == 200, first.json
    parcels = db_session.scalar(select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id))
    twice = client.post(f"/api/v1/admin/returns/{case['id']}/ship-back", json={"shipping_minor": 900}, headers=ko)
    assert twice.status_code == 409 and twice.json["code"] == "invalid_return_transition"
    assert twice.headers["Content-Language"] == "ko"
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Shipment)
                             .where(Shipment.order_id == order.id)) == parcels
    assert ("repair_shipping", "seller") not in costs(db_session, case["id"])
    # A parcel canceled before it left: the repaired item is sent anew.
    canceled = client.post(f"/api/v1/admin/shipments/{first.json['repair']['shipment']['id']}/cancel",
                           json={"reason": "box crushed"}, headers=ops)
    assert canceled.status_code == 200, canceled.json
    anew = client.post(f"/api/v1/admin/returns/{case['id']}/ship-back", json={}, headers=ops)
    assert anew.status_code == 200, anew.json
    assert anew.json["repair"]["shipment"]["id"] != first.json["repair"]["shipment"]["id"]
    assert anew.json["repair"]["shipment"]["status"] == "pending"

    # A claim not resolved as repair has no repair steps.
    _, _, other = claim(client, db_session, stripe_on, hub)
    not_repair = client.post(f"/api/v1/admin/returns/{other['id']}/repair/start", headers=ko)
    assert not_repair.status_code == 409 and not_repair.json["code"] == "not_a_repair"
    bad_cost = client.post(f"/api/v1/admin/returns/{other['id']}/repair/done", json={"repair_cost_minor": 1.5},
                           headers=ops)
    assert bad_cost.status_code == 422


def test_an_unrepairable_item_is_replaced_under_the_same_claim(client, db_session, factory, stripe_on, hub):
    item, order, case = claim(client, db_session, stripe_on, hub)
    ops = staff(factory)
    to_bench(client, ops, case)
    parcels = db_session.scalar(select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id))
    replaced = client.post(f"/api/v1/admin/returns/{case['id']}/repair/unrepairable", json={"remedy": "replace"},
                           headers=ops)
    assert replaced.status_code == 200, replaced.json
    assert replaced.json["status"] == "closed" and replaced.json["repair"]["then"] == "replace"
    new = db_session.scalars(select(Shipment).where(Shipment.order_id == order.id)
                             .order_by(Shipment.created_at.desc())).first()
    assert db_session.scalar(select(func.count()).select_from(Shipment)
                             .where(Shipment.order_id == order.id)) == parcels + 1
    assert [(ln.variant_id, ln.quantity) for ln in new.lines] == [(item.id, 1)]
    assert costs(db_session, case["id"])[("replacement", "seller")] == order.lines[0].unit_price_minor


def test_an_unrepairable_item_is_refunded_once(client, db_session, factory, stripe_on, hub):
    _, order, case = claim(client, db_session, stripe_on, hub)
    ops = staff(factory)
    to_bench(client, ops, case)
    refunded = client.post(f"/api/v1/admin/returns/{case['id']}/repair/unrepairable", json={"remedy": "refund"},
                           headers=ops)
    assert refunded.status_code == 200, refunded.json
    assert refunded.json["status"] == "refunding" and refunded.json["refund_minor"] > 0
    again = client.post(f"/api/v1/admin/returns/{case['id']}/repair/unrepairable", json={"remedy": "refund"},
                        headers=ops)
    assert again.status_code == 409 and again.json["code"] == "invalid_return_transition"
    twice = client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=ops)
    assert twice.status_code == 409 and twice.json["code"] == "refund_already_requested"
    (refund,) = db_session.scalars(select(Refund).where(Refund.order_id == order.id))
    assert refunds.send_refund(refund.id) == "succeeded"
    db_session.expire_all()
    stored = db_session.get(ReturnCase, case["id"])
    assert stored.status == "refunded" and stored.repair["then"] == "refund"
    assert costs(db_session, case["id"])[("refund", "seller")] == refund.amount_minor


def test_a_refund_waits_for_a_replacement_where_the_law_orders_them(db_session, monkeypatch):
    from types import SimpleNamespace

    from returns.cases.errors import RemedyOutOfOrder

    warranty = {"remedy_order": [["repair", "replace"], ["refund", "price_reduction"]], "sources": ["SG3"]}
    monkeypatch.setattr(repairs, "get_market", lambda session, code: SimpleNamespace(warranty=warranty))
    case = SimpleNamespace(market_code="SG")
    with pytest.raises(RemedyOutOfOrder):
        repairs._check_order(db_session, case, "refund", ["repair", "replace", "refund"], False)
    assert repairs._check_order(db_session, case, "refund", ["repair", "replace", "refund"], True) == ["SG3"]
    assert repairs._check_order(db_session, case, "refund", ["repair", "refund"], False) == ["SG3"]
    chooser = {"consumer_chooses_remedy_for_major_failure": ["refund", "replace"], "sources": ["A1", "A2"]}
    monkeypatch.setattr(repairs, "get_market", lambda session, code: SimpleNamespace(warranty=chooser))
    assert repairs._check_order(db_session, case, "refund", ["replace", "refund"], False) == ["A1", "A2"]


def test_a_repair_past_the_reasonable_time_is_flagged_once(client, db_session, factory, stripe_on, hub):
    _, _, case = claim(client, db_session, stripe_on, hub)
    ops = staff(factory)
    to_bench(client, ops, case)
    stored = db_session.get(ReturnCase, case["id"])
    due = stored.repair_due_on
    # No refund deadline runs for a repair: the refund job leaves it to the repair's own time.
    assert stored.refund_due_on is None
    assert queues.flag_overdue(db_session, today=due + timedelta(days=1)) == 0
    assert repairs.settle_repairs(db_session, today=due) == {"flagged": 0, "closed": 0}
    assert repairs.settle_repairs(db_session, today=due + timedelta(days=1)) == {"flagged": 1, "closed": 0}
    assert repairs.settle_repairs(db_session, today=due + timedelta(days=2)) == {"flagged": 0, "closed": 0}
    db_session.commit()
    assert stored.overdue_flagged_at is not None and overdue.is_overdue(stored, due + timedelta(days=1))
    assert not overdue.is_overdue(stored, due)


def test_a_seller_sees_and_removes_only_its_own_repair_partners(client, db_session, factory):
    seller_a, seller_b = make_seller(db_session), make_seller(db_session)
    a, b = owner_headers(db_session, factory, seller_a), owner_headers(db_session, factory, seller_b)
    added = client.post("/api/v1/seller/repair-partners", json=PARTNER, headers=a)
    assert added.status_code == 201 and added.json["seller_id"] == seller_a.id
    client.post("/api/v1/seller/repair-partners", json={**PARTNER, "name": "Busan Repairs", "category": None},
                headers=b)
    assert [p["name"] for p in client.get("/api/v1/seller/repair-partners", headers=a).json] == ["Seoul Fix Co."]
    assert [p["name"] for p in client.get("/api/v1/seller/repair-partners", headers=b).json] == ["Busan Repairs"]
    stolen = client.delete(f"/api/v1/seller/repair-partners/{added.json['id']}", headers={**b, "Accept-Language": "ja"})
    assert stolen.status_code == 404 and stolen.json["code"] == "repair_partner_not_found"
    assert stolen.headers["Content-Language"] == "ja"
    db_session.expire_all()
    assert db_session.get(RepairPartner, added.json["id"]).active
    bad = client.post("/api/v1/seller/repair-partners", json={**PARTNER, "category": "cars"}, headers=a)
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/seller/repair-partners/{added.json['id']}", headers=a).status_code == 204
    assert client.get("/api/v1/seller/repair-partners", headers=a).json == []
    assert client.get("/api/v1/seller/repair-partners", headers=staff(factory)).status_code == 403
