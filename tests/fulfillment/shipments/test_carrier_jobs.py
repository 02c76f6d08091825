"""Jobs that talk to carriers: booking after packing, the tracking poll, the daily export list."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from fulfillment.carriers import registry
from fulfillment.carriers.base import Booking, CarrierUnavailable, TrackingUpdate
from fulfillment.carriers.manual import ManualCarrier
from fulfillment.shipments import access, tasks
from fulfillment.shipments.models import Shipment
from shop.orders.models import Order
from tests.fulfillment.shipments.helpers import (
    PACKAGE,
    ago,
    ems_number,
    hand_over_ago,
    paid_order,
    shipments_of,
    staff,
    warehouse,
)
from tests.shop.checkout.helpers import make_item, make_seller


class ScriptedCarrier(ManualCarrier):
    """A carrier with an API, played from class attributes (what a real adapter's HTTP calls return)."""

    booked: list = []
    canceled: list = []
    events: dict = {}
    down = False

    def book(self, request):
        number = ems_number()
        ScriptedCarrier.booked.append((request.reference, request.receiver.country, request.packages))
        return Booking(tracking_number=number, label_reference=f"label-{request.reference}")

    def cancel(self, tracking_number):
        ScriptedCarrier.canceled.append(tracking_number)

    def fetch_events(self, tracking_number):
        if ScriptedCarrier.down:
            raise CarrierUnavailable("carrier API timed out")
        return ScriptedCarrier.events.get(tracking_number, [])


@pytest.fixture
def scripted(app, monkeypatch):
    monkeypatch.setitem(registry.ADAPTERS, "scripted", ScriptedCarrier)
    monkeypatch.setitem(app.config, "CARRIER_ADAPTERS", {"korea_post": "scripted"})
    monkeypatch.setattr(ScriptedCarrier, "booked", [])
    monkeypatch.setattr(ScriptedCarrier, "canceled", [])
    monkeypatch.setattr(ScriptedCarrier, "events", {})
    monkeypatch.setattr(ScriptedCarrier, "down", False)
    return ScriptedCarrier


@pytest.fixture
def packed(client, db_session, factory, fake_payments):
    own_seller = make_seller(db_session)
    own = warehouse(db_session, "seller", seller=own_seller)
    variant = make_item(db_session, own_seller, stock=3, warehouse=own)
    order = paid_order(client, db_session, [(variant, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    (shipment,) = shipments_of(db_session, order.id)
    headers = staff(factory)
    client.post(f"/api/v1/admin/shipments/{shipment.id}/pick", headers=headers)
    assert client.post(f"/api/v1/admin/shipments/{shipment.id}/pack", json={"packages": [PACKAGE]},
                       headers=headers).status_code == 200
    return {"shipment": shipment, "order": order, "seller": own_seller, "headers": headers}


def test_a_carrier_with_an_api_books_the_packed_parcel_once(client, db_session, scripted, packed):
    shipment = packed["shipment"]
    assert carrier_kind(shipment) == "ScriptedCarrier"
    assert tasks.book_shipment(shipment.id) == "booked"
    assert tasks.book_shipment(shipment.id) == "skipped"  # the job again: nothing booked twice
    assert len(scripted.booked) == 1 and scripted.booked[0][1] == "US"
    db_session.expire_all()
    booked = db_session.get(Shipment, shipment.id)
    assert booked.tracking_number and booked.label_reference == f"label-{booked.number}"
    assert [e.type for e in booked.events] == ["label_created"]
    # the number came from the carrier: hand-over needs none
    response = client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={}, headers=packed["headers"])
    assert response.status_code == 200 and response.json["tracking_number"] == booked.tracking_number


def carrier_kind(shipment) -> str:
    return type(access.carrier_of(shipment)).__name__


def test_canceling_a_booked_parcel_cancels_the_booking(client, db_session, scripted, packed):
    shipment = packed["shipment"]
    tasks.book_shipment(shipment.id)
    db_session.commit()
    response = client.post(f"/api/v1/admin/shipments/{shipment.id}/cancel", json={"reason": "buyer moved"},
                           headers=packed["headers"])
    assert response.status_code == 200
    db_session.expire_all()
    number = db_session.get(Shipment, shipment.id).tracking_number
    assert tasks.cancel_booking(carrier="korea_post", tracking_number=number) == "canceled"
    assert scripted.canceled == [number]


def test_the_poll_records_new_events_once_and_survives_a_carrier_outage(client, db_session, scripted, packed):
    shipment = packed["shipment"]
    number = ems_number()
    client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={"tracking_number": number},
                headers=packed["headers"])
    hand_over_ago(db_session, shipment.id, hours=24)
    scripted.events[number] = [
        TrackingUpdate(tracking_number=number, type="in_transit", occurred_at=ago(hours=20), external_id="e1"),
        TrackingUpdate(tracking_number=number, type="delivered", occurred_at=ago(hours=1), location="Springfield",
                       external_id="e2"),
    ]
    scripted.down = True
    assert tasks.poll_tracking()["failed"] == 1
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "handed_over"
    scripted.down = False
    first = tasks.poll_tracking()
    assert first["recorded"] == 2 and first["polled"] == 1
    db_session.expire_all()
    assert db_session.get(Shipment, shipment.id).status == "delivered"
    assert db_session.get(Order, packed["order"].id).status == "delivered"
    assert tasks.poll_tracking()["polled"] == 0  # delivered parcels are no longer asked about


def test_the_poll_keeps_an_event_before_the_hand_over_flagged_and_moves_nothing(client, db_session, scripted, packed):
    shipment, order = packed["shipment"], packed["order"]
    number = ems_number()
    client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={"tracking_number": number},
                headers=packed["headers"])
    db_session.expire_all()
    handed_over_at = db_session.get(Shipment, shipment.id).handed_over_at
    scripted.events[number] = [TrackingUpdate(tracking_number=number, type="delivered", external_id="early",
                                              occurred_at=handed_over_at - timedelta(days=2))]
    counts = tasks.poll_tracking()
    assert (counts["flagged"], counts["recorded"], counts["refused"]) == (1, 0, 0)
    db_session.expire_all()
    parcel = db_session.get(Shipment, shipment.id)
    assert (parcel.status, parcel.delivered_at, parcel.last_event_at) == ("handed_over", None, handed_over_at)
    assert [(e.type, e.flag, e.source) for e in parcel.events] == [("delivered", "before_handover", "poll")]
    order = db_session.get(Order, order.id)
    assert (order.status, order.delivered_at) == ("shipped", None)
    assert tasks.poll_tracking()["duplicate"] == 1  # still on its way: asked again, nothing new


def test_the_invoice_names_the_seller_when_it_ships_from_its_own_warehouse(client, db_session, packed):
    from pypdf import PdfReader

    shipment, seller = packed["shipment"], packed["seller"]
    pdf = client.get(f"/api/v1/admin/shipments/{shipment.id}/documents/invoice.pdf", headers=packed["headers"])
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert seller.legal_name in text or seller.business_number[:3] in text
    assert shipment.lines[0].sku in text
    missing = client.get("/api/v1/admin/shipments/shp_missing/documents/invoice.pdf", headers=packed["headers"])
    assert missing.status_code == 404


def test_the_daily_export_list_is_written_once_per_day(app, client, db_session, packed, tmp_path, monkeypatch):
    from zoneinfo import ZoneInfo

    monkeypatch.setitem(app.config, "EXPORTS_FOLDER", str(tmp_path))
    shipment = packed["shipment"]
    client.post(f"/api/v1/admin/shipments/{shipment.id}/hand-over", json={"tracking_number": ems_number()},
                headers=packed["headers"])
    db_session.expire_all()
    day = db_session.get(Shipment, shipment.id).handed_over_at.astimezone(ZoneInfo("Asia/Seoul")).date()
    path = tasks.write_export_list(day.isoformat())
    again = tasks.write_export_list(day.isoformat())
    assert path == again and path.endswith(f"declarations-{day.isoformat()}.csv")
    with open(path, "rb") as written:
        body = written.read()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: a spreadsheet keeps the Korean
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [r["shipment_number"] for r in rows] == [shipment.number]
    assert rows[0]["exporter_business_number"].replace("-", "") == packed["seller"].business_number
