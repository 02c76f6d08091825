"""A repaired item going back to its buyer: a zero-price parcel of the order that allocates nothing.

The item is the buyer's own, so no stock is reserved, allocated or taken off hand: the parcel
has no shipment lines (they are drawn from reservation lines) and ``hand_over`` then ships
nothing through the ledger; ``returned_items`` names what it carries, for the pick list, the
customs invoice and the buyer's e-mails (``Shipment.carried``). Otherwise it is a parcel like
any other: pick, pack, hand-over with a tracking number, carrier events and a delivered date;
the order keeps its status, and the parcel counts as a later attempt from its warehouse.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fulfillment.warehouses.models import Warehouse
from shop.catalog.models import ProductVariant
from shop.orders import services as orders
from shop.orders.models import OrderLine

from .creation import next_attempt, quote_parcel
from .models import Shipment


def ship_back(session: Session, order_id: str, *, warehouse_id: str, items: list[tuple[str, int]]) -> Shipment:
    """A new ``pending`` parcel of ``order_id`` from ``warehouse_id`` for ``items`` ((order line id, quantity)),
    sized from the catalogue like the first parcel; flushed, the caller commits.

    Locks the order. ``ValueError`` for an unknown warehouse or line, a line of another order, or nothing to send.
    """
    order = orders.lock_order(session, order_id)
    warehouse = session.get(Warehouse, warehouse_id)
    lines = [(session.get(OrderLine, line_id), quantity) for line_id, quantity in items]
    if order is None or warehouse is None or not lines or any(
            line is None or line.order_id != order_id or quantity < 1 for line, quantity in lines):
        raise ValueError("a ship-back parcel needs the order, a warehouse and the order's items")
    variants = [(session.get(ProductVariant, line.variant_id), quantity) for line, quantity in lines]
    count = session.scalar(select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id)) or 0
    shipment = Shipment(number=f"{order.number}-{count + 1}", order_id=order.id, warehouse_id=warehouse.id,
                        seller_id=warehouse.seller_id, attempt=next_attempt(session, order, warehouse.id),
                        carrier=order.shipping_carrier, service=order.shipping_service, status="pending",
                        returned_items=[{"order_line_id": line.id, "variant_id": line.variant_id,
                                         "seller_id": line.seller_id, "sku": line.sku, "quantity": quantity}
                                        for line, quantity in lines],
                        **quote_parcel(order.shipping_service, variants))
    session.add(shipment)
    session.flush()
    return shipment
