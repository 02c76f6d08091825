"""Storefront reads: products purchasable in a market, in the served locale, priced in its currency.

Lists and searches read one page from the listing index (``storefront_listings``, kept
fresh by ``shop.catalog.listings``): the filters, the sort and the keyset cursor run on
its indexed columns, and its rows carry the price the buyer sees and the stock state.
Only that page's products are then loaded (with their sellers), and their text in the
locales the fallback chain can pick: a fixed number of statements for any page size and
any catalogue size. A product's page is found through its listing row too, so what is
listed and what can be opened agree; its variants are priced and stocked live.
"""
from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from i18n import FALLBACK_LOCALE, SOURCE_LOCALE, fallback_chain, pick_translation
from i18n.money import Money
from shop.core.db import estimated_rows
from shop.core.errors import NotFound
from shop.sellers.models import Seller

from .. import stock
from ..errors import PriceUnavailable
from ..models import (
    CollectionItem,
    Product,
    ProductTranslation,
    ProductVariant,
    StorefrontListing,
    StorefrontSearchText,
    VariantMarketPrice,
)
from ..pricing import price_in_market
from ..rates import current_rate
from .collections import get_collection
from .text import normalize_query

SORTS = ("newest", "price_asc", "price_desc", "featured")
# What a page shows of each row: the columns loaded, and no others (no timestamps, no HTML in lists).
_PRODUCT_COLUMNS = (Product.id, Product.slug, Product.seller_id, Product.category, Product.brand,
                    Product.origin_country, Product.images)
_TEXT_COLUMNS = (ProductTranslation.product_id, ProductTranslation.locale, ProductTranslation.title,
                 ProductTranslation.short_description)
_VARIANT_COLUMNS = (ProductVariant.id, ProductVariant.sku, ProductVariant.options, ProductVariant.weight_g,
                    ProductVariant.price_krw)


class InvalidCursor(ValueError):
    """A cursor that is not one of ours, or belongs to another order."""


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: its sort and the sort key of its last product (opaque to clients)."""

    sort: str
    values: tuple

    @classmethod
    def after(cls, sort: str, values) -> "Cursor":
        return cls(sort, tuple(v.isoformat() if isinstance(v, datetime) else v for v in values))

    def encode(self) -> str:
        raw = json.dumps([self.sort, *self.values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise InvalidCursor(text) from exc
        if not (isinstance(raw, list) and len(raw) == 3 and raw[0] in SORTS and isinstance(raw[2], str)
                and isinstance(raw[1], (int, str)) and not isinstance(raw[1], bool)):
            raise InvalidCursor(text)
        return cls(raw[0], (raw[1], raw[2]))

    def values_for(self, order: str) -> list:
        """The key values, typed for ``order`` (``page_order``); ``InvalidCursor`` for another order."""
        if order != self.sort:
            raise InvalidCursor(order)
        first = self.values[0]
        if order == "newest":
            try:
                first = datetime.fromisoformat(first) if isinstance(first, str) else None
            except ValueError:
                first = None
            if first is None or first.tzinfo is None:
                raise InvalidCursor(order)
        elif not isinstance(first, int):
            raise InvalidCursor(order)
        return [first, self.values[1]]


def page_order(sort: str | None, in_collection: bool) -> str:
    """The order a list is served in: ``sort``, by default ``featured`` in a collection and
    ``newest`` elsewhere (``featured`` outside a collection is ``newest``)."""
    sort = sort or ("featured" if in_collection else "newest")
    return "newest" if sort == "featured" and not in_collection else sort


@dataclass
class StoreVariant:
    variant: Any  # a row of _VARIANT_COLUMNS
    price: Money | None
    stock_state: str


@dataclass
class StoreProduct:
    product: Any  # a row of _PRODUCT_COLUMNS and _SELLER_COLUMNS (+ attributes, hs_code on a product page)
    locale: str
    text_locale: str | None
    translation: Any  # a row of _TEXT_COLUMNS (+ description on a product page), or None
    seller_name: str
    price: Money | None
    stock_state: str
    variants: list[StoreVariant] = field(default_factory=list)

    @property
    def fallback_used(self) -> bool:
        return self.text_locale != self.locale


def _like(q: str) -> str:
    escaped = normalize_query(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


L = StorefrontListing


def _sort_keys(order: str) -> tuple[list, bool]:
    """The columns a page is ordered by (the cursor holds their values), and whether descending."""
    if order == "featured":
        return [CollectionItem.position, L.product_id], False
    if order == "price_asc":
        return [L.price_minor, L.product_id], False
    if order == "price_desc":
        return [L.price_minor, L.product_id], True
    return [L.listed_at, L.product_id], True


def _listing_query(session: Session, market, locale: str, filters: dict, min_price, max_price, sort):
    query = select(L.product_id, L.price_minor, L.currency, L.stock_state).where(
        L.market_code == market.code, L.purchasable == True)  # noqa: E712 - matches the partial indexes
    if filters.get("q"):
        locales = list(dict.fromkeys([locale, SOURCE_LOCALE, FALLBACK_LOCALE]))
        query = query.where(select(StorefrontSearchText.locale).where(
            StorefrontSearchText.product_id == L.product_id, StorefrontSearchText.locale.in_(locales),
            StorefrontSearchText.search_text.like(_like(filters["q"]), escape="\\")).exists())
    if filters.get("category"):
        query = query.where(L.category == filters["category"])
    if filters.get("seller"):
        query = query.where(L.seller_id == filters["seller"])
    if min_price is not None or max_price is not None or sort in ("price_asc", "price_desc"):
        query = query.where(L.price_minor.is_not(None))
    if min_price is not None:
        query = query.where(L.price_minor >= min_price)
    if max_price is not None:
        query = query.where(L.price_minor <= max_price)
    collection = None
    if filters.get("collection"):
        collection = get_collection(session, filters["collection"], active_only=True)
        query = query.join(CollectionItem, and_(CollectionItem.product_id == L.product_id,
                                                CollectionItem.collection_id == collection.id))
    return query, collection


def search_products(session: Session, market, locale: str, *, page: int = 1, per_page: int = 24,
                    sort: str | None = None, min_price: int | None = None, max_price: int | None = None,
                    cursor: Cursor | None = None, exact_max: int | None = None, **filters) -> dict:
    """One page of products purchasable in ``market``, as ``StoreProduct`` views.

    ``filters``: ``q`` (substring of the served locale's, Korean or English text),
    ``category``, ``collection`` (id or slug), ``seller``. Prices are minor units
    of the market currency. ``cursor`` (from a previous page's ``next_cursor``) continues
    after that page by key instead of skipping ``page - 1`` pages, so pages stay
    exact while products are added. ``total`` is exact up to ``exact_max`` matches; above
    it, where the database can estimate, an estimate (``total_is_estimate``). Raises
    ``NotFound`` for an unknown collection and ``InvalidCursor`` for a cursor of another order.
    """
    query, collection = _listing_query(session, market, locale, filters, min_price, max_price, sort)
    order = page_order(sort, collection is not None)
    keys, descending = _sort_keys(order)
    total, estimated = _total(session, query, exact_max, (market.code, locale, tuple(sorted(
        (k, v) for k, v in filters.items() if v is not None)), min_price, max_price))
    page_query = query.add_columns(keys[0].label("sort_key")).order_by(
        *[k.desc() if descending else k.asc() for k in keys])
    if cursor is not None:
        values = cursor.values_for(order)
        bound = tuple_(*keys), tuple_(*[literal(v, k.type) for v, k in zip(values, keys)])
        page_query = page_query.where(bound[0] < bound[1] if descending else bound[0] > bound[1])
    else:
        page_query = page_query.offset((page - 1) * per_page)
    # The page's rows from the index, then (same statement) their products and sellers by key.
    listed = page_query.limit(per_page + 1).subquery()
    rows = session.execute(
        select(listed, *_PRODUCT_COLUMNS, *_SELLER_COLUMNS)
        .join(Product, Product.id == listed.c.product_id).join(Seller, Seller.id == Product.seller_id)
        .order_by(*[(c.desc() if descending else c.asc()) for c in (listed.c.sort_key, listed.c.product_id)])).all()
    more, rows = len(rows) > per_page, rows[:per_page]
    next_cursor = Cursor.after(order, [rows[-1].sort_key, rows[-1].product_id]) if more and rows else None
    views = _page_views(session, rows, market, locale)
    return {"items": views, "page": page, "per_page": per_page, "total": total, "total_is_estimate": estimated,
            "next_cursor": next_cursor.encode() if next_cursor else None}


_ESTIMATES: dict[tuple, tuple[float, int]] = {}
ESTIMATE_TTL = 60.0  # seconds a process reuses the planner's estimate of a list's size


def _total(session: Session, query, exact_max: int | None, key: tuple) -> tuple[int, bool]:
    """How many products match: counted on the index, or, when the planner expects more than
    ``exact_max``, its estimate (two significant digits, flagged) - a count would read them all.

    The estimate of the list ``key`` names (market, locale, filters) is reused for ``ESTIMATE_TTL``
    seconds: it is a guess already, and asking costs a statement and the planner's time.
    """
    if exact_max is not None:
        now = time.monotonic()
        cached = _ESTIMATES.get(key)
        if cached is not None and now - cached[0] < ESTIMATE_TTL:
            estimate = cached[1]
        else:
            estimate = estimated_rows(session, query)
            if estimate is not None:
                if len(_ESTIMATES) >= 4096:
                    _ESTIMATES.clear()
                _ESTIMATES[key] = (now, estimate)
        if estimate is not None and estimate > exact_max:
            return int(float(f"{estimate:.2g}")), True
    return session.scalar(select(func.count()).select_from(query.subquery())), False


_SELLER_COLUMNS = (Seller.legal_name, Seller.display_names)


def _texts(session: Session, product_ids: list[str], market, locale: str) -> dict[str, dict]:
    """``{product_id: {locale: row}}`` of the page's text in the locales the fallback chain can pick."""
    texts: dict[str, dict] = {}
    if product_ids:
        for row in session.execute(select(*_TEXT_COLUMNS).where(
                ProductTranslation.product_id.in_(product_ids),
                ProductTranslation.locale.in_(fallback_chain(locale, market.default_locale)))):
            if row.title:
                texts.setdefault(row.product_id, {})[row.locale] = row
    return texts


def _view(product, texts: dict, market, locale: str, price, stock_state: str, variants=()) -> StoreProduct:
    """``product``: a row of ``_PRODUCT_COLUMNS`` and ``_SELLER_COLUMNS`` (plain columns, no ORM objects:
    a page is read, never changed, and rows cost a fraction of entities to load)."""
    text_locale, translation = pick_translation(texts, locale, market.default_locale)
    names = product.display_names or {}
    seller_name = pick_translation(names, locale, market.default_locale)[1] or product.legal_name
    return StoreProduct(product=product, locale=locale, text_locale=text_locale, translation=translation,
                        seller_name=seller_name, price=price, stock_state=stock_state, variants=list(variants))


def _page_views(session: Session, rows, market, locale: str) -> list[StoreProduct]:
    """``rows``: the page's listing rows joined with ``_PRODUCT_COLUMNS`` and ``_SELLER_COLUMNS``."""
    texts = _texts(session, [row.product_id for row in rows], market, locale)
    return [_view(row, texts.get(row.product_id, {}), market, locale,
                  Money(row.price_minor, row.currency) if row.price_minor is not None else None, row.stock_state)
            for row in rows]


def get_store_product(session: Session, market, locale: str, key: str) -> StoreProduct:
    """A product by id or slug, if it is listed as purchasable (stock aside) in ``market``; else ``NotFound``.

    Its variants are priced (override, or the current rate) and stocked live.
    """
    # The product, its seller and its text in the locales the fallback chain can pick: one row per
    # such locale (or one with no text), in one statement.
    chain = fallback_chain(locale, market.default_locale)
    rows = session.execute(
        select(*_PRODUCT_COLUMNS, Product.attributes, Product.hs_code, *_SELLER_COLUMNS,
               ProductTranslation.locale, ProductTranslation.title, ProductTranslation.short_description,
               ProductTranslation.description)
        .join(Seller, Seller.id == Product.seller_id)
        .join(L, and_(L.product_id == Product.id, L.market_code == market.code,
                      L.purchasable == True))  # noqa: E712 - matches the partial indexes
        .outerjoin(ProductTranslation, and_(ProductTranslation.product_id == Product.id,
                                            ProductTranslation.locale.in_(chain)))
        .where(or_(Product.id == key, Product.slug == key))).all()
    if not rows:
        raise NotFound()
    product = rows[0]
    texts = {row.locale: row for row in rows if row.title}
    variants, overrides = [], {}
    for variant in session.execute(
            select(*_VARIANT_COLUMNS, VariantMarketPrice.amount_minor, VariantMarketPrice.currency)
            .outerjoin(VariantMarketPrice, and_(VariantMarketPrice.variant_id == ProductVariant.id,
                                                VariantMarketPrice.market_code == market.code))
            .where(ProductVariant.product_id == product.id, ProductVariant.active)
            .order_by(ProductVariant.position, ProductVariant.id)):
        variants.append(variant)
        if variant.currency is not None:
            overrides[variant.id] = variant
    rate = current_rate(session, market.currency) if any(v.id not in overrides for v in variants) else None
    states = stock.stock_states(session, variants, market.code)
    store_variants = []
    for variant in variants:
        try:
            price = price_in_market(variant.price_krw, market, rate, overrides.get(variant.id))
        except PriceUnavailable:
            price = None
        store_variants.append(StoreVariant(variant, price, states[variant.id]))
    prices = [sv.price for sv in store_variants if sv.price is not None]
    return _view(product, texts, market, locale, min(prices, key=lambda m: m.amount) if prices else None,
                 stock.best_stock_state(sv.stock_state for sv in store_variants), store_variants)
