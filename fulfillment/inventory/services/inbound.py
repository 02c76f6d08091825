"""Inbound shipments: a seller announces goods, ops count them in; stock rises on receipt only."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fulfillment.warehouses.services import usable_warehouse
from shop.catalog.models import ProductVariant
from shop.core.db import utcnow

from ..errors import InboundNotFound, InboundNotOpen, InvalidQuantity, ReceiptMismatch
from ..models import InboundLine, InboundShipment
from .ledger import ensure_level, lock_levels, record
from .queries import own_variants


def announce_inbound(session: Session, *, seller_id: str, warehouse_id: str, lines: list[dict],
                     seller_reference: str | None = None, carrier_tracking: str | None = None,
                     expected_at: datetime | None = None, note: str | None = None,
                     actor: str | None = None) -> InboundShipment:
    """Announce goods on their way to a warehouse: ``lines`` of ``{"variant_id", "quantity"}``.

    Quantities of the same variant are summed. Raises ``InvalidQuantity`` (not a
    positive integer), ``UnknownWarehouse`` (inactive, unknown or another seller's)
    and ``VariantNotFound`` (not the seller's own variants). No stock changes yet.
    """
    warehouse = usable_warehouse(session, warehouse_id, seller_id=seller_id)
    expected: dict[str, int] = defaultdict(int)
    for line in lines or ():
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise InvalidQuantity()
        expected[line.get("variant_id")] += quantity
    if not expected:
        raise InvalidQuantity()
    own_variants(session, list(expected), seller_id)
    shipment = InboundShipment(seller_id=seller_id, warehouse_id=warehouse.id, status="announced",
                               seller_reference=seller_reference, carrier_tracking=carrier_tracking,
                               expected_at=expected_at, note=note, announced_by=actor)
    for position, (variant_id, quantity) in enumerate(expected.items()):
        shipment.lines.append(InboundLine(variant_id=variant_id, position=position, expected_quantity=quantity))
    session.add(shipment)
    session.flush()
    return shipment


def get_inbound(session: Session, shipment_id: str, *, seller_id: str | None = None) -> InboundShipment:
    """The shipment; with ``seller_id`` only the seller's own (``InboundNotFound`` otherwise)."""
    shipment = session.get(InboundShipment, shipment_id)
    if shipment is None or (seller_id is not None and shipment.seller_id != seller_id):
        raise InboundNotFound()
    return shipment


def list_inbound_query(*, seller_id: str | None = None, warehouse_id: str | None = None,
                       status: str | None = None):
    query = select(InboundShipment).order_by(InboundShipment.created_at.desc(), InboundShipment.id)
    if seller_id:
        query = query.where(InboundShipment.seller_id == seller_id)
    if warehouse_id:
        query = query.where(InboundShipment.warehouse_id == warehouse_id)
    if status:
        query = query.where(InboundShipment.status == status)
    return query


def cancel_inbound(session: Session, shipment_id: str, *, seller_id: str | None = None) -> InboundShipment:
    """Cancel an announcement that has not been received (``InboundNotOpen`` otherwise)."""
    shipment = get_inbound(session, shipment_id, seller_id=seller_id)
    _claim(session, shipment, "canceled")
    return shipment


def _claim(session: Session, shipment: InboundShipment, status: str) -> None:
    """Move ``announced`` → ``status`` with a conditional update, so two clerks cannot both do it."""
    result = session.execute(update(InboundShipment)
                             .where(InboundShipment.id == shipment.id, InboundShipment.status == "announced")
                             .values(status=status, updated_at=utcnow())
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InboundNotOpen()
    session.refresh(shipment)


def _validate_receipt(session: Session, shipment: InboundShipment, counted: list[dict]) -> dict[str, dict]:
    announced = {line.variant_id: line for line in shipment.lines}
    errors: dict = {}
    by_variant: dict[str, dict] = {}
    extra_ids = []
    for index, line in enumerate(counted or ()):
        variant_id = line.get("variant_id")
        quantity = line.get("received_quantity")
        reason = (line.get("discrepancy_reason") or "").strip() or None
        problems = []
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            message = _l("Give a whole number, 0 or more.")
            raise InvalidQuantity(errors={"lines": {index: {"received_quantity": [message]}}})
        if variant_id in by_variant:
            problems.append(_l("This variant is counted twice; give one line per variant."))
        elif variant_id in announced:
            if quantity != announced[variant_id].expected_quantity and not reason:
                problems.append(_l("The count differs from the %(expected)s announced; give a discrepancy reason.",
                                   expected=announced[variant_id].expected_quantity))
        else:
            extra_ids.append(variant_id)
            if not reason:
                problems.append(_l("This variant was not announced; give a discrepancy reason to receive it."))
        if problems:
            errors[index] = {"discrepancy_reason" if variant_id not in by_variant else "variant_id": problems}
        by_variant.setdefault(variant_id, {"quantity": quantity, "reason": reason})
    if extra_ids:
        unknown = set(extra_ids) - set(session.scalars(
            select(ProductVariant.id).where(ProductVariant.id.in_(extra_ids),
                                            ProductVariant.seller_id == shipment.seller_id)))
        for index, line in enumerate(counted):
            if line.get("variant_id") in unknown:
                errors.setdefault(index, {})["variant_id"] = [_l("Not a variant of this seller.")]
    missing = [variant_id for variant_id in announced if variant_id not in by_variant]
    if missing or errors:
        problem = {"lines": errors} if errors else {}
        if missing:
            problem["missing_variant_ids"] = [_l("Count every announced line (0 with a reason if none arrived): "
                                                 "%(ids)s.", ids=", ".join(missing))]
        raise ReceiptMismatch(errors=problem)
    return by_variant


def receive_inbound(session: Session, shipment_id: str, *, lines: list[dict],
                    actor: str | None = None) -> InboundShipment:
    """Record counted quantities and put them on hand (one ``receipt`` movement per line).

    ``lines``: ``{"variant_id", "received_quantity", "discrepancy_reason"?}`` for every
    announced line; a count that differs from the announcement, or a line that was
    not announced, needs a discrepancy reason. Raises ``InboundNotFound``,
    ``InboundNotOpen`` (already received or canceled), ``InvalidQuantity`` or
    ``ReceiptMismatch`` (422), all before anything is written.
    """
    shipment = get_inbound(session, shipment_id)
    if shipment.status != "announced":
        raise InboundNotOpen()
    counted = _validate_receipt(session, shipment, lines)
    _claim(session, shipment, "received")
    announced = {line.variant_id: line for line in shipment.lines}
    position = len(announced)
    for variant_id, count in counted.items():
        line = announced.get(variant_id)
        if line is None:
            line = InboundLine(variant_id=variant_id, position=position, expected_quantity=0)
            shipment.lines.append(line)
            position += 1
        line.received_quantity = count["quantity"]
        line.discrepancy_reason = count["reason"] if count["quantity"] != line.expected_quantity else None
    receiving = {variant_id: count for variant_id, count in counted.items() if count["quantity"] > 0}
    # Create missing levels in one global order too, so concurrent receipts cannot deadlock on inserts.
    level_ids = {variant_id: ensure_level(session, variant_id, shipment.warehouse_id)
                 for variant_id in sorted(receiving)}
    levels = lock_levels(session, level_ids.values())
    for variant_id, count in sorted(receiving.items(), key=lambda item: level_ids[item[0]]):
        record(session, levels[level_ids[variant_id]], "receipt", count["quantity"], reason=count["reason"],
               reference_type="inbound", reference=shipment.id, actor=actor)
    shipment.received_by = actor
    shipment.received_at = utcnow()
    session.flush()
    return shipment
