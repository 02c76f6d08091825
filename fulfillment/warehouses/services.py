"""Warehouse rules: which kinds exist where, which markets each one serves."""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from shop.markets.models import Market
from shop.sellers.models import Seller

from .errors import InvalidWarehouse, UnknownWarehouse, WarehouseCodeTaken, WarehouseInUse, WarehouseNotFound
from .models import HOME_COUNTRY, Warehouse

EDITABLE = ("code", "name", "address", "active")
# ``app.extensions`` key: checks ``(session, warehouse_id) -> bool`` that say a warehouse is in use.
# Packages above this one (inventory: stock levels, inbound shipments) register theirs in ``init_app``.
IN_USE_CHECKS = "dari.warehouse_in_use"
InUseCheck = Callable[[Session, str], bool]


def register_in_use_check(app: Flask, check: InUseCheck) -> None:
    """Have ``delete_warehouse`` refuse a warehouse for which ``check(session, warehouse_id)`` is true."""
    checks = app.extensions.setdefault(IN_USE_CHECKS, [])
    if check not in checks:
        checks.append(check)


def warehouse_in_use(session: Session, warehouse_id: str) -> bool:
    """True when a registered check (of the current app) says the warehouse is in use."""
    checks = current_app.extensions.get(IN_USE_CHECKS, ()) if has_app_context() else ()
    return any(check(session, warehouse_id) for check in checks)


def serves_market(market_code: str) -> ColumnElement[bool]:
    """SQL condition: the warehouse is active and ships to ``market_code``."""
    return Warehouse.active.is_(True) & or_(Warehouse.market_code.is_(None), Warehouse.market_code == market_code)


def _check_shape(session: Session, *, kind: str, country: str, market_code: str | None,
                 seller_id: str | None) -> None:
    errors: dict[str, list] = {}
    if kind == "overseas":
        market = session.get(Market, market_code) if market_code else None
        if market is None:
            errors["market_code"] = [_l("An overseas centre must name the market it serves.")]
        elif country not in (market.countries or []):
            errors["country"] = [_l("The country is not part of market %(market)s.", market=market.code)]
        if country == HOME_COUNTRY:
            errors.setdefault("country", []).append(_l("An overseas centre cannot be in Korea."))
    else:
        if country != HOME_COUNTRY:
            errors["country"] = [_l("Consolidation and seller warehouses are in Korea.")]
        if market_code is not None:
            errors["market_code"] = [_l("A warehouse in Korea serves every market; leave the market empty.")]
    if kind == "seller":
        if not seller_id or session.get(Seller, seller_id) is None:
            errors["seller_id"] = [_l("A seller's own warehouse must name an existing seller.")]
    elif seller_id is not None:
        errors["seller_id"] = [_l("Only a seller's own warehouse belongs to a seller.")]
    if errors:
        raise InvalidWarehouse(errors=errors)


def _check_code_free(session: Session, code: str, warehouse_id: str | None = None) -> None:
    query = select(Warehouse.id).where(Warehouse.code == code)
    if warehouse_id:
        query = query.where(Warehouse.id != warehouse_id)
    if session.scalar(query) is not None:
        raise WarehouseCodeTaken()


def create_warehouse(session: Session, *, code: str, name: str, kind: str, country: str | None = None,
                     address: dict | None = None, market_code: str | None = None, seller_id: str | None = None,
                     active: bool = True) -> Warehouse:
    """Create a warehouse; raises ``InvalidWarehouse`` (422) or ``WarehouseCodeTaken`` (409)."""
    country = (country or HOME_COUNTRY).upper()
    market_code = market_code.upper() if market_code else None
    code = code.upper()
    _check_shape(session, kind=kind, country=country, market_code=market_code, seller_id=seller_id)
    _check_code_free(session, code)
    warehouse = Warehouse(code=code, name=name, kind=kind, country=country, address=address or {},
                          market_code=market_code, seller_id=seller_id, active=active)
    session.add(warehouse)
    session.flush()
    return warehouse


def get_warehouse(session: Session, warehouse_id: str) -> Warehouse:
    warehouse = session.get(Warehouse, warehouse_id)
    if warehouse is None:
        raise WarehouseNotFound()
    return warehouse


def update_warehouse(session: Session, warehouse_id: str, changes: dict) -> Warehouse:
    """Change name, code, address or the active flag.

    Kind, country and served market are fixed once created: stock already in the
    warehouse was placed for them. Create a new warehouse to change them.
    """
    warehouse = get_warehouse(session, warehouse_id)
    if "code" in changes:
        changes = {**changes, "code": changes["code"].upper()}
        _check_code_free(session, changes["code"], warehouse.id)
    for key in EDITABLE:
        if key in changes:
            setattr(warehouse, key, changes[key])
    session.flush()
    return warehouse


def delete_warehouse(session: Session, warehouse_id: str) -> None:
    """Delete a warehouse that is not in use (``warehouse_in_use``); raises ``WarehouseInUse`` otherwise.

    Inventory registers the check that a warehouse never held stock nor had an inbound shipment.
    """
    warehouse = get_warehouse(session, warehouse_id)
    if warehouse_in_use(session, warehouse.id):
        raise WarehouseInUse()
    session.delete(warehouse)
    session.flush()


def list_warehouses_query(*, kind: str | None = None, market_code: str | None = None,
                          active: bool | None = None, seller_id: str | None = None):
    query = select(Warehouse).order_by(Warehouse.kind, Warehouse.code)
    if kind:
        query = query.where(Warehouse.kind == kind)
    if market_code:
        query = query.where(or_(Warehouse.market_code.is_(None), Warehouse.market_code == market_code.upper()))
    if active is not None:
        query = query.where(Warehouse.active.is_(active))
    if seller_id:
        query = query.where(Warehouse.seller_id == seller_id)
    return query


def seller_warehouses_query(seller_id: str):
    """Active warehouses a seller may send goods to: shared ones and its own."""
    return (select(Warehouse)
            .where(Warehouse.active.is_(True), or_(Warehouse.seller_id.is_(None), Warehouse.seller_id == seller_id))
            .order_by(Warehouse.kind, Warehouse.code))


def usable_warehouse(session: Session, warehouse_id: str | None, *, seller_id: str | None = None,
                     field: str = "warehouse_id") -> Warehouse:
    """The active warehouse ``warehouse_id`` that ``seller_id`` (if given) may use, else ``UnknownWarehouse``."""
    warehouse = session.get(Warehouse, warehouse_id) if warehouse_id else None
    if warehouse is None or not warehouse.active:
        raise UnknownWarehouse(field)
    if seller_id is not None and warehouse.seller_id not in (None, seller_id):
        raise UnknownWarehouse(field)
    return warehouse
