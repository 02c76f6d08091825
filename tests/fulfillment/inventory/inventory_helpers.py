"""Builders for inventory tests: sellers' variants, warehouses, stock (through the real services)."""
from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from fulfillment.inventory import services
from fulfillment.inventory.models import StockLevel
from fulfillment.warehouses.services import create_warehouse
from shop.core.db import utcnow
from tests.shop.catalog.helpers import make_product, variant

_n = itertools.count(1)
COUNTRY = {"US": "US", "JP": "JP", "CN": "CN", "EU": "DE", "GB": "GB", "AU": "AU", "CA": "CA", "SG": "SG",
           "VN": "VN", "TW": "TW", "HK": "HK"}


def make_variants(session, seller, count: int = 1) -> list[str]:
    product = make_product(session, seller, variants=[variant() for _ in range(count)])
    return [v.id for v in product.variants]


def make_warehouse(session, kind: str = "consolidation", *, market: str | None = None, seller=None,
                   active: bool = True):
    n = next(_n)
    warehouse = create_warehouse(
        session, code=f"T{kind[:3].upper()}{n}-{market or 'KR'}", name=f"Test {kind} {n}", kind=kind,
        country=COUNTRY[market] if market else "KR", market_code=market,
        seller_id=seller.id if seller is not None else None, active=active)
    session.commit()
    return warehouse


def put_stock(session, variant_id: str, warehouse, quantity: int):
    """Receive ``quantity`` units (a ``receipt`` movement) and commit."""
    level_id = services.ensure_level(session, variant_id, warehouse.id)
    level = services.lock_levels(session, [level_id])[level_id]
    services.record(session, level, "receipt", quantity, reference_type="test", reference="setup", actor="test")
    session.commit()
    return level


def level_of(session, variant_id: str, warehouse) -> StockLevel | None:
    return session.scalar(select(StockLevel).where(StockLevel.variant_id == variant_id,
                                                   StockLevel.warehouse_id == warehouse.id)
                          .execution_options(populate_existing=True))


def soon(minutes: int = 15):
    return utcnow() + timedelta(minutes=minutes)
