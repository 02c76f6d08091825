"""Reads: availability per market, levels per warehouse, ledger history, thresholds, ownership.

Every figure reported here treats reservations past their expiry as released
(``expired_holds``), whether or not the periodic job has run yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from fulfillment.warehouses.models import Warehouse
from fulfillment.warehouses.services import serves_market
from shop.catalog.models import ProductVariant
from shop.catalog.stock import stock_state
from shop.core.db import utcnow

from ..errors import InvalidQuantity, VariantNotFound
from ..models import (
    InboundShipment,
    Reservation,
    ReservationLine,
    StockLevel,
    StockMovement,
    VariantStockSetting,
    available_units,
)

DEFAULT_LOW_STOCK_THRESHOLD = 5


def expired_holds(now: datetime | None = None):
    """Subquery ``(level_id, expired)``: units still marked reserved by expired reservations."""
    now = now or utcnow()
    return (select(ReservationLine.level_id.label("level_id"), func.sum(ReservationLine.quantity).label("expired"))
            .join(Reservation, Reservation.id == ReservationLine.reservation_id)
            .where(ReservationLine.state == "active", Reservation.expires_at <= now)
            .group_by(ReservationLine.level_id)
            .subquery("expired_holds"))


def available_column(held):
    """``available_units`` of ``StockLevel`` as SQL, given the ``expired_holds`` subquery outer-joined on the level."""
    return available_units(StockLevel.on_hand, StockLevel.reserved, StockLevel.allocated,
                           func.coalesce(held.c.expired, 0))


def warehouse_holds_stock(session: Session, warehouse_id: str) -> bool:
    """The warehouse ever held stock (a level, even at zero) or has an inbound shipment.

    Registered with ``fulfillment.warehouses.services.register_in_use_check``: such a
    warehouse cannot be deleted.
    """
    if session.scalar(select(exists().where(StockLevel.warehouse_id == warehouse_id))):
        return True
    return bool(session.scalar(select(exists().where(InboundShipment.warehouse_id == warehouse_id))))


def available_by_variant(session: Session, variant_ids: list[str], market_code: str,
                         now: datetime | None = None) -> dict[str, int]:
    """Units that can be sold to ``market_code`` per variant (0 for those without stock).

    Sums the available units of active warehouses serving the market.
    """
    result = {variant_id: 0 for variant_id in variant_ids}
    if not variant_ids:
        return result
    held = expired_holds(now)
    rows = session.execute(
        select(StockLevel.variant_id, StockLevel.on_hand, StockLevel.reserved, StockLevel.allocated,
               func.coalesce(held.c.expired, 0))
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .outerjoin(held, held.c.level_id == StockLevel.id)
        .where(StockLevel.variant_id.in_(list(variant_ids)), serves_market((market_code or "").upper()))
    )
    for variant_id, on_hand, reserved, allocated, expired in rows:
        result[variant_id] += max(0, available_units(on_hand, reserved, allocated, expired))
    return result


@dataclass
class LevelView:
    """A stock level as reported: ``reserved`` and ``available`` net of expired reservations."""

    id: str
    variant_id: str
    sku: str
    product_id: str
    warehouse: Warehouse
    on_hand: int
    reserved: int
    allocated: int
    available: int
    low_stock_threshold: int
    low_stock: bool
    stock_status: str
    updated_at: datetime


def list_levels(session: Session, *, seller_id: str | None = None, variant_id: str | None = None,
                warehouse_id: str | None = None, low_stock: bool | None = None, page: int = 1,
                per_page: int = 24, now: datetime | None = None) -> dict:
    """One page of stock levels (``{"items", "page", "per_page", "total"}``), optionally one seller's."""
    held = expired_holds(now)
    expired = func.coalesce(held.c.expired, 0)
    threshold = func.coalesce(VariantStockSetting.low_stock_threshold, DEFAULT_LOW_STOCK_THRESHOLD)
    available = available_column(held)
    query = (select(StockLevel, Warehouse, ProductVariant.sku, ProductVariant.product_id,
                    expired.label("expired"), threshold.label("threshold"))
             .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
             .join(ProductVariant, ProductVariant.id == StockLevel.variant_id)
             .outerjoin(VariantStockSetting, VariantStockSetting.variant_id == StockLevel.variant_id)
             .outerjoin(held, held.c.level_id == StockLevel.id))
    if seller_id:
        query = query.where(ProductVariant.seller_id == seller_id)
    if variant_id:
        query = query.where(StockLevel.variant_id == variant_id)
    if warehouse_id:
        query = query.where(StockLevel.warehouse_id == warehouse_id)
    if low_stock is not None:
        query = query.where((available <= threshold) if low_stock else (available > threshold))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.order_by(ProductVariant.sku, StockLevel.variant_id, Warehouse.code)
    items = []
    for level, warehouse, sku, product_id, expired_units, limit in session.execute(
            query.limit(per_page).offset((page - 1) * per_page)):
        reserved = level.reserved - expired_units
        free = max(0, available_units(level.on_hand, level.reserved, level.allocated, expired_units))
        items.append(LevelView(id=level.id, variant_id=level.variant_id, sku=sku, product_id=product_id,
                               warehouse=warehouse, on_hand=level.on_hand, reserved=reserved,
                               allocated=level.allocated, available=free, low_stock_threshold=limit,
                               low_stock=free <= limit, stock_status=stock_state(free, limit),
                               updated_at=level.updated_at))
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def movements_query(variant_id: str, *, warehouse_id: str | None = None, kind: str | None = None):
    """The ledger of one variant, newest first."""
    query = (select(StockMovement).where(StockMovement.variant_id == variant_id)
             .order_by(StockMovement.created_at.desc(), StockMovement.sequence.desc(), StockMovement.id))
    if warehouse_id:
        query = query.where(StockMovement.warehouse_id == warehouse_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    return query


def get_variant(session: Session, variant_id: str, *, seller_id: str | None = None) -> ProductVariant:
    """The variant; with ``seller_id``, only if it is that seller's (``VariantNotFound`` otherwise)."""
    variant = session.get(ProductVariant, variant_id) if variant_id else None
    if variant is None or (seller_id is not None and variant.seller_id != seller_id):
        raise VariantNotFound()
    return variant


def own_variants(session: Session, variant_ids, seller_id: str) -> dict[str, ProductVariant]:
    """The seller's variants by id; ``VariantNotFound`` listing those that are not its own."""
    ids = sorted(set(variant_ids))
    found = {variant.id: variant for variant in session.scalars(
        select(ProductVariant).where(ProductVariant.id.in_(ids), ProductVariant.seller_id == seller_id))}
    missing = [variant_id for variant_id in ids if variant_id not in found]
    if missing:
        raise VariantNotFound(missing)
    return found


def low_stock_threshold(session: Session, variant_id: str) -> int:
    setting = session.get(VariantStockSetting, variant_id)
    return setting.low_stock_threshold if setting else DEFAULT_LOW_STOCK_THRESHOLD


def low_stock_thresholds(session: Session, variant_ids: list[str]) -> dict[str, int]:
    """``low_stock_threshold`` for many variants in one query (the default where none is set)."""
    ids = list(dict.fromkeys(variant_ids))
    result = {variant_id: DEFAULT_LOW_STOCK_THRESHOLD for variant_id in ids}
    if ids:
        rows = session.execute(select(VariantStockSetting.variant_id, VariantStockSetting.low_stock_threshold)
                               .where(VariantStockSetting.variant_id.in_(ids)))
        result.update((variant_id, threshold) for variant_id, threshold in rows)
    return result


def set_low_stock_threshold(session: Session, variant_id: str, threshold: int) -> VariantStockSetting:
    """Set the level at or under which a variant's stock counts as low (0 flags only when out)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise InvalidQuantity()
    setting = session.get(VariantStockSetting, variant_id)
    if setting is None:
        setting = VariantStockSetting(variant_id=variant_id, low_stock_threshold=threshold)
        session.add(setting)
    else:
        setting.low_stock_threshold = threshold
    session.flush()
    return setting
