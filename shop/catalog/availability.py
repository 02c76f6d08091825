"""Where a product may be sold, and why not (SPEC §3, "Availability per market").

A product is purchasable in a market when its seller is approved, it is active,
it has a sellable variant with a price there, listing text in one of the
market's locales or English, every certificate the market requires for its
category (verified, within its dates), and stock (when an inventory provider
is registered). Each failed condition is a ``Reason`` that renders in the
request's locale ("CN: cosmetics need a verified NMPA certificate").

Certificate requirements come from the market's ``certificates`` data: entries
of kind ``product`` or ``business`` that must exist ``before_sale`` for ``all``
products of the category. ``unverified`` and ``notes`` are not categories;
``after_first_sale``, ``per_shipment`` and ``subset`` entries are advisory and
do not block. Exemptions in the data (e.g. CN cross-border retail for NMPA) are
deliberately not applied: Dari requires the filing anyway.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.lists import format_list
from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import or_, select

from i18n import FALLBACK_LOCALE, to_babel
from i18n.korean import resolve_particles
from i18n.money import BASE_CURRENCY
from i18n.web import served_locale
from shop.markets.services import get_market, list_markets, text_in

from . import stock
from .models import Certificate, VariantMarketPrice
from .rates import current_rates

RESERVED_CERTIFICATE_KEYS = ("unverified", "notes")


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: extracted, translated at render time
    return message


def _translate(message: str) -> str:
    """Translated into the request's locale; English outside a request (jobs, services, shells)."""
    return gettext(message) if has_request_context() else message


CATEGORY_LABELS = {
    "cosmetics": N_("cosmetics"),
    "food": N_("food and supplements"),
    "fashion": N_("fashion"),
    "electronics": N_("electronics"),
    "household": N_("household goods"),
}
MESSAGES = {
    "seller_not_approved": N_("%(market)s: the seller is not approved"),
    "product_not_active": N_("%(market)s: the product is not active"),
    "no_variant": N_("%(market)s: no variant is for sale"),
    "variant_unavailable": N_("%(market)s: this variant is no longer sold"),
    "missing_translation": N_("%(market)s: no listing text in %(locales)s"),
    "missing_certificate": N_("%(market)s: %(category)s need a verified %(certificate)s certificate "
                              "(%(certificate_name)s)"),
    "price_unavailable": N_("%(market)s: no price in %(currency)s"),
    "no_stock": N_("%(market)s: no stock"),
}


@dataclass(frozen=True)
class Reason:
    """One reason a product is blocked in a market; ``text`` renders in the current locale."""

    code: str
    market: str
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self._text(self._named())

    def _text(self, named: dict) -> str:
        values = {"market": self.market, **named}
        if "category" in values and values["category"] in CATEGORY_LABELS:
            values["category"] = _translate(CATEGORY_LABELS[values["category"]])
        if "locales" in values:
            values["locales"] = format_list(list(values["locales"]), style="or", locale=to_babel(_locale()))
        return resolve_particles(_translate(MESSAGES[self.code]) % values)

    def _named(self) -> dict:
        """The params, a certificate's human name (market data) in the reader's language."""
        if "certificate" not in self.params:
            return dict(self.params)
        name = self.params.get("certificate_name") or self.params["certificate"]
        return {**self.params, "certificate_name": text_in(name, _locale())}

    def to_dict(self) -> dict:
        named = self._named()  # the certificate's name looked up once, for the message and the field
        return {"code": self.code, "market": self.market, "message": self._text(named), **named}


def _locale() -> str:
    """The locale reasons are read in: the request's, else English."""
    if has_request_context():
        return served_locale()
    return FALLBACK_LOCALE


def required_certificates(market, category: str, today: date | None = None) -> list[dict]:
    """The certificate entries that block a listing of ``category`` in ``market``."""
    today = today or date.today()
    if category in RESERVED_CERTIFICATE_KEYS:
        return []
    entries = (market.certificates or {}).get(category) or []
    result = []
    for entry in entries:
        if entry.get("kind") not in ("product", "business"):
            continue
        if (entry.get("timing") or "before_sale") != "before_sale" or (entry.get("scope") or "all") != "all":
            continue
        effective = entry.get("effective_from")
        if effective and date.fromisoformat(effective) > today:
            continue
        result.append(entry)
    return result


def listing_locales(market) -> list[str]:
    """Locales whose text makes a listing sellable in ``market``: its own, and English."""
    result = list(market.locales or [market.default_locale])
    if FALLBACK_LOCALE not in result:
        result.append(FALLBACK_LOCALE)
    return result


def certificate_counts(certificate: Certificate, entry: dict, product, market_code: str, today: date) -> bool:
    """Whether ``certificate`` satisfies requirement ``entry`` for ``product`` in ``market_code``."""
    if certificate.status != "verified" or certificate.market_code != market_code:
        return False
    if certificate.type != entry["type"] or certificate.seller_id != product.seller_id:
        return False
    if certificate.valid_from and certificate.valid_from > today:
        return False
    if certificate.valid_until and certificate.valid_until < today:
        return False
    if certificate.product_id == product.id:
        return True
    # A business-level registration (no product) covers every product of the seller.
    return entry.get("kind") == "business" and certificate.product_id is None


def _markets(session, markets):
    if markets is None:
        return list_markets(session)
    return [get_market(session, m) if isinstance(m, str) else m for m in markets]


def product_availability(session, product, markets=None, *, today: date | None = None,
                         include_stock: bool = True) -> dict[str, list[Reason]]:
    """``{market_code: [Reason, …]}`` for ``product``; an empty list means purchasable there.

    ``markets``: Market objects or codes (default: every active market). Issues a
    fixed number of queries (certificates, overrides, rates, stock per market).
    """
    today = today or date.today()
    markets = _markets(session, markets)
    variants = [v for v in product.variants if v.active]
    text_locales = {t.locale for t in product.translations if t.title}
    certificates = list(session.scalars(select(Certificate).where(
        Certificate.seller_id == product.seller_id, Certificate.status == "verified",
        or_(Certificate.product_id == product.id, Certificate.product_id.is_(None)))))
    overrides = {}
    if variants:
        for row in session.scalars(select(VariantMarketPrice).where(
                VariantMarketPrice.variant_id.in_([v.id for v in variants]))):
            overrides.setdefault(row.market_code, {})[row.variant_id] = row
    rates = current_rates(session, sorted({m.currency for m in markets}))
    seller_status = product.seller.status if product.seller is not None else None

    result: dict[str, list[Reason]] = {}
    for market in markets:
        reasons, priced = listing_reasons(
            market, product, seller_status=seller_status, variants=variants, text_locales=text_locales,
            certificates=certificates, overrides=overrides.get(market.code, {}), rates=rates, today=today)
        if include_stock and priced:
            levels = stock.stock_levels(session, [v.id for v in priced], market.code)
            if levels is not None and not any(levels.get(v.id, 0) > 0 for v in priced):
                reasons.append(Reason("no_stock", market.code))
        result[market.code] = reasons
    return result


def listing_reasons(market, product, *, seller_status: str | None, variants: list, text_locales: set[str],
                    certificates: list, overrides: dict, rates: dict, today: date) -> tuple[list[Reason], list]:
    """Every reason but stock that ``product`` is blocked in ``market``, and its variants priced there.

    Pure: the caller has read the facts (``variants``: the active ones; ``text_locales``:
    locales with a title; ``certificates``: the seller's verified ones, of the product or
    business-wide; ``overrides``: ``{variant_id: VariantMarketPrice}`` of this market;
    ``rates``: current rates by currency). ``product_availability`` and the listing index
    (``shop.catalog.listings``) both decide with it, so the storefront and the seller's
    availability page never disagree.
    """
    reasons: list[Reason] = []
    if seller_status != "approved":
        reasons.append(Reason("seller_not_approved", market.code))
    if product.status != "active":
        reasons.append(Reason("product_not_active", market.code))
    if not variants:
        reasons.append(Reason("no_variant", market.code))
    wanted = listing_locales(market)
    if not text_locales.intersection(wanted):
        reasons.append(Reason("missing_translation", market.code, {"locales": wanted}))
    for entry in required_certificates(market, product.category, today):
        if not any(certificate_counts(c, entry, product, market.code, today) for c in certificates):
            reasons.append(Reason("missing_certificate", market.code,
                                  {"category": product.category, "certificate": entry["type"],
                                   "certificate_name": entry.get("name") or entry["type"]}))
    priced = [v for v in variants
              if market.currency in rates or market.currency == BASE_CURRENCY
              or (v.id in overrides and overrides[v.id].currency == market.currency)]
    if variants and not priced:
        reasons.append(Reason("price_unavailable", market.code, {"currency": market.currency}))
    return reasons, priced
