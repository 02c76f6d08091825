"""The cart quote: lines at market prices, shipping options, duties and taxes, totals.

Shipping and landed cost come from the ``ShippingQuoter`` seam (``shop.checkout.shipping``);
prices and availability from the catalog. Everything is money in the market currency.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from i18n import pick_translation
from i18n.money import BASE_CURRENCY, Money
from shop.catalog.errors import NotPurchasable, PriceUnavailable
from shop.catalog.pricing import market_price
from shop.catalog.rates import current_rate
from shop.catalog.services import get_variant_for_market
from shop.core.db import utcnow
from shop.core.errors import DomainError
from shop.markets.models import Market
from shop.orders.return_terms import line_exclusions

from ..models import Cart
from ..shipping import SHIPPING, LandedCost, ShippingOption

STOCK_REASONS = frozenset({"no_stock"})


@dataclass
class QuoteLine:
    line_id: str
    variant_id: str
    product_id: str
    seller_id: str
    sku: str
    name: str
    name_locale: str
    options: dict
    quantity: int
    unit_price: Money | None
    total: Money | None
    unit_price_krw: int
    hs_code: str | None
    category: str | None
    origin_country: str | None
    parcel: dict
    reasons: list = field(default_factory=list)  # why it cannot be bought now (empty = fine)
    # What could not be returned for a change of mind in this market (``return_terms``), and
    # the buyer's acknowledgement of it, if given.
    return_exclusions: list = field(default_factory=list)
    return_acknowledgement: dict | None = None

    @property
    def purchasable(self) -> bool:
        return not self.reasons

    @property
    def blocked_by_stock_only(self) -> bool:
        return bool(self.reasons) and all(r.get("code") in STOCK_REASONS for r in self.reasons)


@dataclass
class Quote:
    cart: Cart
    market: Market
    currency: str
    fx_rate: Decimal
    lines: list[QuoteLine]
    subtotal: Money
    country: str | None
    subdivision: str | None
    options: list[ShippingOption] = field(default_factory=list)
    selected: ShippingOption | None = None
    landed: LandedCost | None = None
    refusals: dict = field(default_factory=dict)

    @property
    def shipping_option(self):
        """The chosen option, else the cheapest as an estimate (checkout needs a choice)."""
        return self.selected or (self.options[0] if self.options else None)

    @property
    def shipping(self) -> Money | None:
        return self.shipping_option.amount if self.shipping_option else None

    @property
    def duties(self) -> Money:
        return self.landed.duties if self.landed else Money.zero(self.currency)

    @property
    def taxes(self) -> Money:
        return self.landed.taxes if self.landed else Money.zero(self.currency)

    @property
    def incoterm(self) -> str | None:
        return self.landed.incoterm if self.landed else None

    @property
    def due_on_delivery(self) -> Money:
        return self.landed.due_on_delivery if self.landed else Money.zero(self.currency)

    @property
    def total(self) -> Money:
        """What is charged now: subtotal + shipping + the duties and taxes collected at checkout."""
        total = self.subtotal + (self.shipping or Money.zero(self.currency))
        if self.landed:
            total = total + self.landed.due_now
        return total

    @property
    def missing(self) -> list[str]:
        missing = []
        if not self.lines:
            missing.append("lines")
        if not self.cart.email:
            missing.append("email")
        if not self.cart.shipping_address:
            missing.append("shipping_address")
        if self.selected is None:
            missing.append("shipping_option")
        return missing


def _reason_dicts(error: DomainError) -> list[dict]:
    reasons = getattr(error, "reasons", None)
    if reasons:
        return [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in reasons]
    return [{"code": error.code, "text": str(error.title)}]


def _name(product, locale: str, market: Market) -> tuple[str, str]:
    texts = {t.locale: t.title for t in product.translations}
    found_locale, title = pick_translation(texts, locale, market.default_locale)
    return (title, found_locale) if title else (product.slug, "ko")


_UNREAD = object()


def quote_line(session: Session, cart: Cart, market: Market, line, *, rate=_UNREAD) -> QuoteLine:
    """One cart line at the market price.

    ``rate``: the market currency's current rate (None when there is none) if the
    caller read it already for the whole cart; otherwise it is read here.
    """
    variant = line.variant
    product = variant.product
    reasons: list[dict] = []
    try:
        get_variant_for_market(session, variant.id, market.code)
    except NotPurchasable as exc:
        reasons = _reason_dicts(exc)
    unit = None
    try:
        unit = market_price(session, variant, market) if rate is _UNREAD else \
            market_price(session, variant, market, rate=rate)
    except PriceUnavailable as exc:
        reasons.append({"code": exc.code, "text": str(exc.title)})
    name, name_locale = _name(product, cart.locale, market)
    return QuoteLine(
        line_id=line.id, variant_id=variant.id, product_id=product.id, seller_id=product.seller_id, sku=variant.sku,
        name=name, name_locale=name_locale, options=dict(variant.options or {}), quantity=line.quantity,
        unit_price=unit, total=unit.times(line.quantity) if unit else None, unit_price_krw=variant.price_krw,
        hs_code=product.hs_code, category=product.category, origin_country=product.origin_country,
        parcel={"weight_g": variant.weight_g, "length_mm": variant.length_mm, "width_mm": variant.width_mm,
                "height_mm": variant.height_mm},
        reasons=reasons, return_exclusions=line_exclusions(session, market.code, product.category),
        return_acknowledgement=line.return_acknowledgement,
    )


def destination(cart: Cart, market: Market) -> tuple[str | None, str | None]:
    """The country (and subdivision) to quote for: the address, else the market's only country."""
    if cart.shipping_address:
        return cart.shipping_address["country"], cart.shipping_address.get("region")
    if len(market.countries) == 1:
        return market.countries[0], None
    return None, None


def build_quote(session: Session, cart: Cart, *, today: date | None = None) -> Quote:
    """The full quote of ``cart`` (never raises for an unavailable line; it lists its reasons)."""
    market = session.get(Market, cart.market_code)
    today = today or utcnow().date()
    currency = market.currency
    current = current_rate(session, currency)  # once for the whole cart
    rate = current or Decimal(0)
    lines = [quote_line(session, cart, market, line, rate=current) for line in cart.lines]
    subtotal = sum((ln.total for ln in lines if ln.total is not None), Money.zero(currency))
    country, subdivision = destination(cart, market)
    quote = Quote(cart=cart, market=market, currency=currency, fx_rate=rate, lines=lines, subtotal=subtotal,
                  country=country, subdivision=subdivision)
    if not lines or country is None or (currency != BASE_CURRENCY and not rate):
        return quote
    shipping = SHIPPING.get()
    items = [(ln.parcel, ln.quantity) for ln in lines]
    quote.options = shipping.options(country=country, items=items, currency=currency, fx_rate=rate)
    quote.refusals = shipping.refusals(country=country, items=items)
    if cart.shipping_service:
        quote.selected = next((o for o in quote.options if o.service == cart.shipping_service), None)
    shipping_amount = quote.shipping or Money.zero(currency)
    goods = [{"value_minor": ln.total.amount, "quantity": ln.quantity, "hs_code": ln.hs_code}
             for ln in lines if ln.total is not None]
    quote.landed = shipping.landed_cost(market=market.code, currency=currency, rules=market.import_rules or {},
                                        country=country, subdivision=subdivision, goods=goods,
                                        shipping=shipping_amount, today=today)
    return quote
