"""The listing index (``storefront_listings``): one row per (market, product), kept fresh by jobs.

What a row holds is derived, never edited: ``purchasable`` is ``availability.listing_reasons``
(the rule of ``product_availability``, stock aside: an out-of-stock product stays listed,
marked ``out``), ``price_minor`` the lowest price of the product's active variants in the
market's currency (the price the buyer sees: override, or the KRW price converted and
rounded), ``stock_state`` the best of its variants' states.

What is promised:

* **Every change that can alter a row schedules its refresh.** A flush that writes a
  product, variant, translation, market price, certificate, a seller's status, an exchange
  rate or a market's rules records what it touched (``_collect``); the commit defers one
  ``refresh_listings`` job through the outbox for all of it (coalesced per transaction and
  per product), so nothing is refreshed for a rollback and nothing is lost if Redis is down.
  The stock ledger reports its changes with ``note_stock_change``. Changes that come with
  the calendar (a certificate that expires today, a rule dated from today) are caught by
  the periodic ``refresh_dated_listings``.
* **A refresh is the rebuild, for fewer rows.** ``refresh_products`` computes rows with
  the same ``compute_rows`` as ``rebuild`` and writes only those that differ, so a refresh
  after any sequence of edits leaves the index equal to a full rebuild (tested).
* **Refreshes of one row do not interleave.** The rows are locked (primary-key order)
  before their facts are read, so a refresh that read older facts cannot overwrite a
  newer one's result; new rows are upserted.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, inspect, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shop.core.db import utcnow
from shop.core.jobs.outbox import defer
from shop.markets.models import Market
from shop.markets.services import list_markets
from shop.sellers.models import Seller

from . import stock
from .availability import listing_reasons
from .errors import PriceUnavailable
from .models import (
    Certificate,
    ExchangeRate,
    Product,
    ProductTranslation,
    ProductVariant,
    StorefrontListing,
    StorefrontSearchText,
    VariantMarketPrice,
)
from .pricing import price_in_market
from .rates import current_rates

log = logging.getLogger(__name__)
BATCH = 500
REFRESH_JOB = "shop.catalog.tasks.refresh_listings"
_DIRTY = "dari.listings.dirty"
# Market fields a listing depends on; edits to return, warranty or import rules do not move one.
MARKET_FIELDS = ("active", "currency", "default_locale", "locales", "price_rounding", "certificates")


@dataclass(frozen=True)
class ListingRow:
    market_code: str
    product_id: str
    purchasable: bool
    seller_id: str
    category: str
    price_minor: int | None
    currency: str
    stock_state: str
    listed_at: datetime


@dataclass(frozen=True)
class _Product:
    id: str
    seller_id: str
    category: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class _Variant:
    id: str
    price_krw: int


def listing_markets(session: Session, codes=None) -> list:
    """The markets the index has rows for: every active one (or those of ``codes``)."""
    markets = list_markets(session)
    return [m for m in markets if codes is None or m.code in codes]


def compute_rows(session: Session, product_ids, markets, today: date | None = None) -> list[ListingRow]:
    """The rows of ``product_ids`` (existing ones) in ``markets``, from the live facts; a fixed
    number of queries for any number of products (two stock calls per market)."""
    today = today or date.today()
    ids = list(product_ids)
    if not ids or not markets:
        return []
    products, seller_status = [], {}
    for pid, seller_id, category, status, created_at, s_status in session.execute(
            select(Product.id, Product.seller_id, Product.category, Product.status, Product.created_at,
                   Seller.status).join(Seller, Seller.id == Product.seller_id).where(Product.id.in_(ids))):
        products.append(_Product(pid, seller_id, category, status, created_at))
        seller_status[pid] = s_status
    variants: dict[str, list[_Variant]] = {}
    for vid, pid, price_krw in session.execute(
            select(ProductVariant.id, ProductVariant.product_id, ProductVariant.price_krw)
            .where(ProductVariant.product_id.in_(ids), ProductVariant.active)
            .order_by(ProductVariant.position, ProductVariant.id)):
        variants.setdefault(pid, []).append(_Variant(vid, int(price_krw)))
    texts: dict[str, set[str]] = {}
    for pid, locale in session.execute(select(ProductTranslation.product_id, ProductTranslation.locale).where(
            ProductTranslation.product_id.in_(ids), ProductTranslation.title != "")):
        texts.setdefault(pid, set()).add(locale)
    sellers = sorted({p.seller_id for p in products})
    certificates: dict[str, list[Certificate]] = {}
    for certificate in session.scalars(select(Certificate).where(
            Certificate.seller_id.in_(sellers), Certificate.status == "verified",
            or_(Certificate.product_id.in_(ids), Certificate.product_id.is_(None)))):
        certificates.setdefault(certificate.seller_id, []).append(certificate)
    variant_ids = [v.id for vs in variants.values() for v in vs]
    codes = [m.code for m in markets]
    overrides: dict[str, dict] = {}
    if variant_ids:
        for row in session.scalars(select(VariantMarketPrice).where(
                VariantMarketPrice.variant_id.in_(variant_ids), VariantMarketPrice.market_code.in_(codes))):
            overrides.setdefault(row.market_code, {})[row.variant_id] = row
    rates = current_rates(session, sorted({m.currency for m in markets}))
    levels = {m.code: stock.stock_levels(session, variant_ids, m.code) for m in markets}
    stocked = {vid for market_levels in levels.values() if market_levels for vid, n in market_levels.items() if n > 0}
    thresholds = stock.stock_thresholds(session, sorted(stocked)) or {}

    rows = []
    for market in markets:
        market_overrides = overrides.get(market.code, {})
        rate = rates.get(market.currency)
        for product in products:
            product_variants = variants.get(product.id, [])
            product_certificates = [c for c in certificates.get(product.seller_id, ())
                                    if c.product_id in (None, product.id)]
            reasons, _ = listing_reasons(
                market, product, seller_status=seller_status[product.id], variants=product_variants,
                text_locales=texts.get(product.id, set()), certificates=product_certificates,
                overrides=market_overrides, rates=rates, today=today)
            prices = []
            for variant in product_variants:
                try:
                    prices.append(price_in_market(variant.price_krw, market, rate,
                                                  market_overrides.get(variant.id)).amount)
                except PriceUnavailable:
                    pass
            state = stock.best_stock_state(stock.variant_stock_state(v, levels[market.code], thresholds)
                                           for v in product_variants)
            rows.append(ListingRow(market.code, product.id, not reasons, product.seller_id, product.category,
                                   min(prices) if prices else None, market.currency, state, product.created_at))
    return rows


_COLUMNS = ("purchasable", "seller_id", "category", "price_minor", "currency", "stock_state", "listed_at")


def stored_rows(session: Session, product_ids, codes, *, lock: bool) -> dict[tuple[str, str], ListingRow]:
    query = (select(StorefrontListing.market_code, StorefrontListing.product_id,
                    *[getattr(StorefrontListing, c) for c in _COLUMNS])
             .where(StorefrontListing.product_id.in_(product_ids), StorefrontListing.market_code.in_(codes))
             .order_by(StorefrontListing.market_code, StorefrontListing.product_id))
    if lock:
        query = query.with_for_update()
    return {(row[0], row[1]): ListingRow(*row) for row in session.execute(query)}


def _insert(session: Session, model):
    """An INSERT that can say ON CONFLICT DO UPDATE (PostgreSQL's and SQLite's own constructs)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model.__table__)


def _values(rows: list[ListingRow]) -> list[dict]:
    now = utcnow()
    return [{**asdict(row), "refreshed_at": now} for row in rows]


def _upsert(session: Session, rows: list[ListingRow]) -> None:
    if not rows:
        return
    statement = _insert(session, StorefrontListing)
    statement = statement.on_conflict_do_update(
        index_elements=["market_code", "product_id"],
        set_={c: statement.excluded[c] for c in (*_COLUMNS, "refreshed_at")})
    session.execute(statement, _values(rows))


def refresh_products(session: Session, product_ids, market_codes=None, today: date | None = None) -> int:
    """Bring the rows of ``product_ids`` (in ``market_codes``, default all) in line with the live
    facts; a product that no longer exists loses its rows. Returns how many rows changed."""
    markets = listing_markets(session, set(market_codes) if market_codes is not None else None)
    codes = [m.code for m in markets]
    ids = sorted(set(product_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        stored = stored_rows(session, batch, codes, lock=True)
        fresh = {(row.market_code, row.product_id): row for row in compute_rows(session, batch, markets, today)}
        different = [row for key, row in fresh.items() if stored.get(key) != row]
        _upsert(session, different)
        gone = [key for key in stored if key not in fresh]
        if gone:
            session.execute(delete(StorefrontListing).where(
                tuple_(StorefrontListing.market_code, StorefrontListing.product_id).in_(gone)))
        changed += len(different) + len(gone)
        if market_codes is None:
            changed += _refresh_texts(session, batch)
    return changed


def _texts_of(session: Session, product_ids) -> dict[tuple[str, str], str]:
    return {(pid, locale): text for pid, locale, text in session.execute(
        select(ProductTranslation.product_id, ProductTranslation.locale, ProductTranslation.search_text).where(
            ProductTranslation.product_id.in_(product_ids), ProductTranslation.title != ""))}


def _refresh_texts(session: Session, product_ids) -> int:
    """Bring the search texts of ``product_ids`` in line with their translations; rows changed."""
    stored = {(pid, locale): text for pid, locale, text in session.execute(
        select(StorefrontSearchText.product_id, StorefrontSearchText.locale, StorefrontSearchText.search_text)
        .where(StorefrontSearchText.product_id.in_(product_ids)))}
    fresh = _texts_of(session, product_ids)
    changed = [{"product_id": pid, "locale": locale, "search_text": text}
               for (pid, locale), text in fresh.items() if stored.get((pid, locale)) != text]
    if changed:
        statement = _insert(session, StorefrontSearchText)
        session.execute(statement.on_conflict_do_update(
            index_elements=["product_id", "locale"], set_={"search_text": statement.excluded.search_text}), changed)
    gone = [key for key in stored if key not in fresh]
    if gone:
        session.execute(delete(StorefrontSearchText).where(
            tuple_(StorefrontSearchText.product_id, StorefrontSearchText.locale).in_(gone)))
    return len(changed) + len(gone)


def _all_product_ids(session: Session):
    last = ""
    while True:
        ids = list(session.scalars(select(Product.id).where(Product.id > last).order_by(Product.id).limit(BATCH)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def refresh_markets(session: Session, market_codes, today: date | None = None) -> int:
    """Refresh every product's row in ``market_codes`` (a rate or a market rule changed)."""
    return sum(refresh_products(session, ids, market_codes, today) for ids in _all_product_ids(session))


def rebuild(session: Session, market_code: str | None = None, today: date | None = None) -> int:
    """Recompute the index from scratch (all markets with the search texts, or one market); the caller
    commits. Returns the listing row count."""
    markets = listing_markets(session, {market_code} if market_code else None)
    query = delete(StorefrontListing)
    if market_code:
        query = query.where(StorefrontListing.market_code == market_code)
    else:
        session.execute(delete(StorefrontSearchText))
    session.execute(query)
    count = 0
    for ids in _all_product_ids(session):
        rows = compute_rows(session, ids, markets, today)
        if rows:
            session.execute(StorefrontListing.__table__.insert(), _values(rows))
        if not market_code:
            texts = _texts_of(session, ids)
            if texts:
                session.execute(StorefrontSearchText.__table__.insert(), [
                    {"product_id": pid, "locale": locale, "search_text": text}
                    for (pid, locale), text in texts.items()])
        count += len(rows)
    return count


def refresh(session: Session, *, products=(), variants=(), sellers=(), markets=(), currencies=(),
            today: date | None = None) -> int:
    """Refresh what a change touched: products (by id, or through their variants or sellers)
    in every market, and every product in the markets named or priced in the currencies named."""
    product_ids = set(products)
    if variants:
        product_ids.update(session.scalars(select(ProductVariant.product_id).where(
            ProductVariant.id.in_(list(variants)))))
    if sellers:
        product_ids.update(session.scalars(select(Product.id).where(Product.seller_id.in_(list(sellers)))))
    market_codes = set(markets)
    if currencies:
        market_codes.update(session.scalars(select(Market.code).where(Market.currency.in_(list(currencies)))))
    changed = 0
    if market_codes:
        changed += refresh_markets(session, sorted(market_codes), today)
    if product_ids:
        changed += refresh_products(session, product_ids, today=today)
    return changed


# What changed in a transaction, collected at each flush and deferred as one job at commit.

def note(session: Session, scope: str, *keys) -> None:
    """Record that the listings of ``keys`` (ids of ``scope``) may have changed in this transaction."""
    dirty = session.info.setdefault(_DIRTY, {})
    dirty.setdefault(scope, set()).update(k for k in keys if k)


def note_stock_change(session: Session, variant_ids) -> None:
    """The stock ledger calls this for the variants whose levels it changed."""
    note(session, "variants", *variant_ids)


def _changed(obj, *fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _collect(session: Session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Product):
            note(session, "products", obj.id)
        elif isinstance(obj, (ProductVariant, ProductTranslation)):
            note(session, "products", obj.product_id)
        elif isinstance(obj, VariantMarketPrice):
            note(session, "variants", obj.variant_id)
        elif isinstance(obj, Certificate):
            previous = inspect(obj).attrs.product_id.history.deleted or ()
            for product_id in (obj.product_id, *previous):
                if product_id:
                    note(session, "products", product_id)
            if obj.product_id is None or None in previous:
                note(session, "sellers", obj.seller_id)
        elif isinstance(obj, Seller):
            if obj in session.new or _changed(obj, "status"):
                note(session, "sellers", obj.id)
        elif isinstance(obj, ExchangeRate):
            note(session, "currencies", obj.currency)
        elif isinstance(obj, Market):
            if obj in session.new or obj in session.deleted or _changed(obj, *MARKET_FIELDS):
                note(session, "markets", obj.code)


def _defer_refresh(session: Session) -> None:
    # The commit flushes after this hook: flush now, so what it writes is collected too.
    if session.new or session.dirty or session.deleted:
        session.flush()
    dirty = session.info.pop(_DIRTY, None)
    if dirty:
        # The low queue: payments and e-mail first; a listing is fresh within one job run after them.
        defer(session, REFRESH_JOB, queue="low", **{scope: sorted(keys) for scope, keys in dirty.items() if keys})


def _forget(session: Session) -> None:
    session.info.pop(_DIRTY, None)


_HOOKS = (("after_flush", _collect), ("before_commit", _defer_refresh), ("after_rollback", _forget))


def install_session_hooks() -> None:
    """Collect changes at flush, defer their refresh at commit (idempotent: once per process)."""
    for name, hook in _HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


# Changes the calendar makes: nothing is written, yet a row's answer may change today.

def refresh_dated(session: Session, today: date | None = None) -> int:
    """Refresh the rows whose answer may have changed since yesterday: products and sellers
    with a certificate that starts or ends its validity, markets with a dated requirement."""
    today = today or date.today()
    yesterday = today - timedelta(days=1)
    products, sellers = set(), set()
    for product_id, seller_id in session.execute(select(Certificate.product_id, Certificate.seller_id).where(
            Certificate.status == "verified",
            or_(Certificate.valid_from.between(yesterday, today), Certificate.valid_until.between(
                yesterday - timedelta(days=1), yesterday)))):
        if product_id:
            products.add(product_id)
        else:
            sellers.add(seller_id)
    markets = [m.code for m in listing_markets(session) if any(
        entry.get("effective_from") in (yesterday.isoformat(), today.isoformat())
        for entries in (m.certificates or {}).values() if isinstance(entries, list) for entry in entries
        if isinstance(entry, dict))]
    return refresh(session, products=products, sellers=sellers, markets=markets, today=today)
