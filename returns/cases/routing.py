"""Where a warranty claim's item is repaired, and on what terms.

The service address is the seller's active repair partner for the item's category, else its
partner for every category, else the seller's return address, else the return destination
(``services.destination``). The terms are the market's repair figures: the reasonable time
(``policy.json`` ``repairs``; 30 days by default) and whether a repair extends the guarantee,
with their sources.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

import returns.policy as policy
from shop.markets.services import get_market
from shop.orders.models import Order, OrderLine
from shop.sellers.models import Seller

from .models import RepairPartner, ReturnCase
from .services import destination


def partner_for(session: Session, seller_id: str, category: str | None) -> RepairPartner | None:
    """The seller's active partner for ``category``, else its active partner for every category."""
    query = (select(RepairPartner).where(RepairPartner.seller_id == seller_id, RepairPartner.active.is_(True),
                                         or_(RepairPartner.category == category, RepairPartner.category.is_(None)))
             .order_by(RepairPartner.category.is_(None), RepairPartner.created_at, RepairPartner.id))
    return session.scalars(query).first()


def service_address(session: Session, case: ReturnCase) -> dict:
    """Where the claim's item is repaired (see the module); ``NoReturnDestination`` if nowhere."""
    line = case.lines[0]
    category = session.get(OrderLine, line.order_line_id).category
    partner = partner_for(session, line.seller_id, category)
    if partner is not None:
        return {"kind": "repair_partner", "partner_id": partner.id, "warehouse_id": None, "name": partner.name,
                "address": partner.address, "country": partner.address.get("country"), "sources": []}
    seller = session.get(Seller, line.seller_id)
    if seller is not None and seller.return_address:
        return {"kind": "seller", "warehouse_id": None, "name": seller.legal_name, "address": seller.return_address,
                "country": seller.return_address.get("country"), "sources": []}
    return destination(session, session.get(Order, case.order_id), {line.seller_id})


def route_to_service(session: Session, case: ReturnCase) -> None:
    """An approved claim resolved as ``repair``: the item goes to the service address (flushed by the caller)."""
    case.destination = service_address(session, case)
    case.repair = {"service": case.destination, **_terms(session, case)}


def _terms(session: Session, case: ReturnCase) -> dict:
    """The market's repair figures: reasonable days and the guarantee's extension, with their sources."""
    data = policy.policy_data()["repairs"]
    market = (get_market(session, case.market_code).warranty or {})
    override = data["markets"].get(case.market_code, {})
    days = market.get("reasonable_repair_days") or override.get("reasonable_repair_days")
    extends = market.get("repair_extends_guarantee") if "repair_extends_guarantee" in market \
        else override.get("repair_extends_guarantee")
    return {"reasonable_days": days or data["reasonable_days"],
            "reasonable_days_sources": list(override.get("sources") or market.get("sources") or ())
            if days else list(data["sources"]),
            "extends_guarantee": extends, "extends_guarantee_note": None if extends is not None else data["note"]}


