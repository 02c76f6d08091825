"""The stock ledger: the only code that changes stock levels.

Every change goes through ``record``, which applies one movement's deltas to a
level the caller has locked (``lock_levels``) and appends the movement, so a
level always equals the sum of its movements (``check_ledger`` proves it).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fulfillment.warehouses.models import Warehouse
from fulfillment.warehouses.services import usable_warehouse
from shop.catalog.listings import note_stock_change
from shop.catalog.models import ProductVariant
from shop.core.db import new_id, utcnow

from ..errors import InsufficientStock, InvalidQuantity, ReasonRequired, VariantNotFound
from ..models import MOVEMENT_EFFECTS, ReservationLine, StockLevel, StockMovement


def _check_quantity(quantity, *, allow_negative: bool = False) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity()
    if quantity == 0 or (quantity < 0 and not allow_negative):
        raise InvalidQuantity()
    return quantity


def _check_reason(reason: str | None) -> str:
    if reason is None or not str(reason).strip():
        raise ReasonRequired()
    return str(reason).strip()[:500]


def record(session: Session, level: StockLevel, kind: str, quantity: int, *, reason: str | None = None,
           reference_type: str | None = None, reference: str | None = None,
           actor: str | None = None) -> StockMovement:
    """Apply one movement to a locked ``level`` and append it to the ledger.

    ``quantity`` is positive, except for ``adjustment`` where its sign is the
    direction. Raises ``InsufficientStock`` when the result would break
    ``0 <= reserved + allocated <= on_hand`` (checked here so that callers get a
    409, not the database's CHECK violation).
    """
    _check_quantity(quantity, allow_negative=kind == "adjustment")
    signed = quantity if kind == "adjustment" else abs(quantity)
    d_on, d_res, d_all = (effect * signed for effect in MOVEMENT_EFFECTS[kind])
    on_hand, reserved, allocated = level.on_hand + d_on, level.reserved + d_res, level.allocated + d_all
    if min(on_hand, reserved, allocated) < 0 or reserved + allocated > on_hand:
        raise InsufficientStock(on_hand=level.on_hand, reserved=level.reserved, allocated=level.allocated)
    level.on_hand, level.reserved, level.allocated = on_hand, reserved, allocated
    level.version += 1
    movement = StockMovement(
        level_id=level.id, sequence=level.version, variant_id=level.variant_id, warehouse_id=level.warehouse_id,
        kind=kind, quantity=abs(quantity), on_hand_delta=d_on, reserved_delta=d_res, allocated_delta=d_all,
        reason=reason, reference_type=reference_type, reference=reference, actor=actor,
    )
    session.add(movement)
    # The storefront's listing index shows stock states: its refresh is deferred with this commit.
    note_stock_change(session, [level.variant_id])
    return movement


def lock_levels(session: Session, level_ids) -> dict[str, StockLevel]:
    """Lock the levels in primary-key order (deadlock-free) and return them fresh.

    PostgreSQL: ``SELECT … FOR UPDATE`` (rows are locked in the sorted order).
    SQLite: every transaction already holds the write lock (``BEGIN IMMEDIATE``).
    """
    ids = sorted(set(level_ids))
    if not ids:
        return {}
    query = (select(StockLevel).where(StockLevel.id.in_(ids)).order_by(StockLevel.id)
             .with_for_update(of=StockLevel).execution_options(populate_existing=True))
    return {level.id: level for level in session.scalars(query)}


def ensure_level(session: Session, variant_id: str, warehouse_id: str) -> str:
    """The id of the level for (variant, warehouse), creating an empty one if needed.

    Uses ``INSERT … ON CONFLICT DO NOTHING`` so two transactions creating the same
    level at once both succeed.
    """
    query = select(StockLevel.id).where(StockLevel.variant_id == variant_id, StockLevel.warehouse_id == warehouse_id)
    existing = session.scalar(query)
    if existing:
        return existing
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    session.execute(
        insert(StockLevel)
        .values(id=new_id("stk"), variant_id=variant_id, warehouse_id=warehouse_id, on_hand=0, reserved=0,
                allocated=0, version=0, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["variant_id", "warehouse_id"])
    )
    return session.scalar(query)


def stockable_variant(session: Session, variant_id: str, warehouse: Warehouse) -> ProductVariant:
    """The variant, if it may be stocked in ``warehouse`` (a seller's warehouse holds only its goods)."""
    variant = session.get(ProductVariant, variant_id) if variant_id else None
    if variant is None or (warehouse.seller_id is not None and variant.seller_id != warehouse.seller_id):
        raise VariantNotFound([variant_id] if variant_id else None)
    return variant


def _change_on_hand(session: Session, kind: str, *, variant_id: str, warehouse_id: str, quantity: int,
                    reason: str | None, reference_type: str | None, reference: str | None,
                    actor: str | None) -> StockMovement:
    warehouse = usable_warehouse(session, warehouse_id)
    stockable_variant(session, variant_id, warehouse)
    if MOVEMENT_EFFECTS[kind][0] * quantity > 0:
        level_id = ensure_level(session, variant_id, warehouse.id)
    else:
        level_id = session.scalar(select(StockLevel.id).where(StockLevel.variant_id == variant_id,
                                                              StockLevel.warehouse_id == warehouse.id))
        if level_id is None:
            raise InsufficientStock(on_hand=0, reserved=0, allocated=0)
    level = lock_levels(session, [level_id])[level_id]
    movement = record(session, level, kind, quantity, reason=reason, reference_type=reference_type,
                      reference=reference, actor=actor)
    session.flush()
    return movement


def adjust(session: Session, *, variant_id: str, warehouse_id: str, quantity: int, reason: str,
           actor: str | None = None) -> StockMovement:
    """Correct on-hand stock by ``quantity`` (either sign) after a count; a reason is required.

    Raises ``InvalidQuantity`` (0 or not an integer), ``ReasonRequired``,
    ``UnknownWarehouse``, ``VariantNotFound`` or ``InsufficientStock``.
    """
    _check_quantity(quantity, allow_negative=True)
    reason = _check_reason(reason)
    return _change_on_hand(session, "adjustment", variant_id=variant_id, warehouse_id=warehouse_id,
                           quantity=quantity, reason=reason, reference_type="adjustment", reference=None, actor=actor)


def write_off(session: Session, *, variant_id: str, warehouse_id: str, quantity: int, reason: str,
              actor: str | None = None, reference_type: str | None = "write_off",
              reference: str | None = None) -> StockMovement:
    """Remove damaged, lost or expired units from on-hand stock; a reason is required."""
    _check_quantity(quantity)
    reason = _check_reason(reason)
    return _change_on_hand(session, "write_off", variant_id=variant_id, warehouse_id=warehouse_id,
                           quantity=quantity, reason=reason, reference_type=reference_type, reference=reference,
                           actor=actor)


def restock_return(session: Session, *, variant_id: str, warehouse_id: str, quantity: int, reference: str,
                   actor: str | None = None, reason: str | None = None) -> StockMovement:
    """Put resellable returned units back on hand (``reference``: the return's id)."""
    _check_quantity(quantity)
    return _change_on_hand(session, "restock", variant_id=variant_id, warehouse_id=warehouse_id, quantity=quantity,
                           reason=reason, reference_type="return", reference=reference, actor=actor)


@dataclass(frozen=True)
class LedgerDiscrepancy:
    level_id: str
    field: str
    level_value: int
    expected: int


def check_ledger(session: Session, variant_ids: list[str] | None = None) -> list[LedgerDiscrepancy]:
    """Compare every level with the sums of its movements and of its reservation lines.

    Returns the differences; an empty list means the ledger and the levels agree:
    ``on_hand``/``reserved``/``allocated`` equal their movements' deltas, ``reserved``
    equals the active reservation lines and ``allocated`` the allocated ones.
    """
    sums = (select(StockMovement.level_id, func.sum(StockMovement.on_hand_delta),
                   func.sum(StockMovement.reserved_delta), func.sum(StockMovement.allocated_delta),
                   func.max(StockMovement.sequence), func.count())
            .group_by(StockMovement.level_id))
    held = (select(ReservationLine.level_id, ReservationLine.state, func.sum(ReservationLine.quantity))
            .where(ReservationLine.state.in_(("active", "allocated")))
            .group_by(ReservationLine.level_id, ReservationLine.state))
    levels = select(StockLevel)
    if variant_ids is not None:
        sums = sums.where(StockMovement.variant_id.in_(variant_ids))
        held = held.where(ReservationLine.variant_id.in_(variant_ids))
        levels = levels.where(StockLevel.variant_id.in_(variant_ids))
    by_level = {row[0]: row[1:] for row in session.execute(sums)}
    lines: dict[tuple[str, str], int] = {(row[0], row[1]): row[2] for row in session.execute(held)}
    problems = []
    for level in session.scalars(levels.execution_options(populate_existing=True)):
        on_hand, reserved, allocated, last_sequence, count = by_level.get(level.id, (0, 0, 0, 0, 0))
        expected = {
            "on_hand": on_hand or 0, "reserved": reserved or 0, "allocated": allocated or 0,
            "version": last_sequence or 0, "movements": count or 0,
            "reserved_lines": lines.get((level.id, "active"), 0),
            "allocated_lines": lines.get((level.id, "allocated"), 0),
        }
        actual = {"on_hand": level.on_hand, "reserved": level.reserved, "allocated": level.allocated,
                  "version": level.version, "movements": level.version,
                  "reserved_lines": level.reserved, "allocated_lines": level.allocated}
        problems += [LedgerDiscrepancy(level.id, key, actual[key], expected[key])
                     for key in expected if int(actual[key]) != int(expected[key])]
    return problems
