"""Finding and locking a shipment.

Locks, always in this order: the order (``lock_order``), then its shipments (by id), then
stock levels (the ledger's ``lock_levels``). The shipment use cases (``creation``,
``warehouse``, ``tracking``) only flush; the caller commits. No carrier or mail server is
called from them: work that talks to the outside is deferred through the outbox (``tasks``)
and runs after the decision committed.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from fulfillment.carriers import registry
from shop.orders import services as orders
from shop.orders.models import Order

from .errors import (
    InvalidShipmentTransition,
    ShipmentNotFound,
)
from .models import Shipment

SHIPPABLE_ORDER = ("paid", "partially_shipped", "shipped")


def carrier_of(shipment: Shipment):
    return registry.carrier_for(shipment.carrier, current_app.config)


def lock_shipment(session: Session, shipment_id: str) -> Shipment:
    shipment = session.scalar(select(Shipment).where(Shipment.id == shipment_id).with_for_update()
                              .execution_options(populate_existing=True))
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def lock_with_order(session: Session, shipment_id: str) -> tuple[Order, Shipment]:
    """Lock the shipment's order, then the shipment (the module's lock order)."""
    order_id = session.scalar(select(Shipment.order_id).where(Shipment.id == shipment_id))
    if order_id is None:
        raise ShipmentNotFound()
    order = orders.lock_order(session, order_id)
    return order, lock_shipment(session, shipment_id)


def refuse(shipment: Shipment, action: str):
    raise InvalidShipmentTransition(current=shipment.status, action=action)
