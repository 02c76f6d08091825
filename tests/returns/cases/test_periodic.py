"""The periodic return jobs: overdue refunds are flagged once; orders complete when their windows end."""
from __future__ import annotations

from datetime import timedelta

from returns.cases import overdue, queues, services
from returns.cases.models import ReturnCase
from shop.core.db import utcnow
from shop.orders.models import Order
from tests.fulfillment.shipments.helpers import staff, warehouse
from tests.returns.helpers import ask_return, delivered_order
from tests.shop.checkout.helpers import make_item


def test_an_overdue_refund_is_flagged_once_and_shown_first(client, db_session, factory, stripe_on):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="GB", days_ago=3)
    case = ask_return(client, order, [(order.lines[0].id, 1)]).json
    ops = staff(factory)
    client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {case["lines"][0]["id"]: 1}},
                headers=ops)
    stored = db_session.get(ReturnCase, case["id"])
    assert stored.refund_due_on == utcnow().date() + timedelta(days=14)  # GB: 14 days from the goods' return
    later = stored.refund_due_on + timedelta(days=1)
    assert queues.flag_overdue(db_session, today=later) == 1
    assert queues.flag_overdue(db_session, today=later) == 0
    assert overdue.is_overdue(stored, later)
    queue = client.get(f"/api/v1/admin/returns?due_before={later.isoformat()}", headers=ops)
    assert [c["id"] for c in queue.json["items"]] == [case["id"]]


def test_orders_complete_when_every_window_ended_with_nothing_open(client, db_session, stripe_on):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    quiet = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=20)
    busy = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=20)
    fresh = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=3)
    services.open_case(db_session, busy.id, kind="return", reason="defective",
                       lines=[{"order_line_id": busy.lines[0].id, "quantity": 1}])
    db_session.commit()
    queues.complete_orders(db_session)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Order, quiet.id).status == "completed"
    assert db_session.get(Order, busy.id).status == "delivered"  # a return is still open
    assert db_session.get(Order, fresh.id).status == "delivered"  # its window runs


def test_the_flag_and_the_view_read_one_overdue_rule(client, db_session, stripe_on):
    hub = warehouse(db_session)
    item = make_item(db_session, stock=5, warehouse=hub)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="GB", days_ago=3)
    stored = db_session.get(ReturnCase, ask_return(client, order, [(order.lines[0].id, 1)]).json["id"])
    later = utcnow().date() + timedelta(days=60)
    stored.refund_due_on = later - timedelta(days=1)
    for status in ("approved", "in_transit", "received", "inspected", "refunding", "refunded", "closed"):
        stored.status, stored.overdue_flagged_at = status, None
        db_session.flush()
        flagged = queues.flag_overdue(db_session, today=later) == 1
        assert flagged == overdue.is_overdue(stored, later) == (status in overdue.REFUND_OWED), status
    db_session.rollback()
