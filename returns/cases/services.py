"""Return cases: returns (RMA) and warranty claims, from the buyer's request to the refund.

The guarantees:

- A case is opened with the order row locked, so the units of a line in open cases never
  exceed what was delivered of it, even for requests arriving at once (two tabs: one case,
  the other gets ``QuantityAboveDelivered``). The same ``Idempotency-Key`` returns the case
  it made.
- The decision is the policy engine's (``returns.policy``), kept on the case with its
  sources; ops may override it, and the override records who and why.
- Money follows what came back: the refund counts units *received* (not announced), the
  outbound shipping and the duties only where the decision says so, and goes through
  ``shop.payments.refunds`` (never above what was captured). Resellable units go back on
  hand through the inventory ledger; damaged ones are written off as a cost.

Beside it: ``refunding`` (the one refund), ``resolutions`` (exchanges, warranty remedies),
``repairs``, ``labels``, ``costs`` (the cost ledger), ``queues`` (ops lists, periodic work), ``mail``.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import returns.policy as policy
from fulfillment.inventory.services import ledger
from fulfillment.shipments.models import Shipment, ShipmentLine
from fulfillment.warehouses.models import Warehouse
from shop.catalog.models import ProductVariant
from shop.core.db import utcnow
from shop.markets.services import get_market
from shop.orders import services as orders
from shop.orders.models import Order, OrderLine
from shop.sellers.models import Seller

from .costs import book, book_split, value_by_seller
from .errors import (
    InvalidCount,
    InvalidExchange,
    InvalidReturnTransition,
    NoReturnDestination,
    OrderCanceled,
    OrderNotReturnable,
    QuantityAboveDelivered,
    ReturnNotFound,
    UnknownOrderLine,
)
from .mail import notify
from .models import ReturnCase, ReturnLine

# A warranty claim being repaired (``returns.cases.repairs``) adds repairing, repaired, unrepairable and shipped_back.
REPAIR = ("repairing", "repaired", "unrepairable", "shipped_back")
OPEN = ("requested", "approved", "in_transit", "received", "inspected", "refunding") + REPAIR
# Units of these cases count against what can still be returned.
HOLDING = ("requested", "approved", "in_transit", "received", "inspected", "refunding", "refunded", "closed") + REPAIR
# ``refunding``: the case's one refund is decided and being paid (``returns.cases.refunding``);
# it goes back to ``approved`` (a refund without return) or ``inspected`` if the provider refuses it.
TRANSITIONS = {
    "requested": ("approved", "rejected", "canceled"),
    "approved": ("in_transit", "received", "refunding", "closed", "canceled", "rejected"),
    "rejected": ("approved",),
    "in_transit": ("received",),
    "received": ("inspected", "repairing"),
    "inspected": ("refunding", "closed"),
    "repairing": ("repaired", "unrepairable"),
    "repaired": ("shipped_back",),
    "shipped_back": ("closed",),
    "unrepairable": ("refunding", "closed"),
    "refunding": ("refunded", "approved", "inspected"),
    "refunded": ("closed",),
    "closed": (),
    "canceled": (),
}


def _move(case: ReturnCase, target: str) -> None:
    if target not in TRANSITIONS[case.status]:
        raise InvalidReturnTransition(current=case.status)
    case.status = target


# --- what was delivered -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Delivered:
    quantity: int
    delivered_at: datetime | None


def deliveries(session: Session, order: Order) -> dict[str, Delivered]:
    """Per order line: units delivered (parcels with status ``delivered``) and the last delivery time."""
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity), func.max(Shipment.delivered_at))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order.id, Shipment.status == "delivered")
        .group_by(ShipmentLine.order_line_id))
    found = {line_id: Delivered(int(quantity), at) for line_id, quantity, at in rows}
    if not found and order.delivered_at is not None:
        # An order marked delivered without parcels (e.g. imported): every line arrived then.
        return {line.id: Delivered(line.quantity, order.delivered_at) for line in order.lines}
    return found


def held_quantities(session: Session, order_id: str) -> dict[str, int]:
    """Per order line: units already in cases that hold them (open or done)."""
    query = (select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
             .join(ReturnCase, ReturnCase.id == ReturnLine.case_id)
             .where(ReturnCase.order_id == order_id, ReturnCase.status.in_(HOLDING))
             .group_by(ReturnLine.order_line_id))
    return {line_id: int(quantity) for line_id, quantity in session.execute(query)}


# --- deciding -----------------------------------------------------------------------------

def _sellers(session: Session, lines) -> dict[str, Seller]:
    ids = sorted({line.seller_id for line in lines})
    return {seller.id: seller for seller in session.scalars(select(Seller).where(Seller.id.in_(ids)))}


def decision_record(decision) -> dict:
    """A decision as JSON: dates as ISO strings, reasons with code, parameters and sources."""
    data = dataclasses.asdict(decision)
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
    data["reasons"] = [{"code": r.code, "params": r.params, "sources": list(r.sources)} for r in decision.reasons]
    return data


def buyer_zones(order: Order) -> tuple[str, ...]:
    """The time zones of the order's shipping country: its periods count calendar days there."""
    return policy.days.zones_for((order.shipping_address or {}).get("country"))


def decide_line(market_rules, seller: Seller, line: OrderLine, delivered: Delivered, *, reason: str,
                opened: bool, requested_at: datetime, zones: tuple[str, ...], quantity: int = 1):
    # The buyer was told what the line could not be returned for only if they acknowledged it at checkout.
    return policy.decide_return(market_rules, policy.SellerPolicy.of(seller), category=line.category, reason=reason,
                                opened=opened, quantity=quantity, delivered_at=delivered.delivered_at,
                                requested_at=requested_at, zones=zones,
                                notice_given=line.return_acknowledgement is not None,
                                acknowledged=line.return_acknowledgement)


def return_options(session: Session, order: Order, *, now: datetime | None = None) -> list[dict]:
    """Per delivered line: how many units can still be returned, and the terms for each reason."""
    now = now or utcnow()
    market = policy.MarketRules.of(get_market(session, order.market_code))
    delivered = deliveries(session, order)
    held = held_quantities(session, order.id)
    sellers = _sellers(session, order.lines)
    zones = buyer_zones(order)
    options = []
    for line in order.lines:
        got = delivered.get(line.id)
        if got is None or got.quantity <= 0:
            continue
        by_reason = {}
        for reason in policy.RETURN_REASONS:
            by_reason[reason] = {
                state: decide_line(market, sellers[line.seller_id], line, got, reason=reason, opened=opened,
                                   requested_at=now, zones=zones)
                for state, opened in (("unopened", False), ("opened", True))}
        returnable = max(got.quantity - held.get(line.id, 0), 0)
        options.append({"line": line, "delivered": got.quantity, "returnable": returnable,
                        "delivered_at": got.delivered_at, "decisions": by_reason})
    return options


def destination(session: Session, order: Order, seller_ids) -> dict:
    """Where the goods go back: the market's overseas centre, else the consolidation warehouse, else the seller."""
    routing = policy.policy_data()["return_routing"]
    for kind in routing["warehouse_kinds"]:
        query = select(Warehouse).where(Warehouse.kind == kind, Warehouse.active.is_(True)).order_by(Warehouse.code)
        if kind == "overseas":
            query = query.where(Warehouse.market_code == order.market_code)
        warehouse = session.scalars(query).first()
        if warehouse is not None:
            return {"kind": kind, "warehouse_id": warehouse.id, "name": warehouse.name,
                    "address": warehouse.address, "country": warehouse.country, "sources": routing["sources"]}
    for seller_id in sorted(seller_ids):
        seller = session.get(Seller, seller_id)
        if seller is not None and seller.return_address:
            return {"kind": "seller", "warehouse_id": None, "name": seller.legal_name,
                    "address": seller.return_address, "country": seller.return_address.get("country"),
                    "sources": routing["sources"]}
    raise NoReturnDestination()


def _number(session: Session, order: Order) -> str:
    count = session.scalar(select(func.count()).select_from(ReturnCase).where(ReturnCase.order_id == order.id))
    return f"R-{order.number}-{count + 1}"


def open_case(session: Session, order_id: str, *, kind: str, lines: list[dict], reason: str, opened: bool = False,
              note: str | None = None, photos: list[str] | None = None, idempotency_key: str | None = None,
              user_id: str | None = None, now: datetime | None = None) -> tuple[ReturnCase, bool]:
    """Open a return (or warranty claim) and decide it at once; ``(case, created)``; the caller commits.

    ``lines``: ``[{"order_line_id", "quantity"}]`` (a claim: one line). Locks the order row.
    An ``idempotency_key`` already used on the order returns that case (``created`` False).
    """
    now = now or utcnow()
    order = orders.lock_order(session, order_id)
    if order is None:
        raise ReturnNotFound()
    if idempotency_key:
        existing = session.scalar(select(ReturnCase).where(ReturnCase.order_id == order.id,
                                                           ReturnCase.idempotency_key == idempotency_key))
        if existing is not None:
            return existing, False
    if order.status == "canceled":
        raise OrderCanceled()
    delivered = deliveries(session, order)
    if not delivered:
        raise OrderNotReturnable()
    by_id = {line.id: line for line in order.lines}
    held = held_quantities(session, order.id)
    wanted: dict[str, int] = {}
    exchanges: dict[str, str] = {}
    for item in lines:
        line = by_id.get(item["order_line_id"])
        if line is None:
            raise UnknownOrderLine(item["order_line_id"])
        wanted[line.id] = wanted.get(line.id, 0) + item["quantity"]
        if item.get("exchange_variant_id"):
            exchanges[line.id] = _exchange_variant(session, line, item["exchange_variant_id"])
    for line_id, quantity in wanted.items():
        left = (delivered[line_id].quantity if line_id in delivered else 0) - held.get(line_id, 0)
        if quantity > left:
            raise QuantityAboveDelivered(line_id, max(left, 0))
    market = policy.MarketRules.of(get_market(session, order.market_code))
    sellers = _sellers(session, [by_id[line_id] for line_id in wanted])
    decisions = {}
    for line_id, quantity in wanted.items():
        line, seller = by_id[line_id], sellers[by_id[line_id].seller_id]
        if kind == "warranty":
            decisions[line_id] = policy.decide_warranty(
                market, policy.SellerPolicy.of(seller), category=line.category,
                delivered_at=delivered[line_id].delivered_at, claimed_at=now, zones=buyer_zones(order))
        else:
            decisions[line_id] = decide_line(market, seller, line, delivered[line_id], reason=reason, opened=opened,
                                             requested_at=now, zones=buyer_zones(order), quantity=quantity)
    allowed = all(decision.allowed for decision in decisions.values())
    case = ReturnCase(
        number=_number(session, order), kind=kind, order_id=order.id, user_id=user_id, market_code=order.market_code,
        locale=order.locale, reason=reason, note=note, photos=list(photos or ()), allowed=allowed,
        decision={"lines": {line_id: decision_record(d) for line_id, d in decisions.items()},
                  "opened": opened, "policy_version": policy.policy_data()["version"]},
        currency=order.currency, idempotency_key=idempotency_key, requested_at=now, decided_at=now,
        status="approved" if allowed else "rejected")
    if kind == "return":
        payers = {d.return_shipping_payer for d in decisions.values()}
        case.return_shipping_payer = "seller" if "seller" in payers else "consumer"
        deadlines = [d.refund_deadline for d in decisions.values() if d.refund_deadline]
        case.refund_due_on = min(deadlines) if deadlines else None
    else:
        case.return_shipping_payer = "seller"
    for position, (line_id, quantity) in enumerate(wanted.items()):
        line = by_id[line_id]
        case.lines.append(ReturnLine(position=position, order_line_id=line_id, seller_id=line.seller_id,
                                     variant_id=line.variant_id, exchange_variant_id=exchanges.get(line_id),
                                     quantity=quantity))
    if exchanges:
        case.resolution = "exchange"
    if allowed:
        case.destination = destination(session, order, {line.seller_id for line in case.lines})
    session.add(case)
    session.flush()
    notify(session, case, order, "approved" if allowed else "rejected")
    return case, True


def _exchange_variant(session: Session, line: OrderLine, variant_id: str) -> str:
    """The variant asked for instead of ``line``'s: same product, same price, still on sale."""
    variant = session.get(ProductVariant, variant_id)
    if (variant is None or variant.id == line.variant_id or variant.product_id != line.product_id
            or variant.price_krw != line.unit_price_krw or not variant.active):
        raise InvalidExchange(line.id)
    return variant.id


# --- ops ----------------------------------------------------------------------------------

def get_case(session: Session, case_id: str, *, lock: bool = False) -> ReturnCase:
    """The case (``ReturnNotFound`` if none); ``lock``: its row locked and re-read from the database."""
    query = select(ReturnCase).where(ReturnCase.id == case_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.scalar(query)
    if case is None:
        raise ReturnNotFound()
    return case


def override(session: Session, case: ReturnCase, *, approve: bool, by: str, why: str) -> ReturnCase:
    """Ops approve a case the engine rejected (or reject one it approved), recording who and why."""
    order = session.get(Order, case.order_id)
    _move(case, "approved" if approve else "rejected")
    case.override_by, case.override_reason, case.decided_at = by, why, utcnow()
    if approve:
        case.destination = case.destination or destination(session, order, {line.seller_id for line in case.lines})
    else:
        case.rejection_note = why
    session.flush()
    notify(session, case, order, "approved" if approve else "rejected", again=True)
    return case


def mark_in_transit(session: Session, case: ReturnCase) -> ReturnCase:
    _move(case, "in_transit")
    case.shipped_back_at = utcnow()
    session.flush()
    return case


def receive(session: Session, case: ReturnCase, counted: dict[str, int], *, return_shipping_minor: int = 0,
            now: datetime | None = None) -> ReturnCase:
    """The parcel came back: ``counted`` units per return line id (missing lines count 0)."""
    now = now or utcnow()
    by_id = {line.id: line for line in case.lines}
    unknown = set(counted) - set(by_id)
    if unknown:
        raise InvalidCount(f"unknown return lines: {', '.join(sorted(unknown))}")
    for line_id, quantity in counted.items():
        if quantity < 0 or quantity > by_id[line_id].quantity:
            raise InvalidCount(f"{line_id}: between 0 and {by_id[line_id].quantity}")
    _move(case, "received")
    case.received_at = now
    for line in case.lines:
        line.received_quantity = counted.get(line.id, 0)
    if case.refund_due_on is None and case.resolution != "repair":  # a repair has its own time (``repairs``)
        days = max((d["refund_deadline_days"] for d in case.decision.get("lines", {}).values()
                    if d.get("refund_deadline_days")), default=policy.policy_data()["defaults"]["refund_deadline_days"])
        case.refund_due_on = now.date() + timedelta(days=days)
    if return_shipping_minor and case.return_shipping_payer == "seller":
        book_split(session, case, "return_shipping", return_shipping_minor)
    session.flush()
    notify(session, case, session.get(Order, case.order_id), "received")
    return case


def inspect(session: Session, case: ReturnCase, resellable: dict[str, int], *, actor: str | None = None) -> ReturnCase:
    """Per return line, how many received units can be sold again; the rest are damaged.

    Resellable units go back on hand at the destination warehouse through the ledger; the
    damaged ones are booked as a write-off cost.
    """
    by_id = {line.id: line for line in case.lines}
    for line_id, quantity in resellable.items():
        if line_id not in by_id or not 0 <= quantity <= (by_id[line_id].received_quantity or 0):
            raise InvalidCount(f"{line_id}: between 0 and the units received")
    _move(case, "inspected")
    case.inspected_at = utcnow()
    warehouse_id = _restock_warehouse(session, case)
    for line in case.lines:
        line.resellable_quantity = resellable.get(line.id, 0)
        line.damaged_quantity = (line.received_quantity or 0) - line.resellable_quantity
        if line.resellable_quantity and warehouse_id:
            ledger.restock_return(session, variant_id=line.variant_id, warehouse_id=warehouse_id,
                                  quantity=line.resellable_quantity, reference=case.id, actor=actor)
    damaged = {line.id: line.damaged_quantity for line in case.lines}
    for seller_id, amount in value_by_seller(session, case, damaged).items():
        book(session, case, seller_id, "write_off", amount)
    session.flush()
    return case


def _restock_warehouse(session: Session, case: ReturnCase) -> str | None:
    target = case.destination or {}
    if target.get("warehouse_id"):
        return target["warehouse_id"]
    sellers = sorted({line.seller_id for line in case.lines})
    warehouse = session.scalars(select(Warehouse).where(Warehouse.kind == "seller", Warehouse.seller_id.in_(sellers),
                                                        Warehouse.active.is_(True)).order_by(Warehouse.code)).first()
    return warehouse.id if warehouse else None


# --- closing (refunds: returns.cases.refunding; exchanges, replacements: returns.cases.resolutions) ---

def close(session: Session, case: ReturnCase) -> ReturnCase:
    _move(case, "closed")
    case.closed_at = utcnow()
    session.flush()
    return case


def cancel(session: Session, case: ReturnCase) -> ReturnCase:
    """The buyer withdraws the request before sending anything back."""
    if case.status not in ("requested", "approved"):
        raise InvalidReturnTransition(current=case.status)
    _move(case, "canceled")
    case.canceled_at = utcnow()
    session.flush()
    return case

