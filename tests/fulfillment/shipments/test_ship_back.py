"""A repaired item going back: a zero-price parcel of the order that moves no stock, worked like any parcel."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fulfillment.inventory.models import StockLevel
from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments import tasks
from fulfillment.shipments.ship_back import ship_back
from shop.core.db import utcnow
from shop.orders.models import Order
from tests.fulfillment.shipments.helpers import event, paid_order, shipments_of, staff, warehouse, work
from tests.shop.checkout.helpers import make_item


def test_a_ship_back_parcel_goes_through_the_flow_without_touching_stock(client, db_session, factory,
                                                                         fake_payments):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    order = paid_order(client, db_session, [(item, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    ops = staff(factory)
    (first,) = shipments_of(db_session, order.id)
    assert work(client, ops, first.id).status_code == 200
    assert event(client, ops, first.id, "delivered", utcnow()).status_code == 200
    level = db_session.scalar(select(StockLevel).where(StockLevel.variant_id == item.id))
    stock_before = (level.on_hand, level.allocated)

    parcel = ship_back(db_session, order.id, warehouse_id=hub.id, items=[(order.lines[0].id, 1)])
    db_session.commit()
    assert parcel.status == "pending" and parcel.lines == [] and parcel.attempt == 2
    assert parcel.quoted_weight_g == 400 and parcel.number == f"{order.number}-2"
    # No stock line, but the parcel says what it carries: to ops, on the customs invoice, to the buyer.
    assert [(c.order_line_id, c.sku, c.quantity) for c in parcel.carried] == [(order.lines[0].id, item.sku, 1)]
    seen = client.get(f"/api/v1/admin/shipments/{parcel.id}", headers=ops).json
    assert [(ln["sku"], ln["quantity"], ln["id"]) for ln in seen["lines"]] == [(item.sku, 1, None)]
    handed = work(client, ops, parcel.id)
    assert handed.status_code == 200, handed.json
    delivered = event(client, ops, parcel.id, "delivered", utcnow())
    assert delivered.status_code == 200, delivered.json
    db_session.expire_all()
    parcel = db_session.get(type(parcel), parcel.id)
    assert parcel.status == "delivered" and parcel.tracking_number and parcel.delivered_at
    level = db_session.scalar(select(StockLevel).where(StockLevel.variant_id == item.id))
    assert (level.on_hand, level.allocated) == stock_before
    assert db_session.get(Order, order.id).status == "delivered"
    assert check_ledger(db_session) == []


def test_a_ship_back_needs_a_warehouse_and_items(client, db_session, fake_payments):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    order = paid_order(client, db_session, [(item, 1)])
    with pytest.raises(ValueError):
        ship_back(db_session, order.id, warehouse_id="wh_nope", items=[(order.lines[0].id, 1)])
    with pytest.raises(ValueError):
        ship_back(db_session, order.id, warehouse_id=hub.id, items=[])
    other = paid_order(client, db_session, [(item, 1)])
    with pytest.raises(ValueError):
        ship_back(db_session, order.id, warehouse_id=hub.id, items=[(other.lines[0].id, 1)])


def test_a_ship_back_parcel_canceled_before_it_left_gives_back_no_stock(client, db_session, factory,
                                                                        fake_payments):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    order = paid_order(client, db_session, [(item, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    level = db_session.scalar(select(StockLevel).where(StockLevel.variant_id == item.id))
    stock_before = (level.on_hand, level.allocated)
    parcel = ship_back(db_session, order.id, warehouse_id=hub.id, items=[(order.lines[0].id, 1)])
    db_session.commit()
    canceled = client.post(f"/api/v1/admin/shipments/{parcel.id}/cancel", json={"reason": "box crushed"},
                           headers=staff(factory))
    assert canceled.status_code == 200 and canceled.json["status"] == "canceled"
    db_session.expire_all()
    level = db_session.scalar(select(StockLevel).where(StockLevel.variant_id == item.id))
    assert (level.on_hand, level.allocated) == stock_before
    assert check_ledger(db_session) == []
