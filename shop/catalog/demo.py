"""Demo catalogue: 60+ products of the five demo sellers, text in all eight locales,
certificates that leave some products blocked in some markets on purpose, rates and collections.

Deliberate blocks (so availability has something to explain):
* cosmetics without a green-tea base have no NMPA filing: not sold in CN;
* sunscreens have no CPNP notification: not sold in the EU;
* electronics have no CCC except the desk lamps: not sold in CN; power banks lack PSE: not sold in JP.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from .models import Certificate, Collection, Product
from .rates import refresh_rates
from .services import collections as collection_services
from .services import products as product_services

DATA = Path(__file__).parent / "data" / "demo_products.json"
VALID_FROM, VALID_UNTIL = date(2024, 1, 1), date(2030, 12, 31)
BUSINESS_CERTIFICATES = {
    "hanbit": [("JP_COSMETICS_LICENCE", "JP"), ("AICIS", "AU")],
    "jeju": [("FDA_FOOD_FACILITY", "US")],
    "pangyo": [("GPSR", "EU")],
}


def _product_certificates(key: str, category: str) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    if category == "cosmetics":
        result += [("SCPN", "GB"), ("HSA_NOTIFICATION", "SG"), ("DAV_NOTIFICATION", "VN")]
        if "-sunscreen-" not in key:
            result.append(("CPNP", "EU"))
        if key.endswith("-greentea"):
            result.append(("NMPA", "CN"))
    elif category == "electronics":
        result += [("FCC", "US"), ("CE", "EU")]
        if "-powerbank-" not in key:
            result.append(("PSE", "JP"))
        if "-lamp-" in key:
            result.append(("CCC", "CN"))
    return result


def _certificate(session, seller_id, cert_type, market, product_id=None):
    session.add(Certificate(seller_id=seller_id, product_id=product_id, type=cert_type, market_code=market,
                            number=f"{cert_type}-{(product_id or seller_id)[-8:].upper()}", status="verified",
                            valid_from=VALID_FROM, valid_until=VALID_UNTIL,
                            document_url=f"https://docs.dari.example/certificates/{cert_type.lower()}.pdf"))


def seed_catalog(session) -> None:
    """Idempotent: products are keyed by slug, certificates and collections by their natural keys."""
    from shop.sellers.demo import demo_seller

    data = json.loads(DATA.read_text(encoding="utf-8"))
    refresh_rates(session)
    sellers = {}
    for spec in data["products"]:
        seller = sellers.get(spec["seller"]) or demo_seller(session, spec["seller"])
        sellers[spec["seller"]] = seller
        if session.scalar(select(Product.id).where(Product.slug == spec["key"])):
            continue
        product = product_services.create_product(session, seller.id, {
            "slug": spec["key"], "category": spec["category"], "hs_code": spec["hs_code"], "brand": spec["brand"],
            "status": "active", "origin_country": "KR", "variants": spec["variants"],
            "translations": spec["translations"],
            "images": [f"https://images.dari.example/products/{spec['key']}.jpg"],
            "attributes": {"line": spec["key"].rsplit("-", 1)[-1]},
        })
        for cert_type, market in _product_certificates(spec["key"], spec["category"]):
            _certificate(session, seller.id, cert_type, market, product.id)
        if spec["key"] == "hanbit-toner-greentea":
            product_services.set_market_price(session, product.variants[0], "JP", 1980)
    for key, entries in BUSINESS_CERTIFICATES.items():
        seller = sellers.get(key)
        if seller is None:
            continue
        for cert_type, market in entries:
            exists = session.scalar(select(Certificate.id).where(
                Certificate.seller_id == seller.id, Certificate.type == cert_type,
                Certificate.market_code == market, Certificate.product_id.is_(None)))
            if not exists:
                _certificate(session, seller.id, cert_type, market)
    session.flush()
    for spec in data["collections"]:
        if session.scalar(select(Collection.id).where(Collection.slug == spec["slug"])):
            continue
        ids = list(session.scalars(select(Product.id).where(Product.slug.in_(spec["products"]))))
        order = {pid: spec["products"].index(slug) for pid, slug in
                 session.execute(select(Product.id, Product.slug).where(Product.id.in_(ids)))}
        collection_services.create_collection(session, {
            "slug": spec["slug"], "titles": spec["titles"], "descriptions": spec["descriptions"],
            "position": spec["position"], "product_ids": sorted(ids, key=order.get)})
