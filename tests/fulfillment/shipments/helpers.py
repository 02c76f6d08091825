"""Builders for shipment tests: warehouses with addresses, paid orders through the real checkout."""
from __future__ import annotations

import itertools
import os
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from fulfillment.carriers.manual import s10_check_digit
from fulfillment.shipments.models import Shipment
from fulfillment.warehouses.services import create_warehouse
from shop.core.db import utcnow
from shop.orders import services as orders
from shop.orders.models import Order
from tests.shop.checkout.helpers import ADDRESSES, checkout

_n = itertools.count(1)
ADDRESS = {"name": "Dari Test Hub", "line1": "272 Gonghang-ro", "city": "Incheon", "postal_code": "22382",
           "country": "KR"}
PACKAGE = {"weight_g": 900, "length_mm": 300, "width_mm": 200, "height_mm": 150}


def warehouse(session, kind: str = "consolidation", *, seller=None):
    n = next(_n)
    created = create_warehouse(session, code=f"S{kind[:3].upper()}{n}-{os.urandom(2).hex()}",
                               name=f"Shipping test {kind} {n}", kind=kind, country="KR",
                               seller_id=seller.id if seller is not None else None, address=dict(ADDRESS))
    session.commit()
    return created


def place(client, lines, *, market: str = "US", service: str = "ems", email: str = "buyer@example.com",
          headers: dict | None = None, locale: str | None = None, acknowledge: bool = False) -> dict:
    """Check out a cart of ``lines`` ((variant, quantity)) through the API; the checkout response.

    ``acknowledge``: the buyer acknowledges each line's return exclusions before paying."""
    headers = headers or {}
    body = {"market": market, "email": email, **({"locale": locale} if locale else {})}
    cart = client.post("/api/v1/store/carts", json=body, headers=headers)
    assert cart.status_code == 201, cart.json
    cart_id = cart.json["id"]
    for variant, quantity in lines:
        response = client.post(f"/api/v1/store/carts/{cart_id}/lines",
                               json={"variant_id": variant.id, "quantity": quantity}, headers=headers)
        assert response.status_code == 201, response.json
    if acknowledge:
        for line in client.get(f"/api/v1/store/carts/{cart_id}", headers=headers).json["lines"]:
            if line["return_exclusions"]:
                answer = client.put(f"/api/v1/store/carts/{cart_id}/lines/{line['id']}/return-acknowledgement",
                                    headers=headers)
                assert answer.status_code == 200, answer.json
    response = client.put(f"/api/v1/store/carts/{cart_id}/shipping-address", json=ADDRESSES[market],
                          headers=headers)
    assert response.status_code == 200, response.json
    response = client.put(f"/api/v1/store/carts/{cart_id}/shipping-option", json={"service": service},
                          headers=headers)
    assert response.status_code == 200, response.json
    response = checkout(client, cart_id, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def paid_order(client, session, lines, **kwargs) -> Order:
    """An order of ``lines`` paid (as the payment webhook would mark it) and committed."""
    placed = place(client, lines, **kwargs)
    order = session.get(Order, placed["order"]["id"])
    orders.mark_paid(session, order)
    session.commit()
    return order


def ago(**kwargs):
    return utcnow() - timedelta(**kwargs)


def iso(value) -> str:
    return value.isoformat()


_serial = itertools.count(10_000_001 + int.from_bytes(os.urandom(2)) * 1000)


def ems_number() -> str:
    serial = f"{next(_serial):08d}"
    return f"EE{serial}{s10_check_digit(serial)}KR"


def staff(factory):
    return factory.headers(factory.user("ops"))


def shipments_of(session, order_id):
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.number)
                                .execution_options(populate_existing=True)))


def work(client, headers, shipment_id, *, tracking: str | None = None, package=PACKAGE):
    """Pick, pack and hand over one shipment through the API; the hand-over response."""
    assert client.post(f"/api/v1/admin/shipments/{shipment_id}/pick", headers=headers).status_code == 200
    packed = client.post(f"/api/v1/admin/shipments/{shipment_id}/pack", json={"packages": [package]},
                         headers=headers)
    assert packed.status_code == 200, packed.json
    return client.post(f"/api/v1/admin/shipments/{shipment_id}/hand-over",
                       json={"tracking_number": tracking or ems_number()}, headers=headers)


def hand_over_ago(session, shipment_id, **kwargs) -> None:
    """Move a parcel's hand-over (and its order's shipping date) back by ``kwargs``, as the demo
    does: the carrier events a test then sends, dated hours ago, come after it. Committed."""
    shipment = session.get(Shipment, shipment_id)
    shipment.handed_over_at = shipment.last_event_at = ago(**kwargs)
    order = session.get(Order, shipment.order_id)
    order.shipped_at = min(order.shipped_at or shipment.handed_over_at, shipment.handed_over_at)
    session.commit()


def event(client, headers, shipment_id, type_, when, **extra):
    return client.post(f"/api/v1/admin/shipments/{shipment_id}/events",
                       json={"type": type_, "occurred_at": when.isoformat(), **extra}, headers=headers)


def order_token(order) -> str:
    return orders.access_token(order.id, current_app.config["SECRET_KEY"])
