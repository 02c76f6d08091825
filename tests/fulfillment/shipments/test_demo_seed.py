"""``demo seed`` ends with demo orders whose parcels are at every stage, and seeding again adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from fulfillment.shipments.models import Shipment, ShipmentPackage, TrackingEvent
from shop.checkout.models import CheckoutKey
from shop.core.db import utcnow
from shop.orders.models import Order
from shop.payments.models import Payment

TABLES = (Order, Payment, Shipment, ShipmentPackage, TrackingEvent, CheckoutKey)


def _seed(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def _counts(session) -> dict:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def _demo_orders(session) -> dict[str, Order]:
    rows = session.execute(select(CheckoutKey.key, Order).join(Order, Order.id == CheckoutKey.order_id)
                           .where(CheckoutKey.key.like("demo-shipments:%"))).all()
    return {key.split(":", 1)[1]: order for key, order in rows}


def _parcels(session, order) -> dict[str, Shipment]:
    shipments = session.scalars(select(Shipment).where(Shipment.order_id == order.id)).all()
    return {shipment.warehouse.code: shipment for shipment in shipments}


def test_demo_seed_shows_parcels_at_every_stage_and_is_idempotent(app, db_session):
    _seed(app)
    first = _counts(db_session)
    orders = _demo_orders(db_session)

    assert {name: order.status for name, order in orders.items()} == {
        "paid": "paid", "packed": "paid", "in_transit": "shipped", "delivered": "delivered", "exception": "shipped",
        "kettle_jp": "delivered"}
    statuses = set(db_session.scalars(select(Shipment.status).where(
        Shipment.order_id.in_([order.id for order in orders.values()]))))
    assert {"pending", "packed", "in_transit", "delivered", "exception"} <= statuses
    for name, order in orders.items():
        assert order.email == ("buyer.jp@example.com" if name == "kettle_jp" else "buyer.us@example.com")
        payment = db_session.scalar(select(Payment).where(Payment.order_id == order.id))
        assert (payment.provider, payment.status, payment.captured_minor) == ("demo", "succeeded", order.total_minor)

    assert {code: s.status for code, s in _parcels(db_session, orders["paid"]).items()} == {"ICN-BONDED": "pending"}
    packed = _parcels(db_session, orders["packed"])["ICN-BONDED"]
    assert packed.status == "packed" and len(packed.packages) == 1 and not packed.over_quote
    assert len({line.seller_id for line in packed.lines}) == 2  # two sellers, one parcel from the hub
    delivered = _parcels(db_session, orders["delivered"])
    assert list(delivered) == ["ICN-BONDED"] and len({line.seller_id for line in delivered["ICN-BONDED"].lines}) == 2
    assert [e.type for e in delivered["ICN-BONDED"].events][-1] == "delivered"
    assert orders["delivered"].delivered_at == delivered["ICN-BONDED"].delivered_at
    split = _parcels(db_session, orders["exception"])
    assert {code: s.status for code, s in split.items()} == {"ICN-BONDED": "exception", "ICHEON-STUDIO": "in_transit"}
    assert split["ICHEON-STUDIO"].seller_id is not None and split["ICN-BONDED"].seller_id is None
    kettle = orders["kettle_jp"]
    assert (kettle.market_code, kettle.locale, kettle.currency) == ("JP", "ja", "JPY")
    assert [line.sku for line in kettle.lines] == ["PANGYO-KETTLE-BLACK-STD"] and kettle.delivered_at

    now = utcnow()
    for order in orders.values():
        for shipment in _parcels(db_session, order).values():
            if shipment.handed_over_at is None:
                continue
            assert shipment.tracking_number.endswith("KR") or shipment.carrier != "korea_post"
            assert order.paid_at < shipment.packed_at < shipment.handed_over_at <= order.shipped_at
            times = [event.occurred_at for event in shipment.events]
            assert times == sorted(times) and shipment.handed_over_at < times[0] and times[-1] < now
            assert {event.actor for event in shipment.events} == {"demo"}

    _seed(app)
    assert _counts(db_session) == first
