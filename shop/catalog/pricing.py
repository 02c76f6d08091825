"""Market prices: an explicit override, or the KRW price converted and rounded by the market's rule.

Rounding rules live in each market's ``price_rounding`` (markets.json):

* ``{"mode": "charm", "ending_minor": 99, "direction": "up"}`` - the smallest price
  at or above the converted amount whose last two minor digits are ``ending_minor``
  (US$29.99, 29,99 €);
* ``{"mode": "step", "step_minor": 10, "direction": "up"}`` - the next multiple of
  ``step_minor`` (JPY to 10 yen, VND to 1,000 dong, TWD to whole dollars).

Both are ``offset + step × round((amount − offset) / step)`` with the rounding
direction ``up`` (default), ``down`` or ``nearest``. With no rule the amount is
rounded half-up to the currency's minor unit, whose digits come from Babel.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import select

from i18n.money import BASE_CURRENCY, Money, from_base

from .errors import PriceUnavailable
from .models import VariantMarketPrice
from .rates import current_rate

_DIRECTIONS = {"up": ROUND_CEILING, "down": ROUND_FLOOR, "nearest": ROUND_HALF_UP}


def round_minor(amount_minor: Decimal, rule: dict | None) -> int:
    """Round a converted amount (minor units, Decimal) by a market's price rule."""
    amount_minor = Decimal(amount_minor)
    if amount_minor <= 0:
        return 0
    rule = rule or {}
    mode = rule.get("mode")
    rounding = _DIRECTIONS.get(rule.get("direction") or "up", ROUND_CEILING)
    if mode == "charm":
        step, offset = 100, int(rule.get("ending_minor", 99))
    elif mode == "step":
        step, offset = max(int(rule.get("step_minor", 1)), 1), 0
    else:
        return int(amount_minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    units = ((amount_minor - offset) / step).quantize(Decimal(1), rounding=rounding)
    result = int(units) * step + offset
    return result if result > 0 else offset or step


def price_in_market(price_krw: int, market, rate: Decimal | None, override: VariantMarketPrice | None = None) -> Money:
    """The price of a KRW amount in ``market`` (pure: the caller supplies rate and override).

    Raises ``PriceUnavailable`` when there is no usable override and no rate.
    """
    if override is not None and override.currency == market.currency:
        return Money(int(override.amount_minor), market.currency)
    if market.currency == BASE_CURRENCY:
        return Money(int(price_krw), BASE_CURRENCY)
    if rate is None:
        raise PriceUnavailable(currency=market.currency)
    return Money(round_minor(from_base(price_krw, market.currency, rate), market.price_rounding), market.currency)


_UNREAD = object()


def market_price(session, variant, market, *, rate=_UNREAD) -> Money:
    """The price of ``variant`` in ``market``: its override, else the converted, rounded KRW price.

    ``rate``: the market currency's current rate (``current_rate``, None when there
    is none) if the caller has read it already, e.g. once for a whole cart.
    Raises ``PriceUnavailable`` when neither an override nor a rate exists.
    """
    override = session.scalar(select(VariantMarketPrice).where(
        VariantMarketPrice.variant_id == variant.id, VariantMarketPrice.market_code == market.code))
    if override is not None and override.currency == market.currency:
        rate = None
    elif rate is _UNREAD:
        rate = current_rate(session, market.currency)
    return price_in_market(variant.price_krw, market, rate, override)
