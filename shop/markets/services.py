"""Markets: loading the versioned data file, lookups, admin edits."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import LOCALES, to_babel
from i18n.data_texts import MARKET_RULE_TEXT_KEYS, catalog, translate
from i18n.money import known_currencies
from shop.core.errors import InvalidInput, NotFound

from . import MESSAGE_DOMAIN
from .errors import UnknownMarket
from .models import Market
from .validation import rule_errors

DATA_FILE = Path(__file__).parent / "data" / "markets.json"
RULE_BLOCKS = ("price_rounding", "returns", "warranty", "import_rules", "certificates")


@lru_cache(maxsize=1)
def load_bundled() -> dict:
    """The bundled market data file (version, sources, markets)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def market_row(entry: dict, version: str) -> dict:
    """Column values for one market entry of the data file (validated)."""
    code = entry["code"]
    if entry["currency"] not in known_currencies():
        raise ValueError(f"{code}: unknown currency {entry['currency']}")
    for country in entry["countries"]:
        if pycountry.countries.get(alpha_2=country) is None:
            raise ValueError(f"{code}: unknown country {country}")
    for locale in [entry["default_locale"], *entry["locales"]]:
        if locale not in LOCALES:
            raise ValueError(f"{code}: unsupported locale {locale}")
    errors = rule_errors({"price_rounding": entry.get("price_rounding") or {},
                          "import_rules": entry.get("import") or {},
                          "returns": entry.get("returns") or {}, "warranty": entry.get("warranty") or {},
                          "certificates": entry.get("certificates") or {}})
    if errors:
        raise ValueError(f"{code}: invalid rules {errors}")
    return {
        "code": code,
        "countries": entry["countries"],
        "currency": entry["currency"],
        "default_locale": entry["default_locale"],
        "locales": entry["locales"],
        "price_rounding": entry.get("price_rounding") or {},
        "returns": entry.get("returns") or {},
        "warranty": entry.get("warranty") or {},
        "import_rules": entry.get("import") or {},
        "certificates": entry.get("certificates") or {},
        "data_version": version,
    }


def sync_markets(session: Session, data: dict | None = None, *, overwrite_edits: bool = False) -> list[Market]:
    """Insert or update markets from the data file.

    A market an admin edited keeps its edits unless ``overwrite_edits``; a market
    whose stored data version is already current is left alone.
    """
    data = data or load_bundled()
    version = data["version"]
    result = []
    for entry in data["markets"]:
        values = market_row(entry, version)
        market = session.get(Market, values["code"])
        if market is None:
            market = Market(**values)
            session.add(market)
        elif (market.edited_by is None or overwrite_edits) and (market.data_version != version or overwrite_edits):
            for key, value in values.items():
                setattr(market, key, value)
            market.edited_by = None
        result.append(market)
    session.flush()
    return result


def list_markets(session: Session, *, include_inactive: bool = False) -> list[Market]:
    query = select(Market).order_by(Market.code)
    if not include_inactive:
        query = query.where(Market.active.is_(True))
    return list(session.scalars(query))


def get_market(session: Session, code: str) -> Market:
    """The market by code, or by the ISO code of one of its countries (``DE`` → ``EU``), either case;
    raises ``UnknownMarket`` naming the markets there are."""
    market = session.get(Market, (code or "").upper())
    if (market is None or not market.active) and len(code or "") == 2:
        market = market_for_country(session, code)
    if market is None or not market.active:
        raise UnknownMarket(market=code, markets=", ".join(m.code for m in list_markets(session)))
    return market


def market_for_country(session: Session, country: str) -> Market | None:
    country = country.upper()
    for market in list_markets(session):
        if country in market.countries:
            return market
    return None


def market_name(code: str, locale: str) -> str:
    """The market's name in ``locale`` from CLDR (``EU`` is a CLDR territory too)."""
    return Locale.parse(to_babel(locale)).territories.get(code, code)


def rules_in(block: dict, locale: str) -> dict:
    """A copy of a rule block (returns, warranty, import, certificates, price rounding) with its
    human text (notes, names, events…; ``i18n.data_texts``) in ``locale`` from the markets
    catalog. Text the catalog lacks — an admin's own words — stays as written; codes, numbers
    and the block itself are left untouched."""
    return translate(block or {}, MARKET_RULE_TEXT_KEYS, catalog(locale, MESSAGE_DOMAIN).gettext)


def text_in(text: str, locale: str) -> str:
    """One human text of the market data (a certificate's name…) in ``locale``, else as written."""
    return catalog(locale, MESSAGE_DOMAIN).gettext(text)


def update_market(session: Session, code: str, changes: dict, *, editor_id: str) -> Market:
    """Apply an admin's edit after checking it as strictly as the data file.

    Raises ``InvalidInput`` naming the fields when a rule block could not be used by
    pricing, duties or availability, when the default locale is not among the
    market's locales, or when a country already belongs to another market.
    """
    market = session.get(Market, code.upper())
    if market is None:
        raise NotFound()
    errors = rule_errors(changes)
    if "import_rules" in errors:
        errors["import"] = errors.pop("import_rules")  # the name clients send
    locales = changes.get("locales", market.locales)
    if changes.get("default_locale", market.default_locale) not in locales:
        errors["default_locale"] = [_l("The default locale must be one of the market's locales.")]
    if "countries" in changes:
        taken = sorted({country for other in list_markets(session, include_inactive=True) if other.code != market.code
                        for country in other.countries} & set(changes["countries"]))
        if taken:
            errors["countries"] = [_l("Already part of another market: %(countries)s", countries=", ".join(taken))]
    if errors:
        raise InvalidInput(errors=errors)
    for key, value in changes.items():
        setattr(market, key, value)
    market.edited_by = editor_id
    session.flush()
    return market
