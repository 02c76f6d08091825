"""Creating shipments: a paid order's allocation split into parcels per warehouse, re-shipments after
a cancel, and replacements sent under a return.

Idempotence: ``create_for_order`` derives the shipments from the order and its reservation
lines; a second run (or a retry after a crash) finds them and adds nothing, and the unique
constraints (order, warehouse, attempt) and (reservation line) stop a concurrent run.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from fulfillment.inventory.services import reservations
from fulfillment.shipping import rates
from fulfillment.warehouses.models import Warehouse
from shop.catalog.models import ProductVariant
from shop.core.db import utcnow
from shop.core.jobs.outbox import defer
from shop.orders import services as orders
from shop.orders.models import Order

from .access import SHIPPABLE_ORDER, lock_with_order
from .errors import (
    NothingToReship,
)
from .models import UNSHIPPED, Shipment, ShipmentLine
from .warehouse import defer_booking_cancel


def quote_parcel(service_code: str, lines: list[tuple[ProductVariant, int]]) -> dict:
    parcel = rates.pack([(rates.Item(weight_g=v.weight_g, length_mm=v.length_mm, width_mm=v.width_mm,
                                     height_mm=v.height_mm), q) for v, q in lines])
    service = rates.get_service(service_code)
    chargeable = rates.chargeable_weight_g(service, parcel) if service else parcel.weight_g
    return {"quoted_weight_g": parcel.weight_g, "quoted_length_mm": parcel.length_mm,
            "quoted_width_mm": parcel.width_mm, "quoted_height_mm": parcel.height_mm,
            "quoted_chargeable_g": chargeable}


def _build(session: Session, order: Order, reservation_lines, *, attempt_of,
           line_for_variant: dict | None = None) -> list[Shipment]:
    """Group ``reservation_lines`` by warehouse into new shipments of ``order`` (flushed).

    Each unit belongs to the order line of its variant, or to the one ``line_for_variant``
    names (an exchange ships another variant for the line it replaces).
    """
    by_warehouse = defaultdict(list)
    for line in reservation_lines:
        by_warehouse[line.warehouse_id].append(line)
    order_lines = dict(line_for_variant or {})
    for order_line in order.lines:
        order_lines.setdefault(order_line.variant_id, order_line)
    warehouses = {w.id: w for w in session.scalars(select(Warehouse).where(Warehouse.id.in_(list(by_warehouse))))}
    variants = {v.id: v for v in session.scalars(select(ProductVariant).where(
        ProductVariant.id.in_({line.variant_id for line in reservation_lines})))}
    count = session.scalar(select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id)) or 0
    created = []
    for warehouse_id in sorted(by_warehouse, key=lambda w: (warehouses[w].code, w)):
        warehouse, lines = warehouses[warehouse_id], by_warehouse[warehouse_id]
        count += 1
        shipment = Shipment(
            number=f"{order.number}-{count}", order_id=order.id, warehouse_id=warehouse_id,
            seller_id=warehouse.seller_id, attempt=attempt_of(warehouse_id), carrier=order.shipping_carrier,
            service=order.shipping_service, status="pending",
            **quote_parcel(order.shipping_service, [(variants[line.variant_id], line.quantity) for line in lines]))
        for position, line in enumerate(sorted(lines, key=lambda ln: (variants[ln.variant_id].sku, ln.id))):
            order_line = order_lines[line.variant_id]
            shipment.lines.append(ShipmentLine(
                position=position, reservation_line_id=line.id, order_line_id=order_line.id, level_id=line.level_id,
                variant_id=line.variant_id, seller_id=order_line.seller_id, sku=variants[line.variant_id].sku,
                quantity=line.quantity))
        session.add(shipment)
        created.append(shipment)
    session.flush()
    return created


def create_for_order(session: Session, order_id: str) -> list[Shipment]:
    """The shipments of a paid order: one per warehouse its allocated stock sits in.

    Stock in the consolidation warehouse leaves as one parcel whatever the number of
    sellers; a seller's own warehouse and an overseas centre each ship their own. Returns
    the order's shipments; an order not (or no longer) paid gets none. Idempotent.
    """
    order = orders.lock_order(session, order_id)
    if order is None:
        return []
    existing = list(session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.number)))
    if existing or order.status not in SHIPPABLE_ORDER:
        return existing
    reservation = reservations.get_reservation(session, order.id)
    allocated = [line for line in reservation.lines if line.state == "allocated"]
    return _build(session, order, allocated, attempt_of=lambda warehouse_id: 1)


def defer_creation(sender, *, session, order, **_) -> None:
    """``order_paid`` subscriber: the shipments are made by a job once the payment committed."""
    defer(session, "fulfillment.shipments.tasks.create_shipments", order_id=order.id,
          dedupe_key=f"shipments:{order.id}")


def cancel_for_order(sender, *, session, order, reason, **_) -> None:
    """``order_canceled`` subscriber: unshipped parcels are canceled (the order's release freed their stock)."""
    for shipment in session.scalars(select(Shipment).where(Shipment.order_id == order.id,
                                                           Shipment.status.in_(UNSHIPPED))):
        shipment.status, shipment.canceled_at = "canceled", utcnow()
        shipment.cancel_reason = f"order canceled: {reason}"[:500]
        defer_booking_cancel(session, shipment)
    session.flush()


def reship(session: Session, shipment_id: str, *, actor: str) -> list[Shipment]:
    """Ship a canceled parcel's goods again: allocate them anew (any serving warehouse) into new shipments.

    Raises ``NothingToReship`` unless the shipment is canceled, its order still shippable
    and it was not re-shipped before; the inventory's ``OutOfStock`` when stock is short.
    """
    order, shipment = lock_with_order(session, shipment_id)
    done = session.scalar(select(exists().where(Shipment.replaces_id == shipment.id)))
    if shipment.status != "canceled" or order.status not in SHIPPABLE_ORDER or done:
        raise NothingToReship()
    lines = reservations.allocate_more(session, reference=order.id, actor=actor,
                                       lines=[(ln.variant_id, ln.quantity) for ln in shipment.lines])
    created = _build(session, order, lines, attempt_of=lambda warehouse: next_attempt(session, order, warehouse))
    for new in created:
        new.replaces_id = shipment.id
    session.flush()
    return created


def ship_replacement(session: Session, order_id: str, lines: list[tuple[str, str, int]], *,
                     actor: str) -> list[Shipment]:
    """Zero-price replacement parcels for units of an order (a warranty replacement, an exchange).

    ``lines`` are (order line id, variant id, quantity): the same variant, or another variant
    of the line's product (an exchange of size or colour). The units are reserved and allocated
    to the order like any order line (``OutOfStock`` when short), then grouped into parcels that
    go through pick, pack and hand-over like the first ones. The order keeps its status; the
    parcels count as later attempts from their warehouse. ``ValueError`` for a line or variant
    that does not fit.
    """
    from shop.catalog.models import ProductVariant

    order = orders.lock_order(session, order_id)
    by_id = {line.id: line for line in order.lines}
    line_for_variant = {}
    for order_line_id, variant_id, quantity in lines:
        order_line = by_id.get(order_line_id)
        variant = session.get(ProductVariant, variant_id)
        if order_line is None or variant is None or variant.product_id != order_line.product_id or quantity < 1:
            raise ValueError("a replacement ships the order line's product")
        if variant_id != order_line.variant_id:
            line_for_variant[variant_id] = order_line
    if not lines:
        raise ValueError("nothing to replace")
    allocated = reservations.allocate_more(session, reference=order.id, actor=actor,
                                           lines=[(variant_id, quantity) for _, variant_id, quantity in lines])
    return _build(session, order, allocated, attempt_of=lambda warehouse: next_attempt(session, order, warehouse),
                  line_for_variant=line_for_variant)


def next_attempt(session: Session, order: Order, warehouse_id: str) -> int:
    latest = session.scalar(select(func.max(Shipment.attempt)).where(Shipment.order_id == order.id,
                                                                     Shipment.warehouse_id == warehouse_id))
    return (latest or 0) + 1
