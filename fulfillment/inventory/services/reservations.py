"""Reservations: the service checkout calls to hold, release, allocate and ship stock.

Concurrency: every function locks the stock levels it touches in primary-key
order (``lock_levels``) before reading reservation lines or changing anything, and
re-reads what it needs after the lock. Reservation lines at a level only change
under that level's lock, so what a function sees after locking is current.

Expiry: an ``active`` reservation past ``expires_at`` stops counting at once.
Reads subtract its lines (``queries.expired_holds``); ``reserve`` releases the
expired lines on the levels it has locked before it counts what is available,
so the stored ``reserved`` column never blocks a sale the expiry freed.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fulfillment.warehouses.models import Warehouse
from fulfillment.warehouses.services import serves_market
from shop.core.db import utcnow
from shop.core.errors import InvalidInput
from shop.markets.errors import UnknownMarket
from shop.markets.models import Market

from ..errors import (
    InvalidQuantity,
    OutOfStock,
    ReservationClosed,
    ReservationExpired,
    ReservationMismatch,
    ReservationNotFound,
)
from ..models import Reservation, ReservationLine, StockLevel
from .ledger import lock_levels, record

OPEN = ("active", "allocated", "shipped")
SYSTEM = "system"
# After the destination's own centre (rank 0): SPEC §5 preference.
KIND_RANK = {"consolidation": 1, "seller": 2}


def _sum_lines(lines) -> dict[str, int]:
    wanted: dict[str, int] = defaultdict(int)
    for line in lines or ():
        try:
            variant_id, quantity = line
        except (TypeError, ValueError):
            raise InvalidQuantity() from None
        if not isinstance(variant_id, str) or isinstance(quantity, bool) or not isinstance(quantity, int) \
                or quantity <= 0:
            raise InvalidQuantity()
        wanted[variant_id] += quantity
    if not wanted:
        raise InvalidQuantity()
    return dict(sorted(wanted.items()))


def _open_reservation(session: Session, reference: str) -> Reservation | None:
    return session.scalar(select(Reservation).where(Reservation.reference == reference,
                                                    Reservation.status.in_(OPEN))
                          .execution_options(populate_existing=True))


def _latest_reservation(session: Session, reference: str) -> Reservation | None:
    return _open_reservation(session, reference) or session.scalar(
        select(Reservation).where(Reservation.reference == reference)
        .order_by(Reservation.created_at.desc(), Reservation.id.desc()).limit(1))


def fresh_lines(session: Session, reservation_id: str) -> list[ReservationLine]:
    query = (select(ReservationLine).where(ReservationLine.reservation_id == reservation_id)
             .order_by(ReservationLine.level_id, ReservationLine.id).execution_options(populate_existing=True))
    return list(session.scalars(query))


def _lock_reservation(session: Session, reservation: Reservation) -> tuple[dict[str, StockLevel], list]:
    """Lock the reservation's levels, then re-read the reservation and its lines."""
    level_ids = session.scalars(select(ReservationLine.level_id)
                                .where(ReservationLine.reservation_id == reservation.id)).all()
    levels = lock_levels(session, level_ids)
    session.execute(select(Reservation).where(Reservation.id == reservation.id)
                    .execution_options(populate_existing=True)).scalar_one()
    return levels, fresh_lines(session, reservation.id)


def _release_expired_lines(session: Session, levels: dict[str, StockLevel], now: datetime) -> None:
    """Release lines of expired reservations held at these (locked) levels."""
    query = (select(ReservationLine).join(Reservation)
             .where(ReservationLine.level_id.in_(list(levels)), ReservationLine.state == "active",
                    Reservation.expires_at <= now)
             .order_by(ReservationLine.level_id, ReservationLine.id)
             .execution_options(populate_existing=True))
    for line in session.scalars(query):
        reservation = line.reservation
        record(session, levels[line.level_id], "release", line.quantity, reason="expired",
               reference_type="reservation", reference=reservation.reference, actor=SYSTEM)
        line.state = "released"


def _plan(wanted: dict[str, int], levels: list[StockLevel], warehouses: dict[str, Warehouse],
          market_code: str) -> tuple[list[tuple[StockLevel, int]], list[dict]]:
    """Choose levels: one warehouse for the whole order if one can, else per line, splitting if needed.

    Warehouses are preferred in SPEC §5 order: the destination market's own centre,
    the consolidation warehouse, the seller's own.
    """
    def rank(warehouse_id: str):
        warehouse = warehouses[warehouse_id]
        first = 0 if warehouse.market_code == market_code else KIND_RANK.get(warehouse.kind, 3)
        return first, warehouse.code, warehouse.id

    by_variant: dict[str, list[StockLevel]] = defaultdict(list)
    for level in sorted(levels, key=lambda lvl: rank(lvl.warehouse_id)):
        by_variant[level.variant_id].append(level)

    for warehouse_id in sorted({lvl.warehouse_id for lvl in levels}, key=rank):
        picks = [next((lvl for lvl in by_variant[v] if lvl.warehouse_id == warehouse_id and lvl.available >= q),
                      None) for v, q in wanted.items()]
        if all(picks):
            return [(lvl, q) for lvl, q in zip(picks, wanted.values())], []

    plan, short = [], []
    for variant_id, quantity in wanted.items():
        candidates = by_variant[variant_id]
        whole = next((lvl for lvl in candidates if lvl.available >= quantity), None)
        if whole is not None:
            plan.append((whole, quantity))
            continue
        remaining = quantity
        for level in candidates:
            take = min(level.available, remaining)
            if take > 0:
                plan.append((level, take))
                remaining -= take
        if remaining:
            short.append({"variant_id": variant_id, "requested": quantity, "available": quantity - remaining})
    return plan, short


def reserve(session: Session, *, reference: str, market_code: str, lines: list[tuple[str, int]],
            expires_at: datetime, actor: str | None = None) -> Reservation:
    """Hold stock for ``lines`` (variant id, quantity) shipped to ``market_code`` until ``expires_at``.

    All or nothing: quantities of one variant are summed, then drawn from active
    warehouses serving the market (preferring the market's own centre, then the
    consolidation warehouse, then the seller's), split across warehouses if needed.
    The same ``reference`` again returns its open reservation (idempotent).

    Raises ``OutOfStock`` (409, ``.variant_ids``) with nothing reserved,
    ``InvalidQuantity``/``InvalidInput`` (422), ``UnknownMarket`` (422),
    ``ReservationExpired`` when the reference's reservation has expired and
    ``ReservationMismatch`` when it holds different lines.
    """
    now = utcnow()
    wanted = _sum_lines(lines)
    if not reference or expires_at is None or expires_at.tzinfo is None or expires_at <= now:
        raise InvalidInput(errors={"expires_at": [_l("Give a time in the future, with its time zone.")]}
                           if reference else {"reference": [_l("A reference is required.")]})
    market_code = (market_code or "").upper()
    existing = _open_reservation(session, reference)
    if existing is not None:
        return _existing(session, existing, wanted, market_code, now)
    if session.get(Market, market_code) is None:
        raise UnknownMarket(market=market_code)

    rows = session.execute(
        select(StockLevel.id, Warehouse).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.variant_id.in_(list(wanted)), serves_market(market_code))
    ).all()
    warehouses = {warehouse.id: warehouse for _, warehouse in rows}
    levels = lock_levels(session, [level_id for level_id, _ in rows])
    _release_expired_lines(session, levels, now)

    plan, short = _plan(wanted, list(levels.values()), warehouses, market_code)
    if short:
        raise OutOfStock([line["variant_id"] for line in short], market=market_code, lines=short)

    try:
        # A savepoint: if a concurrent call with the same reference won the unique index, undo only this.
        with session.begin_nested():
            reservation = Reservation(reference=reference, market_code=market_code, status="active",
                                      expires_at=expires_at, actor=actor)
            session.add(reservation)
            for level, quantity in sorted(plan, key=lambda item: item[0].id):
                record(session, level, "reservation", quantity, reference_type="reservation",
                       reference=reference, actor=actor)
                reservation.lines.append(ReservationLine(level_id=level.id, variant_id=level.variant_id,
                                                         warehouse_id=level.warehouse_id, quantity=quantity))
            session.flush()
    except IntegrityError:
        existing = _open_reservation(session, reference)
        if existing is None:
            raise
        return _existing(session, existing, wanted, market_code, now)
    return reservation


def _existing(session: Session, reservation: Reservation, wanted: dict[str, int], market_code: str,
              now: datetime) -> Reservation:
    held: dict[str, int] = defaultdict(int)
    for line in fresh_lines(session, reservation.id):
        held[line.variant_id] += line.quantity
    if dict(held) != wanted or reservation.market_code != market_code:
        raise ReservationMismatch()
    if reservation.status == "active" and reservation.expires_at <= now:
        raise ReservationExpired()
    return reservation


def release(session: Session, *, reference: str, reason: str, actor: str | None = None) -> None:
    """Give back the stock held for ``reference`` (order canceled, payment failed).

    Idempotent: no open reservation, or one already released, is a no-op. Allocated
    but unshipped units are returned as well; shipped units stay shipped (a return
    brings them back).
    """
    reservation = _open_reservation(session, reference)
    if reservation is None:
        return
    levels, lines = _lock_reservation(session, reservation)
    if reservation.status not in OPEN:
        return
    for line in lines:
        if line.state == "active":
            record(session, levels[line.level_id], "release", line.quantity, reason=reason,
                   reference_type="reservation", reference=reference, actor=actor)
        elif line.state == "allocated":
            record(session, levels[line.level_id], "deallocation", line.quantity, reason=reason,
                   reference_type="reservation", reference=reference, actor=actor)
        else:
            continue
        line.state = "released"
    if reservation.status != "shipped":
        reservation.status = "released"
        reservation.closed_at = utcnow()
        reservation.close_reason = (reason or "")[:500] or None
    session.flush()


def allocate(session: Session, *, reference: str, actor: str | None = None) -> None:
    """Turn the reservation for ``reference`` into an allocation (the order was paid).

    Idempotent. A reservation past its expiry is still allocated while its lines
    hold their stock; raises ``ReservationExpired`` when expired stock was released
    (by the job or taken by another reservation), ``ReservationClosed`` when it was
    released, ``ReservationNotFound`` when there is none.
    """
    reservation = _latest_reservation(session, reference)
    if reservation is None:
        raise ReservationNotFound()
    if reservation.status in ("allocated", "shipped"):
        return
    if reservation.status in ("expired", "released"):
        raise ReservationExpired() if reservation.status == "expired" else ReservationClosed()
    levels, lines = _lock_reservation(session, reservation)
    if reservation.status in ("allocated", "shipped"):
        return
    if reservation.status != "active":
        raise ReservationExpired() if reservation.status == "expired" else ReservationClosed()
    if any(line.state == "released" for line in lines):
        raise ReservationExpired()
    for line in lines:
        record(session, levels[line.level_id], "allocation", line.quantity, reference_type="reservation",
               reference=reference, actor=actor)
        line.state = "allocated"
    reservation.status = "allocated"
    reservation.allocated_at = utcnow()
    session.flush()


def ship_allocation(session: Session, *, reference: str, warehouse_id: str | None = None,
                    line_ids: list[str] | None = None, actor: str | None = None) -> int:
    """Take allocated units off hand as they leave (all warehouses, one, or these lines). Returns units shipped.

    Idempotent: lines already shipped are skipped. Raises ``ReservationNotFound``
    when ``reference`` has no allocated reservation.
    """
    reservation = _open_reservation(session, reference)
    if reservation is None or reservation.status == "active":
        raise ReservationNotFound()
    levels, lines = _lock_reservation(session, reservation)
    wanted = None if line_ids is None else set(line_ids)
    shipped = 0
    for line in lines:
        if line.state == "allocated" and (warehouse_id is None or line.warehouse_id == warehouse_id) \
                and (wanted is None or line.id in wanted):
            record(session, levels[line.level_id], "shipment", line.quantity, reference_type="reservation",
                   reference=reference, actor=actor)
            line.state = "shipped"
            shipped += line.quantity
    if all(line.state in ("shipped", "released") for line in lines):
        reservation.status = "shipped"
        reservation.closed_at = utcnow()
    session.flush()
    return shipped


def deallocate_lines(session: Session, *, reference: str, line_ids: list[str], reason: str,
                     actor: str | None = None) -> int:
    """Give back allocated, unshipped ``line_ids`` of ``reference`` (a parcel canceled before it left).

    Each line's units return to available stock through a ``deallocation`` movement and
    the line is ``released``; the reservation stays open (the order may be re-shipped, or
    canceled, which releases the rest). Idempotent: released lines are skipped. Returns units
    given back; raises ``ReservationNotFound`` without an open reservation.
    """
    reservation = _open_reservation(session, reference)
    if reservation is None:
        raise ReservationNotFound()
    levels, lines = _lock_reservation(session, reservation)
    wanted, returned = set(line_ids), 0
    for line in lines:
        if line.id in wanted and line.state == "allocated":
            record(session, levels[line.level_id], "deallocation", line.quantity, reason=reason,
                   reference_type="reservation", reference=reference, actor=actor)
            line.state = "released"
            returned += line.quantity
    session.flush()
    return returned


def allocate_more(session: Session, *, reference: str, lines: list[tuple[str, int]],
                  actor: str | None = None) -> list[ReservationLine]:
    """Allocate ``lines`` (variant id, quantity) again for ``reference`` (a re-shipment) and return the new lines.

    Draws from warehouses serving the reservation's market in the same preference as
    ``reserve``, each unit recorded as a ``reservation`` then an ``allocation``. All or
    nothing: raises ``OutOfStock`` with nothing changed, ``ReservationNotFound`` without
    an open allocated reservation.
    """
    wanted = _sum_lines(lines)
    reservation = _open_reservation(session, reference)
    if reservation is None or reservation.status == "active":
        raise ReservationNotFound()
    market_code = reservation.market_code
    rows = session.execute(
        select(StockLevel.id, Warehouse).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.variant_id.in_(list(wanted)), serves_market(market_code))
    ).all()
    warehouses = {warehouse.id: warehouse for _, warehouse in rows}
    held = session.scalars(select(ReservationLine.level_id).where(ReservationLine.reservation_id == reservation.id))
    levels = lock_levels(session, {level_id for level_id, _ in rows} | set(held))
    _release_expired_lines(session, levels, utcnow())
    candidates = [level for level in levels.values() if level.warehouse_id in warehouses]
    plan, short = _plan(wanted, candidates, warehouses, market_code)
    if short:
        raise OutOfStock([line["variant_id"] for line in short], market=market_code, lines=short)
    added = []
    for level, quantity in sorted(plan, key=lambda item: item[0].id):
        for kind in ("reservation", "allocation"):
            record(session, level, kind, quantity, reference_type="reservation", reference=reference, actor=actor)
        line = ReservationLine(level_id=level.id, variant_id=level.variant_id, warehouse_id=level.warehouse_id,
                               quantity=quantity, state="allocated")
        reservation.lines.append(line)
        added.append(line)
    reservation.status = "allocated"
    reservation.closed_at = None
    session.flush()
    return added


def get_reservation(session: Session, reference: str) -> Reservation:
    """The open (or else the latest) reservation for ``reference``; ``ReservationNotFound`` otherwise."""
    reservation = _latest_reservation(session, reference)
    if reservation is None:
        raise ReservationNotFound()
    return reservation
