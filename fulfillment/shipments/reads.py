"""Reads of shipments for the API: lists, one shipment (a seller's only with its goods), an order's."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shop.orders.models import OrderLine

from .errors import (
    ShipmentNotFound,
)
from .models import Shipment, ShipmentLine


def shipments_query(*, status=None, warehouse_id=None, order_id=None, seller_id=None, over_quote=None):
    query = select(Shipment).order_by(Shipment.created_at.desc(), Shipment.id)
    if status:
        query = query.where(Shipment.status == status)
    if warehouse_id:
        query = query.where(Shipment.warehouse_id == warehouse_id)
    if order_id:
        query = query.where(Shipment.order_id == order_id)
    if over_quote is not None:
        query = query.where(Shipment.over_quote.is_(over_quote))
    if seller_id:
        query = query.where(exists().where(ShipmentLine.shipment_id == Shipment.id,
                                           ShipmentLine.seller_id == seller_id))
    return query


def get_shipment(session: Session, shipment_id: str, *, seller_id: str | None = None) -> Shipment:
    """The shipment; for a seller only one holding its goods (else ``ShipmentNotFound``)."""
    shipment = session.scalar(shipments_query(seller_id=seller_id).where(Shipment.id == shipment_id))
    if shipment is None:
        raise ShipmentNotFound()
    return shipment


def order_shipments(session: Session, order_id: str) -> list[Shipment]:
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.number)))


def order_line_names(session: Session, shipment: Shipment) -> dict[str, OrderLine]:
    ids = [line.order_line_id for line in shipment.carried]
    return {line.id: line for line in session.scalars(select(OrderLine).where(OrderLine.id.in_(ids)))}
