"""Seller-side products: create, read, change, variants, market price overrides, translations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from i18n import LOCALES
from shop.core.errors import InvalidInput, NotFound
from shop.markets.services import get_market, list_markets

from ..availability import Reason, listing_locales, product_availability
from ..errors import NotPurchasable, SkuTaken, SlugTaken
from ..models import Product, ProductTranslation, ProductVariant, VariantMarketPrice
from .text import sanitize_html, search_text, slugify

PRODUCT_FIELDS = ("category", "hs_code", "origin_country", "brand", "status", "attributes", "images", "target_markets")
VARIANT_FIELDS = ("sku", "options", "weight_g", "length_mm", "width_mm", "height_mm", "barcode",
                  "customs_description", "price_krw", "active", "position")


def get_product(session: Session, product_id: str, *, seller_id: str | None) -> Product:
    """The product; ``seller_id`` limits it to that seller's (None = staff, any product).

    Raises ``NotFound`` for a product that does not exist *or* belongs to someone
    else, so that existence is not leaked.
    """
    product = session.get(Product, product_id)
    if product is None or (seller_id is not None and product.seller_id != seller_id):
        raise NotFound()
    return product


def list_products(seller_id: str | None, *, status: str | None = None, category: str | None = None):
    """A select of products (for ``paginate``), newest first."""
    query = select(Product).options(selectinload(Product.variants), selectinload(Product.translations))
    if seller_id is not None:
        query = query.where(Product.seller_id == seller_id)
    if status:
        query = query.where(Product.status == status)
    if category:
        query = query.where(Product.category == category)
    return query.order_by(Product.created_at.desc(), Product.id)


def _check_skus(session: Session, seller_id: str, skus: list[str], exclude_variant: str | None = None) -> None:
    seen = set()
    for sku in skus:
        if sku in seen:
            raise SkuTaken(sku=sku)
        seen.add(sku)
    if not skus:
        return
    query = select(ProductVariant.sku).where(ProductVariant.seller_id == seller_id, ProductVariant.sku.in_(skus))
    if exclude_variant:
        query = query.where(ProductVariant.id != exclude_variant)
    taken = session.scalar(query)
    if taken:
        raise SkuTaken(sku=taken)


def _flush(session: Session, sku: str | None = None) -> None:
    """Flush; a unique violation raced past the checks becomes the matching 409."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        message = str(exc.orig).lower()
        if "sku" in message:
            raise SkuTaken(sku=sku or "") from exc
        if "slug" in message:
            raise SlugTaken() from exc
        raise


def create_product(session: Session, seller_id: str, data: dict) -> Product:
    """Create a product with its variants (and optional translations) for ``seller_id``.

    Raises ``SkuTaken`` (409) on a SKU used by the seller, ``SlugTaken`` on a used slug.
    """
    variants = data.get("variants") or []
    _check_skus(session, seller_id, [v["sku"] for v in variants])
    slug = data.get("slug")
    if slug and session.scalar(select(Product.id).where(Product.slug == slug)):
        raise SlugTaken()
    translations = data.get("translations") or {}
    english = (translations.get("en") or {}).get("title")
    product = Product(seller_id=seller_id, slug=slug or slugify(data.get("brand"), english),
                      **{k: data[k] for k in PRODUCT_FIELDS if k in data})
    session.add(product)
    for position, spec in enumerate(variants):
        values = {k: spec[k] for k in VARIANT_FIELDS if k in spec}
        values.setdefault("position", position)
        product.variants.append(ProductVariant(seller_id=seller_id, **values))
    _flush(session, variants[0]["sku"] if variants else None)
    for locale, text in translations.items():
        put_translation(session, product, locale, text)
    check_customs_text(product)
    return product


def check_customs_text(product: Product) -> None:
    """An active product needs words for customs papers: its English title, or each variant's own.

    Raises ``InvalidInput`` naming the variants (by SKU) that lack a ``customs_description``.
    """
    if product.status != "active" or any(t.locale == "en" and t.title for t in product.translations):
        return
    missing = sorted(v.sku for v in product.variants if v.active and not (v.customs_description or "").strip())
    if missing:
        raise InvalidInput(errors={"customs_description": [_l(
            "Without an English listing, every variant needs an English customs description: %(skus)s.",
            skus=", ".join(missing))]})


def update_product(session: Session, product: Product, changes: dict) -> Product:
    if "slug" in changes and changes["slug"] != product.slug:
        if session.scalar(select(Product.id).where(Product.slug == changes["slug"])):
            raise SlugTaken()
        product.slug = changes["slug"]
    for key in PRODUCT_FIELDS:
        if key in changes:
            setattr(product, key, changes[key])
    if "brand" in changes:
        for translation in product.translations:
            _refresh_search_text(product, translation)
    check_customs_text(product)
    _flush(session)
    return product


def get_variant(session: Session, product: Product, variant_id: str) -> ProductVariant:
    variant = session.get(ProductVariant, variant_id)
    if variant is None or variant.product_id != product.id:
        raise NotFound()
    return variant


def add_variant(session: Session, product: Product, data: dict) -> ProductVariant:
    _check_skus(session, product.seller_id, [data["sku"]])
    values = {k: data[k] for k in VARIANT_FIELDS if k in data}
    values.setdefault("position", len(product.variants))
    variant = ProductVariant(seller_id=product.seller_id, **values)
    product.variants.append(variant)
    _flush(session, data["sku"])
    return variant


def update_variant(session: Session, variant: ProductVariant, changes: dict) -> ProductVariant:
    if "sku" in changes and changes["sku"] != variant.sku:
        _check_skus(session, variant.seller_id, [changes["sku"]], exclude_variant=variant.id)
    for key in VARIANT_FIELDS:
        if key in changes:
            setattr(variant, key, changes[key])
    _flush(session, changes.get("sku"))
    return variant


def set_market_price(session: Session, variant: ProductVariant, market_code: str, amount_minor: int,
                     currency: str | None = None) -> VariantMarketPrice:
    """Set the variant's explicit price in a market (in the market's currency).

    Raises ``UnknownMarket``; a currency other than the market's is invalid input, and so is
    an amount checkout could not charge: not a multiple of the currency's charge unit
    (``i18n.money.charge_unit``: TWD in whole dollars) or above the most one payment can charge.
    """
    from shop.core.errors import InvalidInput

    market = get_market(session, market_code)
    if currency is not None and currency != market.currency:
        raise InvalidInput(errors={"currency": [f"{market.code}: {market.currency}"]})
    _check_chargeable(amount_minor, market.currency)
    row = session.scalar(select(VariantMarketPrice).where(
        VariantMarketPrice.variant_id == variant.id, VariantMarketPrice.market_code == market.code))
    if row is None:
        row = VariantMarketPrice(variant_id=variant.id, market_code=market.code, amount_minor=amount_minor,
                                 currency=market.currency)
        session.add(row)
    else:
        row.amount_minor = amount_minor
        row.currency = market.currency
    session.flush()
    return row


def _check_chargeable(amount_minor: int, currency: str) -> None:
    """Refuse (422, field ``amount``) a price no checkout could charge in ``currency``."""
    from flask_babel import lazy_gettext as _l

    from i18n.money import charge_unit
    from shop.core.errors import InvalidInput

    from ..charging import max_charge

    unit = charge_unit(currency)
    if amount_minor % unit:
        raise InvalidInput(errors={"amount": [_l(
            "%(currency)s is charged in whole units: the amount (in minor units) must be a multiple "
            "of %(step)s.", currency=currency, step=unit)]})
    largest = max_charge(currency)
    if largest is None:
        return  # not a currency cards are charged in here; checkout refuses it at its boundary
    limit = largest.amount
    if amount_minor > limit:
        raise InvalidInput(errors={"amount": [_l(
            "The amount is more than one payment can charge: at most %(max)s (in minor units).", max=limit)]})


def remove_market_price(session: Session, variant: ProductVariant, market_code: str) -> None:
    row = session.scalar(select(VariantMarketPrice).where(
        VariantMarketPrice.variant_id == variant.id, VariantMarketPrice.market_code == market_code.upper()))
    if row is None:
        raise NotFound()
    session.delete(row)
    session.flush()


def _refresh_search_text(product: Product, translation: ProductTranslation) -> None:
    translation.search_text = search_text(translation.title, translation.short_description, product.brand)


def put_translation(session: Session, product: Product, locale: str, text: dict) -> ProductTranslation:
    """Create or replace the product's text in ``locale``; the long description is sanitised."""
    translation = next((t for t in product.translations if t.locale == locale), None)
    if translation is None:
        translation = ProductTranslation(locale=locale, title=text["title"])
        product.translations.append(translation)
    translation.title = text["title"]
    translation.short_description = text.get("short_description")
    translation.description = sanitize_html(text.get("description"))
    _refresh_search_text(product, translation)
    session.flush()
    return translation


def delete_translation(session: Session, product: Product, locale: str) -> None:
    translation = next((t for t in product.translations if t.locale == locale), None)
    if translation is None:
        raise NotFound()
    product.translations.remove(translation)
    session.flush()


def translation_status(session: Session, product: Product) -> dict:
    """Per locale, present or not; per target market, which locales would serve it and what is missing."""
    present = {t.locale for t in product.translations if t.title}
    targets = set(product.target_markets or [])
    markets = [m for m in list_markets(session) if not targets or m.code in targets]
    return {
        "locales": [{"locale": locale, "present": locale in present} for locale in LOCALES],
        "markets": [{
            "market": market.code,
            "locales": market.locales,
            "missing": [loc for loc in market.locales if loc not in present],
            "listable": bool(present.intersection(listing_locales(market))),
        } for market in markets],
    }


def get_variant_for_market(session: Session, variant_id: str, market_code: str) -> ProductVariant:
    """The variant, if it can be bought in ``market_code`` now (checkout and cart call this).

    Raises ``UnknownMarket``, ``NotFound`` (no such variant) or ``NotPurchasable``
    carrying every ``Reason`` (seller, product, text, certificates, price, this
    variant's stock).
    """
    from .. import stock

    market = get_market(session, market_code)
    variant = session.get(ProductVariant, variant_id)
    if variant is None:
        raise NotFound()
    reasons = product_availability(session, variant.product, [market], include_stock=False)[market.code]
    if not variant.active:
        reasons.append(Reason("variant_unavailable", market.code))
    else:
        levels = stock.stock_levels(session, [variant.id], market.code)
        if levels is not None and levels.get(variant.id, 0) <= 0:
            reasons.append(Reason("no_stock", market.code))
    if reasons:
        raise NotPurchasable(reasons)
    return variant
