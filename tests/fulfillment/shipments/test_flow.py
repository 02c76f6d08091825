"""A paid order through allocation, warehouse work, hand-over and tracking to delivered, over the API."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments import tasks
from shop.core.jobs.models import OutboxMessage
from shop.core.notifications.models import Notification
from shop.orders.models import Order
from tests.fulfillment.shipments.helpers import (
    PACKAGE,
    ago,
    event,
    hand_over_ago,
    order_token,
    paid_order,
    shipments_of,
    staff,
    warehouse,
    work,
)
from tests.shop.checkout.helpers import make_item, make_seller


def test_two_sellers_in_the_consolidation_hub_leave_as_one_parcel(client, db_session, factory, fake_payments):
    hub = warehouse(db_session)
    a = make_item(db_session, make_seller(db_session), stock=5, warehouse=hub)
    b = make_item(db_session, make_seller(db_session), stock=5, warehouse=hub)
    order = paid_order(client, db_session, [(a, 2), (b, 1)])
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"shipments:{order.id}"))

    assert tasks.create_shipments(order.id) == 1
    assert tasks.create_shipments(order.id) == 1  # again: nothing new
    db_session.commit()
    (parcel,) = shipments_of(db_session, order.id)
    assert parcel.warehouse_id == hub.id and parcel.seller_id is None and parcel.status == "pending"
    assert sorted((ln.sku, ln.quantity) for ln in parcel.lines) == sorted([(a.sku, 2), (b.sku, 1)])

    headers = staff(factory)
    picks = client.get(f"/api/v1/admin/warehouses/{hub.id}/pick-list", headers=headers)
    assert picks.status_code == 200
    assert sorted((i["sku"], i["quantity"]) for i in picks.json["items"]) == sorted([(a.sku, 2), (b.sku, 1)])

    handed = work(client, headers, parcel.id, package={**PACKAGE, "weight_g": 5000})
    assert handed.status_code == 200, handed.json
    assert handed.json["status"] == "handed_over" and handed.json["over_quote"] is True
    assert handed.json["quote"]["chargeable_weight_g"] < handed.json["chargeable_weight_g"]
    assert db_session.get(Order, order.id).status == "shipped"
    assert check_ledger(db_session) == []

    pdf = client.get(f"/api/v1/admin/shipments/{parcel.id}/documents/invoice.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert a.sku in text and b.sku in text

    hand_over_ago(db_session, parcel.id, hours=48)
    times = {hours: ago(hours=hours) for hours in (40, 30, 10, 2)}
    for type_, hours in (("picked_up", 40), ("in_transit", 30), ("customs_cleared", 10), ("delivered", 2)):
        response = event(client, headers, parcel.id, type_, times[hours], location="LA")
        assert response.status_code == 200, response.json
    late = event(client, headers, parcel.id, "in_transit", ago(hours=20))  # arrives late: no step back
    assert late.status_code == 200 and late.json["shipment"]["status"] == "delivered"
    again = event(client, headers, parcel.id, "delivered", times[2], location="LA")
    assert again.json["created"] is False

    order = db_session.get(Order, order.id)
    db_session.refresh(order)
    assert order.status == "delivered"
    templates = set(db_session.scalars(select(Notification.template).where(Notification.recipient == order.email)))
    assert {"shipment_shipped", "shipment_delivered"} <= templates

    view = client.get(f"/api/v1/store/orders/{order.id}",
                      headers={"X-Order-Token": order_token(order), "Accept-Language": "ko"})
    assert view.status_code == 200, view.json
    (shown,) = view.json["shipments"]
    timeline = shown["timeline"]
    assert [e["occurred_at"] for e in timeline] == sorted(e["occurred_at"] for e in timeline)
    assert {e["type"] for e in timeline} == {"handed_over", "picked_up", "in_transit", "customs_cleared", "delivered"}
    delivered = next(e for e in timeline if e["type"] == "delivered")
    assert delivered["label"] != "Delivered"  # named in the buyer's language (Korean)
    assert shown["tracking_number"] == handed.json["tracking_number"] and shown["tracking_url"]


def test_a_seller_shipping_from_its_own_warehouse_makes_two_parcels(client, db_session, factory, fake_payments):
    hub = warehouse(db_session)
    own_seller = make_seller(db_session)
    own = warehouse(db_session, "seller", seller=own_seller)
    a = make_item(db_session, make_seller(db_session), stock=5, warehouse=hub)
    b = make_item(db_session, own_seller, stock=5, warehouse=own)
    order = paid_order(client, db_session, [(a, 1), (b, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    first, second = sorted(shipments_of(db_session, order.id), key=lambda s: s.warehouse_id != hub.id)
    assert first.warehouse_id == hub.id and second.seller_id == own_seller.id
    headers = staff(factory)

    assert work(client, headers, first.id).status_code == 200
    assert db_session.get(Order, order.id).status == "partially_shipped"
    assert work(client, headers, second.id).status_code == 200
    db_session.expire_all()
    assert db_session.get(Order, order.id).status == "shipped"
    seller_mail = db_session.scalar(select(Notification).where(Notification.template == "seller_shipment_shipped"))
    assert seller_mail is not None and seller_mail.recipient == own_seller.contact_email

    for parcel in (first, second):
        hand_over_ago(db_session, parcel.id, hours=6)
    assert event(client, headers, first.id, "delivered", ago(hours=5)).status_code == 200
    db_session.expire_all()
    assert db_session.get(Order, order.id).status == "shipped"
    assert event(client, headers, second.id, "delivered", ago(hours=1)).status_code == 200
    db_session.expire_all()
    order = db_session.get(Order, order.id)
    assert order.status == "delivered"
    delivered = [s.delivered_at for s in shipments_of(db_session, order.id)]
    assert order.delivered_at == max(delivered)
