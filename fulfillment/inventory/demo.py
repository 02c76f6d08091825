"""Demo stock: the bonded hub in Incheon, fulfilment centres in Tokyo and Los Angeles, a seller's own
stockroom, and inbound shipments received into them (so the ledger tells how the stock got there).

Deliberate gaps, so the storefront has something to show: a few variants have no stock at all
(``out``), some only a handful (``low``); only cosmetics and food are stocked in Tokyo and only
the best sellers in Los Angeles.
"""
from __future__ import annotations

import zlib

from sqlalchemy import select

from fulfillment.warehouses.models import Warehouse
from fulfillment.warehouses.services import create_warehouse
from shop.catalog.models import Product, ProductVariant

from .models import InboundShipment
from .services import announce_inbound, receive_inbound

WAREHOUSES = [
    {"code": "ICN-BONDED", "name": "Dari Incheon bonded consolidation hub", "kind": "consolidation",
     "address": {"name": "Dari Logistics", "line1": "272 Gonghang-ro", "city": "Incheon", "postal_code": "22382",
                 "country": "KR"}},
    {"code": "JP-TOKYO-FC", "name": "Dari Tokyo fulfilment centre", "kind": "overseas", "country": "JP",
     "market_code": "JP",
     "address": {"name": "Dari Japan", "line1": "2-1 Heiwajima", "city": "Ota-ku, Tokyo", "postal_code": "143-0006",
                 "country": "JP"}},
    {"code": "US-LAX-FC", "name": "Dari Los Angeles fulfilment centre", "kind": "overseas", "country": "US",
     "market_code": "US",
     "address": {"name": "Dari USA", "line1": "1200 E Dominguez St", "city": "Carson, CA", "postal_code": "90746",
                 "country": "US"}},
]
OWN_STOCKROOM = {"seller": "icheon", "code": "ICHEON-STUDIO", "name": "Icheon Ceramics Studio stockroom",
                 "address": {"name": "이천도예공방", "line1": "Gyeongchung-daero 2697", "city": "Icheon",
                             "postal_code": "17379", "country": "KR"}}
DEMO_ACTOR = "demo"


def _units(sku: str, salt: str) -> int:
    return zlib.crc32(f"{salt}:{sku}".encode())


def _hub_quantity(sku: str) -> int:
    n = _units(sku, "hub")
    if n % 13 == 0:
        return 0  # out of stock everywhere unless an overseas centre has some
    if n % 7 == 0:
        return 3  # low
    return 20 + n % 60


def _plan(session, sellers) -> dict[tuple[str, str], list[dict]]:
    """``{(seller_key, warehouse_code): [{"variant_id", "quantity"}]}``."""
    plan: dict[tuple[str, str], list[dict]] = {}
    rows = session.execute(select(ProductVariant.id, ProductVariant.sku, ProductVariant.seller_id, Product.category)
                           .join(Product, Product.id == ProductVariant.product_id)
                           .where(ProductVariant.seller_id.in_([s.id for s in sellers.values()]))
                           .order_by(ProductVariant.sku)).all()
    key_of = {seller.id: key for key, seller in sellers.items()}
    for variant_id, sku, seller_id, category in rows:
        key = key_of[seller_id]
        hub = _hub_quantity(sku)
        home = OWN_STOCKROOM["code"] if key == OWN_STOCKROOM["seller"] else "ICN-BONDED"
        if hub:
            plan.setdefault((key, home), []).append({"variant_id": variant_id, "quantity": hub})
        if category in ("cosmetics", "food") and _units(sku, "jp") % 3:
            plan.setdefault((key, "JP-TOKYO-FC"), []).append(
                {"variant_id": variant_id, "quantity": 2 + _units(sku, "jp") % 18})
        if _units(sku, "us") % 4 == 0:
            plan.setdefault((key, "US-LAX-FC"), []).append(
                {"variant_id": variant_id, "quantity": 4 + _units(sku, "us") % 12})
    return plan


def seed_inventory(session) -> None:
    """Idempotent: warehouses are keyed by code, demo inbound shipments by their seller reference."""
    from shop.sellers.demo import SELLERS, demo_seller

    warehouses = {w.code: w for w in session.scalars(select(Warehouse))}
    for spec in WAREHOUSES:
        if spec["code"] not in warehouses:
            warehouses[spec["code"]] = create_warehouse(session, **spec)
    sellers = {spec["key"]: demo_seller(session, spec["key"]) for spec in SELLERS}
    sellers = {key: seller for key, seller in sellers.items() if seller is not None}
    own = sellers.get(OWN_STOCKROOM["seller"])
    if own is not None and OWN_STOCKROOM["code"] not in warehouses:
        warehouses[OWN_STOCKROOM["code"]] = create_warehouse(
            session, code=OWN_STOCKROOM["code"], name=OWN_STOCKROOM["name"], kind="seller", seller_id=own.id,
            address=OWN_STOCKROOM["address"])

    for (key, code), lines in sorted(_plan(session, sellers).items()):
        seller, warehouse = sellers[key], warehouses[code]
        reference = f"DEMO-{code}"
        done = session.scalar(select(InboundShipment.id).where(
            InboundShipment.seller_id == seller.id, InboundShipment.warehouse_id == warehouse.id,
            InboundShipment.seller_reference == reference))
        if done:
            continue
        shipment = announce_inbound(session, seller_id=seller.id, warehouse_id=warehouse.id, lines=lines,
                                    seller_reference=reference, note="Demo opening stock", actor=DEMO_ACTOR)
        receive_inbound(session, shipment.id, actor=DEMO_ACTOR, lines=[
            {"variant_id": line.variant_id, "received_quantity": line.expected_quantity}
            for line in shipment.lines])
    session.flush()
