"""Builders for catalog tests (through the real services)."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from shop.catalog.listings import REFRESH_JOB
from shop.catalog.models import Certificate
from shop.catalog.services import products as svc
from shop.catalog.tasks import refresh_listings
from shop.core.db import utcnow
from shop.core.jobs.models import OutboxMessage

_n = itertools.count(1)
TEXTS = {
    "ko": ("녹차 수분 크림", "제주 녹차로 만든 수분 크림"),
    "en": ("Green Tea Moisture Cream", "A moisture cream made with Jeju green tea"),
    "ja": ("緑茶モイスチャークリーム", "済州の緑茶で作った保湿クリーム"),
    "zh-Hans": ("绿茶保湿霜", "用济州绿茶制成的保湿霜"),
    "de": ("Grüntee-Feuchtigkeitscreme", "Eine Feuchtigkeitscreme mit grünem Tee aus Jeju"),
}


def variant(**overrides) -> dict:
    spec = {"sku": f"SKU-{next(_n)}", "weight_g": 250, "length_mm": 80, "width_mm": 80, "height_mm": 60,
            "price_krw": 25000, "options": {"size": "50ml"},
            # what customs papers say when a product has no English listing
            "customs_description": "Test household article"}
    spec.update(overrides)
    return spec


def make_product(session, seller, *, category="household", status="active", locales=("ko", "en"),
                 texts=None, variants=None, brand="Dari Test", **extra):
    texts = texts or TEXTS
    data = {"category": category, "hs_code": "330499", "brand": brand, "status": status,
            "variants": variants if variants is not None else [variant()],
            "translations": {loc: {"title": texts[loc][0], "short_description": texts[loc][1]}
                             for loc in locales if loc in texts}}
    data.update(extra)
    product = svc.create_product(session, seller.id, data)
    session.commit()
    run_listing_refresh(session)
    return product


def certify(session, product, cert_type, market, *, status="verified", business=False,
            valid_from=None, valid_until=None):
    certificate = Certificate(seller_id=product.seller_id, product_id=None if business else product.id,
                              type=cert_type, number=f"N-{next(_n)}", market_code=market, status=status,
                              valid_from=valid_from or date.today() - timedelta(days=10), valid_until=valid_until)
    session.add(certificate)
    session.commit()
    run_listing_refresh(session)
    return certificate


def run_listing_refresh(session) -> int:
    """Run the listing refreshes the test's commits deferred, as a worker would.

    The test's transaction is never committed, so no worker can see it: the jobs run here,
    in the test's session (``execute_outbox`` would end that session; the real worker's path
    is tested in tests/shop/catalog/test_listings.py). Returns how many ran.
    """
    pending = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.job == REFRESH_JOB, OutboxMessage.processed_at.is_(None)).order_by(OutboxMessage.created_at)))
    for message in pending:
        refresh_listings(**message.kwargs)
        message.processed_at = utcnow()
        session.commit()
    return len(pending)
