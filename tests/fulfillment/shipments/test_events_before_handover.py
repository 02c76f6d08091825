"""Tracking events dated before the parcel's hand-over: refused from ops, kept flagged from carriers.

Either way neither the parcel's status and dates nor the order's move, and the buyer is not told.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from fulfillment.shipments import tasks, tracking_rules
from fulfillment.shipments.errors import EventBeforeHandOver, EventInFuture
from fulfillment.shipments.models import Shipment, TrackingEvent
from shop.core.db import utcnow
from shop.core.notifications.models import Notification
from shop.orders.models import Order
from tests.fulfillment.carriers.aftership_fixtures import SECRET, checkpoint, request, sample_payload
from tests.fulfillment.shipments.helpers import (
    ems_number,
    event,
    order_token,
    paid_order,
    shipments_of,
    staff,
    warehouse,
    work,
)
from tests.shop.checkout.helpers import make_item, make_seller

PROBLEM = "application/problem+json"


@pytest.fixture
def handed(client, db_session, factory, fake_payments):
    """One parcel of a paid order, handed over just now with a known tracking number."""
    hub = warehouse(db_session)
    variant = make_item(db_session, make_seller(db_session), stock=3, warehouse=hub)
    order = paid_order(client, db_session, [(variant, 1)])
    tasks.create_shipments(order.id)
    db_session.commit()
    (shipment,) = shipments_of(db_session, order.id)
    headers, number = staff(factory), ems_number()
    response = work(client, headers, shipment.id, tracking=number)
    assert response.status_code == 200, response.json
    db_session.expire_all()
    shipment = db_session.get(Shipment, shipment.id)
    return SimpleNamespace(id=shipment.id, order_id=order.id, email=order.email, number=number, headers=headers,
                           handed_over_at=shipment.handed_over_at)


def state(session, handed) -> dict:
    """What an event must not move: the parcel's status and dates, the order's, the buyer's e-mails."""
    session.expire_all()
    shipment, order = session.get(Shipment, handed.id), session.get(Order, handed.order_id)
    mails = session.scalars(select(Notification.template).where(Notification.recipient == handed.email))
    return {"status": shipment.status, "delivered_at": shipment.delivered_at, "last_event_at": shipment.last_event_at,
            "order_status": order.status, "order_delivered_at": order.delivered_at, "mails": sorted(mails)}


def event_count(session, handed) -> int:
    return session.scalar(select(func.count()).select_from(TrackingEvent).where(TrackingEvent.shipment_id == handed.id))


def webhook(client, payload):
    headers, body = request(payload, SECRET)
    return client.post("/api/v1/carriers/aftership/webhook", data=body, headers=headers)


# --- ops --------------------------------------------------------------------------------------

@pytest.mark.parametrize("type_", ["delivered", "in_transit", "exception", "returned_to_sender", "out_for_delivery"])
def test_ops_cannot_date_an_event_before_the_hand_over(client, db_session, handed, type_):
    before = state(db_session, handed)
    response = event(client, handed.headers, handed.id, type_, handed.handed_over_at - timedelta(days=2))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["code"] == "event_before_handover"
    assert "occurred_at" in response.json["errors"]
    assert response.json["handed_over_at"].startswith(handed.handed_over_at.isoformat()[:19])
    assert state(db_session, handed) == before and before["status"] == "handed_over"
    assert event_count(db_session, handed) == 0


def test_the_refusal_speaks_the_requests_language(client, handed):
    when = handed.handed_over_at - timedelta(days=2)
    english = event(client, {**handed.headers, "Accept-Language": "en"}, handed.id, "delivered", when)
    german = event(client, {**handed.headers, "Accept-Language": "de"}, handed.id, "delivered", when)
    assert german.status_code == 422 and german.json["code"] == "event_before_handover"
    assert german.headers["Content-Language"] == "de"
    assert english.headers["Content-Language"] == "en"
    assert german.json["title"] != english.json["title"]
    assert german.json["errors"]["occurred_at"] != english.json["errors"]["occurred_at"]


def test_an_event_within_the_clock_skew_counts_from_the_hand_over(client, db_session, handed):
    response = event(client, handed.headers, handed.id, "delivered", handed.handed_over_at - timedelta(minutes=2))
    assert response.status_code == 200, response.json
    after = state(db_session, handed)
    assert after["status"] == "delivered" and after["order_status"] == "delivered"
    # never before the hand-over, so the order is not delivered before it shipped
    assert after["delivered_at"] == handed.handed_over_at == after["order_delivered_at"]
    assert db_session.get(Order, handed.order_id).shipped_at <= after["order_delivered_at"]


def test_the_clock_skew_is_configurable(app, client, db_session, handed, monkeypatch):
    assert app.config["TRACKING_CLOCK_SKEW_SECONDS"] == 300
    monkeypatch.setitem(app.config, "TRACKING_CLOCK_SKEW_SECONDS", 0)
    strict = event(client, handed.headers, handed.id, "in_transit", handed.handed_over_at - timedelta(minutes=2))
    assert strict.status_code == 422 and strict.json["code"] == "event_before_handover"
    monkeypatch.setitem(app.config, "TRACKING_CLOCK_SKEW_SECONDS", 3600)
    lenient = event(client, handed.headers, handed.id, "in_transit", handed.handed_over_at - timedelta(minutes=30))
    assert lenient.status_code == 200 and lenient.json["shipment"]["status"] == "in_transit"


def test_a_label_made_before_the_hand_over_is_recorded(client, db_session, handed):
    response = event(client, handed.headers, handed.id, "label_created", handed.handed_over_at - timedelta(days=1))
    assert response.status_code == 200 and response.json["event"]["flag"] is None
    assert state(db_session, handed)["status"] == "handed_over"


# --- carriers ---------------------------------------------------------------------------------

def test_a_carrier_event_before_the_hand_over_is_kept_flagged_and_moves_nothing(client, db_session, app,
                                                                                  monkeypatch, handed):
    monkeypatch.setitem(app.config, "AFTERSHIP_WEBHOOK_SECRET", SECRET)
    before = state(db_session, handed)
    early = checkpoint(checkpoint_time=(handed.handed_over_at - timedelta(days=2)).isoformat(), tag="Delivered",
                       subtag="Delivered_001", message="Front door")
    payload = sample_payload(handed.number, checkpoints=[early])

    response = webhook(client, payload)
    assert response.status_code == 200
    assert response.json == {"recorded": 0, "flagged": 1, "duplicate": 0, "unknown": 0, "refused": 0}
    assert state(db_session, handed) == before  # status, dates, order, no "delivered" e-mail
    assert before["status"] == "handed_over" and "shipment_delivered" not in before["mails"]
    assert webhook(client, payload).json["duplicate"] == 1

    ops = client.get(f"/api/v1/admin/shipments/{handed.id}", headers=handed.headers)
    (shown,) = ops.json["events"]
    assert (shown["type"], shown["flag"], shown["source"]) == ("delivered", "before_handover", "webhook")
    order = db_session.get(Order, handed.order_id)
    buyer = client.get(f"/api/v1/store/orders/{order.id}", headers={"X-Order-Token": order_token(order)})
    assert [e["type"] for e in buyer.json["shipments"][0]["timeline"]] == ["handed_over"]

    # the parcel's real delivery, after the hand-over, still counts
    real = checkpoint(checkpoint_time=utcnow().isoformat(), tag="Delivered", subtag="Delivered_001",
                      message="Handed to resident")
    assert webhook(client, sample_payload(handed.number, checkpoints=[early, real])).json["recorded"] == 1
    after = state(db_session, handed)
    assert after["status"] == "delivered" and after["delivered_at"] >= handed.handed_over_at
    assert after["order_status"] == "delivered" and "shipment_delivered" in after["mails"]


def test_the_openapi_document_describes_the_flag(client):
    spec = client.get("/api/v1/openapi.json").json
    flag = spec["components"]["schemas"]["Event"]["properties"]["flag"]
    assert flag["enum"] == ["before_handover", None] and flag["nullable"] is True and "hand-over" in flag["description"]
    assert "flagged" in spec["components"]["schemas"]["WebhookResult"]["properties"]


# --- the rule itself --------------------------------------------------------------------------

NOW = utcnow()
HANDED = NOW - timedelta(days=1)


@pytest.mark.parametrize("type_, occurred_at, source, expected", [
    ("delivered", HANDED + timedelta(hours=1), "ops", (HANDED + timedelta(hours=1), None)),
    ("delivered", HANDED - timedelta(days=2), "webhook", (HANDED - timedelta(days=2), "before_handover")),
    ("exception", HANDED - timedelta(hours=1), "poll", (HANDED - timedelta(hours=1), "before_handover")),
    ("in_transit", HANDED - timedelta(minutes=4), "webhook", (HANDED, None)),  # within the skew
    ("in_transit", HANDED - timedelta(minutes=4), "ops", (HANDED, None)),
    ("label_created", HANDED - timedelta(days=1), "carrier", (HANDED - timedelta(days=1), None)),
    ("delivered", NOW + timedelta(minutes=4), "webhook", (NOW, None)),  # a carrier clock a little ahead
])
def test_where_an_event_stands_against_the_hand_over(type_, occurred_at, source, expected):
    shipment = SimpleNamespace(handed_over_at=HANDED)
    assert tracking_rules.check_event_time(shipment, type=type_, occurred_at=occurred_at, source=source,
                                           now=NOW) == expected


@pytest.mark.parametrize("occurred_at, source, error", [
    (HANDED - timedelta(minutes=6), "ops", EventBeforeHandOver),
    (NOW + timedelta(minutes=6), "webhook", EventInFuture),
    (NOW.replace(tzinfo=None), "ops", EventInFuture),
])
def test_what_an_event_time_cannot_be(occurred_at, source, error):
    with pytest.raises(error):
        tracking_rules.check_event_time(SimpleNamespace(handed_over_at=HANDED), type="delivered",
                                        occurred_at=occurred_at, source=source, now=NOW)


def test_a_parcel_not_handed_over_leaves_the_decision_to_its_state():
    shipment = SimpleNamespace(handed_over_at=None)
    assert tracking_rules.check_event_time(shipment, type="delivered", occurred_at=HANDED, source="ops",
                                           now=NOW) == (HANDED, None)


@pytest.mark.parametrize("config, seconds", [({}, 300), ({"TRACKING_CLOCK_SKEW_SECONDS": 0}, 0),
                                             ({"TRACKING_CLOCK_SKEW_SECONDS": "90"}, 90),
                                             ({"TRACKING_CLOCK_SKEW_SECONDS": -5}, 0)])
def test_the_clock_skew_comes_from_the_configuration(config, seconds):
    assert tracking_rules.clock_skew(config) == timedelta(seconds=seconds)
