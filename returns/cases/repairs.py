"""The repair round trip of a warranty claim resolved as ``repair``.

``approved`` (the buyer sends the item to the service address) → ``in_transit`` →
``received`` (``services.receive``; the inbound shipping booked) → ``repairing`` →
``repaired`` (the repair cost booked) → ``shipped_back`` (a zero-price parcel of the order,
``fulfillment.shipments.ship_back``: the buyer's own item, no stock allocated; the outbound
shipping booked) → ``closed`` once that parcel is delivered (``settle_repairs``).

A repair that fails (``repairing`` → ``unrepairable``) ends under the same claim in a
replacement (``ship_replacement``, the case closed) or a refund (``refunding.refund_case``,
once), in the order the market's law sets (``remedy_order``; AU: the buyer chooses for a
major failure) and among the remedies the decision offered.

Where the item goes and the market's repair terms are ``routing``'s. Costs go to the bearer
of the case (``costs.bearer``: the seller for a claim). A repair taking longer than the
market's reasonable time (``policy.json`` ``repairs``; 30 days by default, counted from the
item's arrival) is flagged to ops once (``overdue``).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import returns.policy as policy
from fulfillment.shipments.models import Shipment
from fulfillment.shipments.ship_back import ship_back as ship_back_parcel
from shop.core.db import utcnow
from shop.markets.services import get_market
from shop.orders.models import Order
from shop.payments import refunds

from . import refunding
from .costs import book
from .errors import (
    InvalidReturnTransition,
    NoReturnDestination,
    NoShipBackWarehouse,
    NotARepair,
    RemedyNotOffered,
    RemedyOutOfOrder,
)
from .mail import notify
from .models import ReturnCase
from .overdue import REPAIR_UNDER_WAY
from .resolutions import replace
from .services import _move, _restock_warehouse, destination, get_case

log = logging.getLogger(__name__)


def _repair_claim(case: ReturnCase) -> None:
    if case.kind != "warranty" or case.resolution != "repair":
        raise NotARepair()


# --- the round trip -------------------------------------------------------------------------

def start_repair(session: Session, case: ReturnCase, *, now: datetime | None = None) -> ReturnCase:
    """``received`` → ``repairing``; due within the market's reasonable time from the item's arrival."""
    _repair_claim(case)
    _move(case, "repairing")
    now = now or utcnow()
    case.repair_started_at = now
    case.repair_due_on = _due_on(case)
    session.flush()
    return case


def _due_on(case: ReturnCase) -> date:
    arrived = case.received_at or case.repair_started_at or utcnow()
    return arrived.date() + timedelta(days=(case.repair or {}).get("reasonable_days")
                                      or policy.policy_data()["repairs"]["reasonable_days"])


def finish_repair(session: Session, case: ReturnCase, *, repair_cost_minor: int = 0,
                  now: datetime | None = None) -> ReturnCase:
    """``repairing`` → ``repaired``: the repair cost is booked to the bearer; where the market's law
    extends the guarantee by the repair period, the extension (days from arrival to repair) is recorded."""
    _repair_claim(case)
    _move(case, "repaired")
    now = now or utcnow()
    case.repaired_at = now
    repair = dict(case.repair or {})
    repair["cost_minor"] = repair_cost_minor
    arrived = case.received_at or case.repair_started_at or now
    repair["guarantee_extended_days"] = (now - arrived).days if repair.get("extends_guarantee") else None
    case.repair = repair
    if repair_cost_minor:
        book(session, case, case.lines[0].seller_id, "repair", repair_cost_minor)
    session.flush()
    return case


def ship_back(session: Session, case: ReturnCase, *, shipping_minor: int = 0) -> ReturnCase:
    """``repaired`` → ``shipped_back``: a zero-price parcel of the order takes the repaired item back
    (from the destination's warehouse, else the seller's, else the market's return warehouse), through
    pick, pack and hand-over like any parcel; the outbound shipping is booked to the bearer (once).

    A claim already ``shipped_back`` whose parcel was canceled before it left gets a new one;
    otherwise shipping back twice is an ``InvalidReturnTransition``.
    """
    _repair_claim(case)
    earlier = session.get(Shipment, case.repair_shipment_id) if case.repair_shipment_id else None
    if not (case.status == "shipped_back" and earlier is not None and earlier.status == "canceled"):
        _move(case, "shipped_back")
    order = session.get(Order, case.order_id)
    warehouse_id = _restock_warehouse(session, case)
    if warehouse_id is None:
        try:
            warehouse_id = destination(session, order, {line.seller_id for line in case.lines})["warehouse_id"]
        except NoReturnDestination:
            warehouse_id = None
    if warehouse_id is None:
        raise NoShipBackWarehouse()
    parcel = ship_back_parcel(session, case.order_id, warehouse_id=warehouse_id,
                              items=[(line.order_line_id, line.received_quantity or line.quantity)
                                     for line in case.lines])
    case.repair_shipment_id = parcel.id
    if shipping_minor:
        book(session, case, case.lines[0].seller_id, "repair_shipping", shipping_minor)
    session.flush()
    notify(session, case, order, "repaired")
    return case


def declare_unrepairable(session: Session, case_id: str, *, remedy: str, replacement_impossible: bool = False,
                         by: str | None = None, idempotency_key: str | None = None) -> ReturnCase:
    """``repairing`` → ``unrepairable``, then the claim ends in ``replace`` (new units shipped, the case
    closed) or ``refund`` (``refunding.refund_case``, once, for the units received).

    The remedy must be one the decision offered, and a refund must respect the market's
    ``remedy_order`` (a replacement first unless ``replacement_impossible``) except where the buyer
    chooses (AU, ``consumer_chooses_remedy_for_major_failure``). A refund takes the payment's lock
    before the case's, as ``refund_case`` does. Raises ``NotARepair``, ``InvalidReturnTransition``,
    ``RemedyNotOffered``, ``RemedyOutOfOrder`` and the errors of ``refund_case``.
    """
    if remedy == "refund":
        refunds.lock_payment(session, get_case(session, case_id).order_id)
    case = get_case(session, case_id, lock=True)
    _repair_claim(case)
    if case.status != "repairing":
        raise InvalidReturnTransition(current=case.status)
    offered = [r for d in case.decision.get("lines", {}).values() for r in d.get("remedies", ())]
    if remedy == "repair" or remedy not in offered:
        raise RemedyNotOffered()
    sources = _check_order(session, case, remedy, offered, replacement_impossible)
    _move(case, "unrepairable")
    case.repair = {**(case.repair or {}), "then": remedy, "then_sources": sources,
                   "replacement_impossible": replacement_impossible}
    if remedy == "replace":
        return replace(session, case, by=by)
    session.flush()
    return refunding.refund_case(session, case.id, by=by, idempotency_key=idempotency_key)


def _check_order(session: Session, case: ReturnCase, remedy: str, offered: list[str],
                 replacement_impossible: bool) -> list[str]:
    warranty = get_market(session, case.market_code).warranty or {}
    sources = list(warranty.get("sources") or ())
    if remedy in (warranty.get("consumer_chooses_remedy_for_major_failure") or ()):
        return sources
    order = warranty.get("remedy_order") or ()
    rank = {r: index for index, group in enumerate(order) for r in group}
    if (remedy == "refund" and "replace" in offered and not replacement_impossible
            and rank.get("refund", 0) > rank.get("replace", 0)):
        raise RemedyOutOfOrder()
    return sources if order else []


# --- periodic ----------------------------------------------------------------------------------

def settle_repairs(session: Session, *, today: date | None = None) -> dict:
    """Periodic: flag (once) repairs past the reasonable time; close claims whose repaired item was delivered."""
    today = today or utcnow().date()
    flagged = 0
    waiting = session.scalars(select(ReturnCase).where(
        ReturnCase.kind == "warranty", ReturnCase.resolution == "repair", ReturnCase.overdue_flagged_at.is_(None),
        ReturnCase.status.in_(REPAIR_UNDER_WAY))).all()
    for case in waiting:
        case.repair_due_on = case.repair_due_on or _due_on(case)
        if case.repair_due_on < today:
            case.overdue_flagged_at = utcnow()
            flagged += 1
            log.warning("claim %s: repair overdue since %s", case.number, case.repair_due_on)
    closed = 0
    delivered = session.execute(select(ReturnCase.id, Shipment.delivered_at).join(
        Shipment, Shipment.id == ReturnCase.repair_shipment_id).where(
        ReturnCase.status == "shipped_back", Shipment.status == "delivered")).all()
    for case_id, delivered_at in delivered:
        case = get_case(session, case_id, lock=True)
        if case.status == "shipped_back":
            _move(case, "closed")
            case.closed_at = delivered_at
            closed += 1
    session.flush()
    return {"flagged": flagged, "closed": closed}
