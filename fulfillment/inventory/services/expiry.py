"""The periodic release of reservations past their expiry (checkout's holds that were never paid).

Reads of available stock already treat them as released (``queries.expired_holds``); this job
makes it so in the ledger.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.core.db import utcnow

from ..models import Reservation, ReservationLine
from .ledger import lock_levels, record
from .reservations import SYSTEM, fresh_lines


def release_expired(session: Session, now: datetime | None = None, *, limit: int = 500) -> int:
    """Mark active reservations past their expiry ``expired`` and release their stock.

    Locks all their levels at once, in primary-key order, then re-checks each
    reservation (a payment may have allocated it meanwhile). Safe to run twice or
    concurrently. Returns how many reservations it expired.
    """
    now = now or utcnow()
    due = session.scalars(select(Reservation.id)
                          .where(Reservation.status == "active", Reservation.expires_at <= now)
                          .order_by(Reservation.expires_at, Reservation.id).limit(limit)).all()
    if not due:
        return 0
    levels = lock_levels(session, session.scalars(
        select(ReservationLine.level_id).where(ReservationLine.reservation_id.in_(due))).all())
    expired = 0
    for reservation in session.scalars(select(Reservation).where(Reservation.id.in_(due)).order_by(Reservation.id)
                                       .execution_options(populate_existing=True)):
        if reservation.status != "active" or reservation.expires_at > now:
            continue
        for line in fresh_lines(session, reservation.id):
            if line.state == "active":
                record(session, levels[line.level_id], "release", line.quantity, reason="expired",
                       reference_type="reservation", reference=reservation.reference, actor=SYSTEM)
                line.state = "released"
        reservation.status = "expired"
        reservation.closed_at = now
        reservation.close_reason = "expired"
        expired += 1
    session.flush()
    return expired
