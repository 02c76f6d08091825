"""Storefront reads: products purchasable in a market, in the served locale, priced in its currency.

The "purchasable" filter is the SQL twin of ``availability.product_availability``
(without stock: out-of-stock products stay listed with ``stock_state`` ``out``).
A page is served with a fixed number of queries whatever its size: the page
(with count), its translations, variants and sellers (eager loads), the market's
price overrides, the current rate (read once per call), and two stock calls (availability, then
low-stock thresholds of the variants that have any: ``stock.stock_states``).

Filtering or sorting by price needs the rounded market price, which is computed
in Python (rounding rules are data); that path reads the candidates' variant
prices in two queries and pages in memory - still a constant number of queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from i18n import FALLBACK_LOCALE, SOURCE_LOCALE, pick_translation
from i18n.money import Money
from shop.errors import NotFound
from shop.sellers.models import Seller

from .. import stock
from ..availability import RESERVED_CERTIFICATE_KEYS, listing_locales, required_certificates
from ..errors import PriceUnavailable
from ..models import Certificate, CollectionItem, Product, ProductTranslation, ProductVariant, VariantMarketPrice
from ..pricing import price_in_market
from .collections import get_collection
from .rates import current_rate
from .text import normalize_query

SORTS = ("newest", "price_asc", "price_desc", "featured")


@dataclass
class StoreVariant:
    variant: ProductVariant
    price: Money | None
    stock_state: str


@dataclass
class StoreProduct:
    product: Product
    locale: str
    text_locale: str | None
    translation: ProductTranslation | None
    seller_name: str
    price: Money | None
    stock_state: str
    variants: list[StoreVariant] = field(default_factory=list)

    @property
    def fallback_used(self) -> bool:
        return self.text_locale != self.locale


def _certificate_exists(market, entry: dict, today: date):
    match = Certificate.product_id == Product.id
    if entry.get("kind") == "business":
        match = or_(match, Certificate.product_id.is_(None))
    return select(Certificate.id).where(
        Certificate.seller_id == Product.seller_id, Certificate.type == entry["type"],
        Certificate.market_code == market.code, Certificate.status == "verified",
        or_(Certificate.valid_from.is_(None), Certificate.valid_from <= today),
        or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today), match,
    ).exists()


_UNREAD = object()


def purchasable_conditions(session: Session, market, today: date | None = None, *, rate=_UNREAD) -> list:
    """SQL conditions (on ``Product`` joined to ``Seller``) for "purchasable in ``market``", stock aside.

    ``rate``: the market currency's current rate when the caller has read it already.
    """
    today = today or date.today()
    if rate is _UNREAD:
        rate = current_rate(session, market.currency)
    variant = select(ProductVariant.id).where(ProductVariant.product_id == Product.id, ProductVariant.active)
    if rate is None:
        variant = variant.where(select(VariantMarketPrice.id).where(
            VariantMarketPrice.variant_id == ProductVariant.id, VariantMarketPrice.market_code == market.code,
            VariantMarketPrice.currency == market.currency).exists())
    conditions = [
        Product.status == "active", Seller.status == "approved", variant.exists(),
        select(ProductTranslation.id).where(ProductTranslation.product_id == Product.id,
                                            ProductTranslation.locale.in_(listing_locales(market))).exists(),
    ]
    for category in (market.certificates or {}):
        if category in RESERVED_CERTIFICATE_KEYS:
            continue
        entries = required_certificates(market, category, today)
        if entries:
            conditions.append(or_(Product.category != category,
                                  and_(*[_certificate_exists(market, e, today) for e in entries])))
    return conditions


def _like(q: str) -> str:
    escaped = normalize_query(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _base_query(session: Session, market, locale: str, filters: dict, rate):
    query = select(Product).join(Seller, Seller.id == Product.seller_id).where(
        *purchasable_conditions(session, market, rate=rate))
    if filters.get("q"):
        locales = list(dict.fromkeys([locale, SOURCE_LOCALE, FALLBACK_LOCALE]))
        query = query.where(select(ProductTranslation.id).where(
            ProductTranslation.product_id == Product.id, ProductTranslation.locale.in_(locales),
            ProductTranslation.search_text.like(_like(filters["q"]), escape="\\")).exists())
    if filters.get("category"):
        query = query.where(Product.category == filters["category"])
    if filters.get("seller"):
        query = query.where(Product.seller_id == filters["seller"])
    collection = None
    if filters.get("collection"):
        collection = get_collection(session, filters["collection"], active_only=True)
        query = query.join(CollectionItem, and_(CollectionItem.product_id == Product.id,
                                                CollectionItem.collection_id == collection.id))
    return query, collection


def _eager(query):
    return query.options(selectinload(Product.translations), selectinload(Product.variants),
                         joinedload(Product.seller))


def _views(session: Session, products: list[Product], market, locale: str, rate) -> list[StoreProduct]:
    """Presentation of a page of products: a fixed number of queries for any page size."""
    variants = [v for p in products for v in p.variants if v.active]
    overrides = {}
    if variants:
        overrides = {row.variant_id: row for row in session.scalars(select(VariantMarketPrice).where(
            VariantMarketPrice.variant_id.in_([v.id for v in variants]),
            VariantMarketPrice.market_code == market.code))}
    states = stock.stock_states(session, variants, market.code)
    views = []
    for product in products:
        texts = {t.locale: t for t in product.translations if t.title}
        text_locale, translation = pick_translation(texts, locale, market.default_locale)
        names = product.seller.display_names or {}
        seller_name = pick_translation(names, locale, market.default_locale)[1] or product.seller.legal_name
        store_variants = []
        for variant in (v for v in product.variants if v.active):
            try:
                price = price_in_market(variant.price_krw, market, rate, overrides.get(variant.id))
            except PriceUnavailable:
                price = None
            store_variants.append(StoreVariant(variant, price, states[variant.id]))
        prices = [sv.price for sv in store_variants if sv.price is not None]
        views.append(StoreProduct(
            product=product, locale=locale, text_locale=text_locale, translation=translation,
            seller_name=seller_name, price=min(prices, key=lambda m: m.amount) if prices else None,
            stock_state=stock.best_stock_state(sv.stock_state for sv in store_variants),
            variants=store_variants))
    return views


def _min_prices(session: Session, ids_query, market, rate) -> dict[str, int]:
    """Lowest market price (minor units) per candidate product, for price filters and sorts."""
    rows = session.execute(select(ProductVariant.id, ProductVariant.product_id, ProductVariant.price_krw).where(
        ProductVariant.product_id.in_(ids_query), ProductVariant.active)).all()
    overrides = {row.variant_id: row for row in session.scalars(select(VariantMarketPrice).where(
        VariantMarketPrice.variant_id.in_(select(ProductVariant.id).where(ProductVariant.product_id.in_(ids_query))),
        VariantMarketPrice.market_code == market.code))}
    result: dict[str, int] = {}
    for variant_id, product_id, price_krw in rows:
        try:
            amount = price_in_market(price_krw, market, rate, overrides.get(variant_id)).amount
        except PriceUnavailable:
            continue
        result[product_id] = min(amount, result.get(product_id, amount))
    return result


def search_products(session: Session, market, locale: str, *, page: int = 1, per_page: int = 24,
                    sort: str | None = None, min_price: int | None = None, max_price: int | None = None,
                    **filters) -> dict:
    """One page of products purchasable in ``market``, as ``StoreProduct`` views.

    ``filters``: ``q`` (substring of the served locale's, Korean or English text),
    ``category``, ``collection`` (id or slug), ``seller``. Prices are minor units
    of the market currency. Raises ``NotFound`` for an unknown collection.
    """
    rate = current_rate(session, market.currency)
    query, collection = _base_query(session, market, locale, filters, rate)
    sort = sort or ("featured" if collection is not None else "newest")
    if min_price is not None or max_price is not None or sort in ("price_asc", "price_desc"):
        ids = query.with_only_columns(Product.id, Product.created_at).order_by(None)
        candidates = session.execute(ids).all()
        prices = _min_prices(session, ids.with_only_columns(Product.id), market, rate)
        kept = [(pid, created) for pid, created in candidates if pid in prices
                and (min_price is None or prices[pid] >= min_price) and (max_price is None or prices[pid] <= max_price)]
        if sort == "price_asc":
            kept.sort(key=lambda r: (prices[r[0]], r[0]))
        elif sort == "price_desc":
            kept.sort(key=lambda r: (-prices[r[0]], r[0]))
        else:
            kept.sort(key=lambda r: (r[1], r[0]), reverse=True)
        total = len(kept)
        page_ids = [pid for pid, _ in kept[(page - 1) * per_page: page * per_page]]
        loaded = {p.id: p for p in session.scalars(_eager(select(Product).where(Product.id.in_(page_ids))))} \
            if page_ids else {}
        products = [loaded[pid] for pid in page_ids]
    else:
        if sort == "featured" and collection is not None:
            query = query.order_by(CollectionItem.position, Product.id)
        else:
            query = query.order_by(Product.created_at.desc(), Product.id.desc())
        from shop.api import paginate

        result = paginate(session, _eager(query), page, per_page)
        total, products = result["total"], result["items"]
    return {"items": _views(session, products, market, locale, rate), "page": page, "per_page": per_page,
            "total": total}


def get_store_product(session: Session, market, locale: str, key: str) -> StoreProduct:
    """A product by id or slug, if it is purchasable (stock aside) in ``market``; else ``NotFound``."""
    rate = current_rate(session, market.currency)
    query = select(Product).join(Seller, Seller.id == Product.seller_id).where(
        or_(Product.id == key, Product.slug == key), *purchasable_conditions(session, market, rate=rate))
    product = session.scalar(_eager(query))
    if product is None:
        raise NotFound()
    return _views(session, [product], market, locale, rate)[0]
