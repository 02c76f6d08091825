"""Exchange rates (KRW base): reading a source, storing observations, looking up current rates.

A source is a rates document (the shape of ``shop/catalog/data/fx_rates.json``)
at an http(s) URL or a file path; with none configured the bundled file is the
offline default. Rates are stored with their source and as-of time, and the
newest per currency is current. When the database holds no rate for a currency
the bundled file answers, so prices work on a fresh install.
"""
from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n.money import BASE_CURRENCY, known_currencies

from .errors import RatesSourceFailed
from .models import ExchangeRate

BUNDLED_RATES = Path(__file__).resolve().parent / "data" / "fx_rates.json"
BASE = BASE_CURRENCY
MAX_DOCUMENT_BYTES = 1024 * 1024


@lru_cache(maxsize=1)
def bundled_document() -> dict:
    return parse_document(BUNDLED_RATES.read_text(encoding="utf-8"))


def parse_document(text: str | bytes) -> dict:
    """Validate a rates document; returns ``{"as_of": datetime, "source": str, "rates": {cur: Decimal}}``."""
    try:
        raw = json.loads(text)
        if raw.get("base", BASE) != BASE:
            raise ValueError("base must be KRW")
        as_of = datetime.fromisoformat(str(raw["as_of"]).replace("Z", "+00:00"))
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=timezone.utc)
        rates = {}
        for currency, value in raw["rates"].items():
            if currency not in known_currencies() or isinstance(value, float):
                raise ValueError(f"bad rate entry {currency}")
            rate = Decimal(str(value))
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate for {currency} must be positive")
            rates[currency] = rate
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as exc:
        raise RatesSourceFailed(detail=str(exc)) from exc
    return {"as_of": as_of, "source": str(raw.get("source") or ""), "rates": rates}


def read_source(source: str | None) -> tuple[dict, str]:
    """Read and parse a rates document from ``source`` (URL, path, or None for the bundled file)."""
    if not source:
        return bundled_document(), f"file:{BUNDLED_RATES.name}"
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=15) as response:  # noqa: S310 - configured by ops
                text = response.read(MAX_DOCUMENT_BYTES + 1)
        else:
            text = Path(source.removeprefix("file://")).read_bytes()
    except OSError as exc:
        raise RatesSourceFailed(detail=str(exc)) from exc
    if len(text) > MAX_DOCUMENT_BYTES:
        raise RatesSourceFailed(detail="document too large")
    return parse_document(text), source


def store_rates(session: Session, document: dict, source: str) -> list[ExchangeRate]:
    """Record every rate of ``document`` not already stored for its as-of time (idempotent)."""
    as_of = document["as_of"]
    existing = set(session.scalars(select(ExchangeRate.currency).where(
        ExchangeRate.base == BASE, ExchangeRate.as_of == as_of)))
    label = f"{source} ({document['source']})" if document["source"] else source
    added = []
    for currency, rate in sorted(document["rates"].items()):
        if currency in existing:
            continue
        row = ExchangeRate(base=BASE, currency=currency, rate=format(rate, "f"), source=label[:500], as_of=as_of)
        session.add(row)
        added.append(row)
    session.flush()
    return added


def refresh_rates(session: Session, source: str | None = None) -> list[ExchangeRate]:
    """Fetch rates from ``source`` (or the bundled file) and store the new observations.

    The source is read before the session is touched: call it with no transaction open (a job
    does; an endpoint that has read anything first commits, reads the source, then stores with
    ``store_rates``), so no lock or connection is held while a remote source answers.
    Raises ``RatesSourceFailed`` when the source cannot be read or is malformed.
    """
    document, label = read_source(source)
    return store_rates(session, document, label)


def current_rates(session: Session, currencies: list[str] | None = None) -> dict[str, Decimal]:
    """The newest stored rate per currency (one query), completed from the bundled file."""
    newest = (select(ExchangeRate.currency, func.max(ExchangeRate.as_of).label("as_of"))
              .where(ExchangeRate.base == BASE).group_by(ExchangeRate.currency))
    if currencies is not None:
        newest = newest.where(ExchangeRate.currency.in_(currencies))
    newest = newest.subquery()
    rows = session.execute(select(ExchangeRate.currency, ExchangeRate.rate).join(
        newest, (ExchangeRate.currency == newest.c.currency) & (ExchangeRate.as_of == newest.c.as_of)))
    result = {currency: Decimal(rate) for currency, rate in rows}
    for currency, rate in bundled_document()["rates"].items():
        if (currencies is None or currency in currencies) and currency not in result:
            result[currency] = rate
    return result


def current_rate(session: Session, currency: str) -> Decimal | None:
    if currency == BASE:
        return Decimal(1)
    return current_rates(session, [currency]).get(currency)


def list_current(session: Session) -> list[ExchangeRate]:
    """The current stored rate rows (for ops), newest per currency."""
    newest = (select(ExchangeRate.currency, func.max(ExchangeRate.as_of).label("as_of"))
              .where(ExchangeRate.base == BASE).group_by(ExchangeRate.currency)).subquery()
    return list(session.scalars(select(ExchangeRate).join(
        newest, (ExchangeRate.currency == newest.c.currency) & (ExchangeRate.as_of == newest.c.as_of))
        .order_by(ExchangeRate.currency)))
