"""Low-stock alerts: once a day at most, tell a seller which of its variants are running out.

A variant is low when the units available over all warehouses (on hand, less unexpired
reservations, less allocations; ``queries.list_levels`` counts them the same way) are at or
under its threshold (``VariantStockSetting`` or ``DEFAULT_LOW_STOCK_THRESHOLD``). Only variants
that have a stock level at all are considered: one never stocked is not running low.

A ``LowStockAlert`` row (primary key variant + UTC day) is written for each variant an e-mail
names, and in the same savepoint as that e-mail, so a row exists exactly when the seller was
told. The e-mail's key is per seller and day (``low-stock:<seller id>:<day>``): a seller gets at
most one a day, and a variant that runs low after its seller's e-mail of the day went out waits
for the next day's (it gets no row today, so it is not lost).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import case, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.catalog.models import Product, ProductVariant
from shop.core.db import utcnow
from shop.core.notifications import queue
from shop.core.notifications.models import Notification
from shop.sellers.models import Seller

from ..models import LowStockAlert, StockLevel, VariantStockSetting
from .queries import DEFAULT_LOW_STOCK_THRESHOLD, available_column, expired_holds

TEMPLATE = "low_stock"


def notification_key(seller_id: str, day: date) -> str:
    """The key of a seller's low-stock e-mail of ``day`` (one a day)."""
    return f"low-stock:{seller_id}:{day.isoformat()}"


def send_low_stock_alerts(session: Session, *, today: date | None = None) -> int:
    """Record and e-mail, per seller, its variants at or under their low-stock threshold.

    Considers active variants of active products of approved sellers that were not alerted on
    ``today`` (the UTC day, by default) and whose seller has had no low-stock e-mail that day.
    Queues one ``low_stock`` message per seller (in ``SELLER_LOCALE``) listing its low variants by
    SKU, with a ``LowStockAlert`` row for each. Safe to run twice or concurrently: a run that
    finds another already recorded one of a seller's variants for the day (the primary key
    refuses it) leaves that seller to the other run. The queries are bounded by the number of
    sellers to alert, not of variants. Flushes, never commits. Returns the variants alerted.
    """
    day = today or utcnow().date()
    low = _low_variants(session, day)
    if not low:
        return 0
    already_told = set(session.scalars(select(Notification.key).where(
        Notification.key.in_([notification_key(seller_id, day) for seller_id in low]))))
    locale = current_app.config.get("SELLER_LOCALE", "ko")
    alerted = 0
    for seller_id, (seller_name, email, items) in sorted(low.items()):
        key = notification_key(seller_id, day)
        if key in already_told:
            continue
        context = {"seller_name": seller_name, "day": day.isoformat(),
                   "items": [{"sku": item["sku"], "available": item["available"], "threshold": item["threshold"]}
                             for item in items]}
        savepoint = session.begin_nested()
        try:
            session.execute(insert(LowStockAlert), [
                {"variant_id": item["variant_id"], "day": day, "available": item["available"],
                 "threshold": item["threshold"]} for item in items])
            notification = queue(session, key=key, template=TEMPLATE, to=email, locale=locale, context=context)
        except IntegrityError:
            # A concurrent run recorded some of these first: its e-mail covers the seller today.
            savepoint.rollback()
            continue
        if notification.context != context:
            # Another run's e-mail of the day, committed since we looked: the rows would name variants it omits.
            savepoint.rollback()
            continue
        savepoint.commit()
        alerted += len(items)
    return alerted


def _low_variants(session: Session, day: date) -> dict[str, tuple[str, str, list[dict]]]:
    """``{seller id: (seller name, contact e-mail, [low variant items by SKU])}``, in one query."""
    held = expired_holds(utcnow())
    free = available_column(held)
    totals = (select(StockLevel.variant_id.label("variant_id"),
                     func.sum(case((free > 0, free), else_=0)).label("available"))
              .outerjoin(held, held.c.level_id == StockLevel.id)
              .group_by(StockLevel.variant_id)
              .subquery("totals"))
    threshold = func.coalesce(VariantStockSetting.low_stock_threshold, DEFAULT_LOW_STOCK_THRESHOLD)
    alerted_today = exists().where(LowStockAlert.variant_id == ProductVariant.id, LowStockAlert.day == day)
    rows = session.execute(
        select(ProductVariant.seller_id, Seller.legal_name, Seller.contact_email, ProductVariant.id,
               ProductVariant.sku, totals.c.available, threshold)
        .join(totals, totals.c.variant_id == ProductVariant.id)
        .join(Product, Product.id == ProductVariant.product_id)
        .join(Seller, Seller.id == ProductVariant.seller_id)
        .outerjoin(VariantStockSetting, VariantStockSetting.variant_id == ProductVariant.id)
        .where(ProductVariant.active.is_(True), Product.status == "active", Seller.status == "approved",
               totals.c.available <= threshold, ~alerted_today)
        .order_by(ProductVariant.seller_id, ProductVariant.sku, ProductVariant.id))
    low: dict[str, tuple[str, str, list[dict]]] = {}
    items: dict[str, list[dict]] = defaultdict(list)
    for seller_id, name, email, variant_id, sku, available, limit in rows:
        low.setdefault(seller_id, (name, email, items[seller_id]))
        items[seller_id].append({"variant_id": variant_id, "sku": sku, "available": int(available),
                                 "threshold": int(limit)})
    return low
