"""Bad input, ownership, the carrier webhook, cancel and re-ship, the export list."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from fulfillment.inventory.services.ledger import check_ledger
from fulfillment.shipments import reads, tasks
from fulfillment.shipments.models import Shipment, ShipmentPackage, TrackingEvent
from shop.orders.models import Order
from tests.fulfillment.carriers.aftership_fixtures import SECRET, checkpoint, request, sample_payload
from tests.fulfillment.inventory.inventory_helpers import level_of
from tests.fulfillment.shipments.helpers import (
    PACKAGE,
    ago,
    ems_number,
    event,
    hand_over_ago,
    paid_order,
    shipments_of,
    staff,
    warehouse,
    work,
)
from tests.shop.checkout.helpers import make_item, make_seller

PROBLEM = "application/problem+json"


@pytest.fixture
def parcel(client, db_session, factory, fake_payments):
    """A two-seller order's one parcel from a hub, pending; with its sellers and variants."""
    hub = warehouse(db_session)
    seller_a, seller_b = make_seller(db_session), make_seller(db_session)
    a = make_item(db_session, seller_a, stock=5, warehouse=hub)
    b = make_item(db_session, seller_b, stock=5, warehouse=hub)
    order = paid_order(client, db_session, [(a, 2), (b, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    (shipment,) = shipments_of(db_session, order.id)
    return {"shipment": shipment, "order": order, "hub": hub, "sellers": (seller_a, seller_b), "variants": (a, b),
            "headers": staff(factory)}


def counts(session):
    return (session.scalar(select(func.count()).select_from(TrackingEvent)),
            session.scalar(select(func.count()).select_from(ShipmentPackage)))


def test_events_for_an_unknown_shipment_are_a_localized_404(client, parcel):
    response = event(client, {**parcel["headers"], "Accept-Language": "de"}, "shp_nope", "in_transit",
                     ago(hours=1))
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert response.json["code"] == "shipment_not_found"
    assert response.headers["Content-Language"] == "de"


def test_an_event_type_that_does_not_exist_is_refused_and_nothing_written(client, db_session, parcel):
    headers, shipment = parcel["headers"], parcel["shipment"]
    work(client, headers, shipment.id)
    before = counts(db_session)
    response = event(client, {**headers, "Accept-Language": "ja"}, shipment.id, "teleported", ago(hours=1))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "type" in json.dumps(response.json["errors"])
    assert counts(db_session) == before


def test_a_future_event_and_an_event_before_hand_over_are_refused(client, db_session, parcel):
    headers, shipment = parcel["headers"], parcel["shipment"]
    early = event(client, headers, shipment.id, "in_transit", ago(hours=1))
    assert early.status_code == 409 and early.json["code"] == "shipment_not_handed_over"
    work(client, headers, shipment.id)
    future = event(client, headers, shipment.id, "delivered", ago(hours=-3))
    assert future.status_code == 422 and future.json["code"] == "event_in_future"
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "handed_over"


@pytest.mark.parametrize("package", [{**PACKAGE, "weight_g": -100}, {**PACKAGE, "height_mm": 0},
                                     {**PACKAGE, "weight_g": 1.5}, {"weight_g": 100}])
def test_a_negative_or_missing_size_is_refused_and_nothing_packed(client, db_session, parcel, package):
    headers, shipment = parcel["headers"], parcel["shipment"]
    assert client.post(f"/api/v1/admin/shipments/{shipment.id}/pick", headers=headers).status_code == 200
    response = client.post(f"/api/v1/admin/shipments/{shipment.id}/pack", json={"packages": [package]},
                           headers={**headers, "Accept-Language": "fr"})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "picking"
    assert counts(db_session)[1] == 0


def test_steps_out_of_order_are_conflicts(client, parcel):
    headers, shipment = parcel["headers"], parcel["shipment"]
    response = client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over",
                           json={"tracking_number": ems_number()}, headers=headers)
    assert response.status_code == 409 and response.json["code"] == "invalid_shipment_transition"
    response = client.post(f"/api/v1/admin/shipments/{shipment.id}/pack", json={"packages": [PACKAGE]},
                           headers=headers)
    assert response.status_code == 409


def test_a_bad_or_reused_tracking_number_is_refused(client, db_session, parcel):
    headers, shipment = parcel["headers"], parcel["shipment"]
    client.post(f"/api/v1/admin/shipments/{shipment.id}/pick", headers=headers)
    client.post(f"/api/v1/admin/shipments/{shipment.id}/pack", json={"packages": [PACKAGE]}, headers=headers)
    bad = client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={"tracking_number": "EE123456784KR"},
                      headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "invalid_tracking_number"
    missing = client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={}, headers=headers)
    assert missing.status_code == 422 and missing.json["code"] == "tracking_number_required"
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "packed"
    assert check_ledger(db_session) == []


def test_only_staff_work_shipments(client, factory, parcel):
    shipment = parcel["shipment"]
    customer = factory.headers(factory.user("customer"))
    assert client.get("/api/v1/admin/shipments", headers=customer).status_code == 403
    assert client.post(f"/api/v1/admin/shipments/{shipment.id}/pick", headers=customer).status_code == 403
    assert client.get(f"/api/v1/admin/shipments/{shipment.id}").status_code == 401


def test_a_seller_sees_only_shipments_with_its_goods_and_only_its_lines(client, db_session, factory, parcel):

    seller_a, seller_b = parcel["sellers"]
    a, b = parcel["variants"]
    shipment = parcel["shipment"]
    headers_a = _seller_headers(factory, db_session, seller_a)
    listed = client.get("/api/v1/seller/shipments", headers=headers_a)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json["items"]] == [shipment.id]
    assert [ln["sku"] for ln in listed.json["items"][0]["lines"]] == [a.sku]
    one = client.get(f"/api/v1/seller/shipments/{shipment.id}", headers=headers_a)
    assert [ln["sku"] for ln in one.json["lines"]] == [a.sku]

    other, _ = factory.seller()
    headers_c = _seller_headers(factory, db_session, other)
    assert client.get("/api/v1/seller/shipments", headers=headers_c).json["items"] == []
    hidden = client.get(f"/api/v1/seller/shipments/{shipment.id}", headers=headers_c)
    assert hidden.status_code == 404 and hidden.json["code"] == "shipment_not_found"


def _seller_headers(factory, session, seller):
    from shop.accounts.models import User

    owner = session.scalar(select(User).where(User.seller_id == seller.id))
    return factory.headers(owner)


def test_a_customer_sees_only_its_own_orders_parcels(client, db_session, factory, fake_payments):
    hub = warehouse(db_session)
    variant = make_item(db_session, stock=5, warehouse=hub)
    alice, bob = factory.user(), factory.user()
    alice_headers = factory.headers(alice)
    order = paid_order(client, db_session, [(variant, 1)], email=alice.email, headers=alice_headers)
    tasks.create_shipments(order.id)
    db_session.commit()
    mine = client.get(f"/api/v1/store/orders/{order.id}", headers=alice_headers)
    assert mine.status_code == 200 and len(mine.json["shipments"]) == 1
    theirs = client.get(f"/api/v1/store/orders/{order.id}", headers=factory.headers(bob))
    assert theirs.status_code == 404 and "shipments" not in theirs.json


def _webhook(client, payload, secret=SECRET):
    headers, body = request(payload, secret)
    return client.post("/api/v1/carriers/aftership/webhook", data=body, headers=headers)


def test_the_webhook_records_each_update_once_and_refuses_forgeries(client, db_session, app, monkeypatch, parcel):
    monkeypatch.setitem(app.config, "AFTERSHIP_WEBHOOK_SECRET", SECRET)
    headers, shipment = parcel["headers"], parcel["shipment"]
    number = ems_number()
    work(client, headers, shipment.id, tracking=number)
    hand_over_ago(db_session, shipment.id, hours=48)
    points = [checkpoint(checkpoint_time=ago(hours=h).isoformat(), tag=tag, subtag=sub, message=msg)
              for h, tag, sub, msg in ((30, "InTransit", "InTransit_007", "Departed"),
                                       (3, "Delivered", "Delivered_001", "Front door"))]
    payload = sample_payload(number, checkpoints=points)

    forged = _webhook(client, payload, secret="not-the-secret")
    assert forged.status_code == 401 and forged.mimetype == PROBLEM
    assert forged.json["code"] == "bad_webhook_signature"
    assert counts(db_session)[0] == 0

    first = _webhook(client, payload)
    assert first.status_code == 200 and first.json["recorded"] == 2, first.json
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "delivered"
    assert db_session.get(Order, parcel["order"].id).status == "delivered"
    again = _webhook(client, payload)
    assert again.json == {"recorded": 0, "flagged": 0, "duplicate": 2, "unknown": 0, "refused": 0}
    assert counts(db_session)[0] == 2

    stranger = _webhook(client, sample_payload("EE000000000KR", checkpoints=points))
    assert stranger.status_code == 200 and stranger.json["unknown"] == 2
    garbage = client.post("/api/v1/carriers/aftership/webhook", data=b"{not json",
                          headers=request(b"{not json")[0])
    assert garbage.status_code == 422 and garbage.mimetype == PROBLEM
    assert client.post("/api/v1/carriers/nobody/webhook", data=b"{}").status_code == 404


def test_cancel_puts_stock_back_and_reship_allocates_it_again(client, db_session, parcel):
    headers, shipment, hub = parcel["headers"], parcel["shipment"], parcel["hub"]
    a, _ = parcel["variants"]
    assert level_of(db_session, a.id, hub).allocated == 2
    canceled = client.post(f"/api/v1/admin/shipments/{shipment.id}/cancel", json={"reason": "box damaged"},
                           headers=headers)
    assert canceled.status_code == 200 and canceled.json["status"] == "canceled"
    assert level_of(db_session, a.id, hub).allocated == 0
    assert check_ledger(db_session) == []
    again = client.post(f"/api/v1/admin/shipments/{shipment.id}/cancel", json={"reason": "x"}, headers=headers)
    assert again.status_code == 409

    reshipped = client.post(f"/api/v1/admin/shipments/{shipment.id}/reship", headers=headers)
    assert reshipped.status_code == 201, reshipped.json
    (new,) = reshipped.json
    assert new["replaces_id"] == shipment.id and new["attempt"] == 2 and new["status"] == "pending"
    assert level_of(db_session, a.id, hub).allocated == 2
    assert client.post(f"/api/v1/admin/shipments/{shipment.id}/reship", headers=headers).status_code == 409
    assert work(client, headers, new["id"]).status_code == 200
    db_session.expire_all()
    assert db_session.get(Order, parcel["order"].id).status == "shipped"
    assert level_of(db_session, a.id, hub).on_hand == 3
    assert check_ledger(db_session) == []


def test_the_export_list_has_a_row_per_item_with_its_krw_fob_value(client, db_session, parcel):
    headers, shipment = parcel["headers"], parcel["shipment"]
    a, b = parcel["variants"]
    number = ems_number()
    work(client, headers, shipment.id, tracking=number)
    db_session.expire_all()
    day = reads.get_shipment(db_session, shipment.id).handed_over_at
    from zoneinfo import ZoneInfo

    seoul = day.astimezone(ZoneInfo("Asia/Seoul")).date()
    response = client.get(f"/api/v1/admin/exports/declarations.csv?date={seoul.isoformat()}", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    # a spreadsheet reads it as UTF-8 (byte-order mark), and the header says so too
    assert response.mimetype_params == {"charset": "utf-8", "header": "present"}
    assert response.data.startswith(b"\xef\xbb\xbfhanded_over_on,")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    mine = [r for r in rows if r["shipment_number"] == shipment.number]
    assert sorted(r["sku"] for r in mine) == sorted([a.sku, b.sku])
    order_lines = {ln.sku: ln for ln in db_session.get(Order, parcel["order"].id).lines}
    for row in mine:
        line = order_lines[row["sku"]]
        assert int(row["line_fob_krw"]) == line.unit_price_krw * line.quantity
        assert row["tracking_number"] == number and row["destination_country"] == "US"
        assert row["hs_code"] and row["exporter_business_number"]
        seller = next(s for s in parcel["sellers"] if s.id == row["seller_id"])
        assert row["exporter_name"] == seller.legal_name and "상사" in row["exporter_name"]  # Korean, intact
    bad = client.get("/api/v1/admin/exports/declarations.csv?date=yesterday", headers=headers)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
