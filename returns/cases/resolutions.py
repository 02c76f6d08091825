"""How a case ends without a refund: an exchange of size or colour, a warranty remedy, a replacement.

(A refund is ``returns.cases.refunding``; a repair's round trip ``returns.cases.repairs``.)
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from fulfillment.shipments import creation
from shop.core.db import utcnow
from shop.orders.models import Order

from .costs import announced, book, value_by_seller
from .errors import InvalidReturnTransition, RemedyNotOffered
from .mail import notify
from .models import ReturnCase
from .routing import route_to_service
from .services import _move


def exchange(session: Session, case: ReturnCase, *, by: str | None = None) -> ReturnCase:
    """Ship the variants asked for, for the units that came back (an inspected exchange), and close the case.

    Nothing is refunded: the new units are a zero-price replacement of the old ones. Lines
    without an exchange variant, or with no units received, ship nothing.
    """
    if case.status != "inspected" or case.resolution != "exchange":
        raise InvalidReturnTransition(current=case.status)
    lines = [(line.order_line_id, line.exchange_variant_id, line.received_quantity)
             for line in case.lines if line.exchange_variant_id and line.received_quantity]
    if lines:
        creation.ship_replacement(session, case.order_id, lines, actor=by or "ops")
    _move(case, "closed")
    case.closed_at = utcnow()
    session.flush()
    return case


def resolve_warranty(session: Session, case: ReturnCase, remedy: str, *, by: str | None = None) -> ReturnCase:
    """Ops choose how an approved claim ends, among the remedies the decision offers.

    ``replace`` ships the same units anew at no charge (new parcels of the order, reserved
    and allocated like any line; their cost is booked to the bearer) and closes the claim;
    ``repair`` (an approved claim only) sends the goods to the service address and runs the
    repair round trip of ``returns.cases.repairs``; ``refund`` waits for the goods (receive,
    inspect, then refund as for a return).
    """
    offered = {r for d in case.decision.get("lines", {}).values() for r in d.get("remedies", ())}
    if case.kind != "warranty" or remedy not in offered:
        raise RemedyNotOffered()
    if case.status not in ("approved", "inspected") or (remedy == "repair" and case.status != "approved"):
        raise InvalidReturnTransition(current=case.status)
    case.resolution = remedy
    if remedy == "repair":
        route_to_service(session, case)
    if remedy == "replace":
        return replace(session, case, by=by)
    session.flush()
    return case


def replace(session: Session, case: ReturnCase, *, by: str | None = None) -> ReturnCase:
    """Ship the claim's units anew at no charge (booked to the bearer), close it and tell the buyer."""
    creation.ship_replacement(session, case.order_id,
                               [(line.order_line_id, line.variant_id, line.quantity) for line in case.lines],
                               actor=by or "ops")
    for seller_id, amount in value_by_seller(session, case, announced(case)).items():
        book(session, case, seller_id, "replacement", amount)
    _move(case, "closed")
    case.closed_at = utcnow()
    session.flush()
    notify(session, case, session.get(Order, case.order_id), "replaced")
    return case
