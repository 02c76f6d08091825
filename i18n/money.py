"""Money: integer minor units plus an ISO 4217 code (STYLE.md, Money)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

ROUNDING = ROUND_HALF_UP  # the one rounding mode for percentages, rates and conversions
BASE_CURRENCY = "KRW"  # sellers price in KRW (SPEC §2); rates are major units of a currency per 1 KRW


class CurrencyMismatch(ValueError):
    pass


@lru_cache(maxsize=16384)
def format_amount(amount: int, currency: str, locale: str) -> str:
    """``amount`` minor units of ``currency`` as Babel writes it in ``locale`` (US$29.99, 29,99 €).

    Pure, and the storefront writes the same few hundred prices over and over: remembered
    (Babel's formatting is most of what a 24-item page costs to serialise).
    """
    from . import to_babel

    major = Decimal(amount).scaleb(-currency_digits(currency))
    return format_currency(major, currency, locale=to_babel(locale))


@lru_cache(maxsize=None)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_digits(currency: str) -> int:
    """Digits after the decimal point, from Babel (KRW 0, JPY 0, USD 2, …)."""
    return get_currency_precision(currency)


# Currencies whose prices have minor units that card payments do not charge: only whole units
# are charged (TWD: Stripe's API takes cents but charges whole dollars). Zero-decimal currencies
# (KRW, JPY, VND…) have 0 digits in Babel, so their minor unit already is the whole unit.
WHOLE_UNIT_CHARGES = frozenset({"TWD"})


def charge_unit(currency: str) -> int:
    """Minor units per chargeable step: 100 for TWD (whole dollars), 1 otherwise.

    The one place of this rule: shipping, duties and taxes round to it, seller price
    overrides must be multiples of it (the Stripe adapter checks it again at its boundary).
    """
    return 10 ** currency_digits(currency) if currency in WHOLE_UNIT_CHARGES else 1


def from_base(amount_krw: int, currency: str, rate: Decimal) -> Decimal:
    """``amount_krw`` (KRW) in minor units of ``currency``, unrounded; ``rate`` = major units per 1 KRW.

    The one KRW conversion: callers round the result by their own rule (market price
    rounding, or the charge unit for shipping). KRW to KRW is the amount itself.
    """
    if currency == BASE_CURRENCY:
        return Decimal(amount_krw)
    return Decimal(amount_krw) * Decimal(rate) * (Decimal(10) ** currency_digits(currency))


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self):
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int of minor units")
        if self.currency not in known_currencies():
            raise ValueError(f"unknown currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(0, currency)

    @classmethod
    def from_major(cls, value: Decimal | str | int, currency: str) -> "Money":
        digits = currency_digits(currency)
        minor = (Decimal(value) * (Decimal(10) ** digits)).quantize(Decimal(1), rounding=ROUNDING)
        return cls(int(minor), currency)

    @property
    def major(self) -> Decimal:
        return Decimal(self.amount).scaleb(-currency_digits(self.currency))

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError("can only combine Money with Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, quantity: int) -> "Money":
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise TypeError("quantity must be an int")
        return Money(self.amount * quantity, self.currency)

    def percent(self, rate: Decimal | str) -> "Money":
        """``self × rate`` (rate as a Decimal fraction, e.g. ``"0.19"``), rounded half-up."""
        value = (Decimal(self.amount) * Decimal(rate)).quantize(Decimal(1), rounding=ROUNDING)
        return Money(int(value), self.currency)

    def allocate(self, ratios: list[int]) -> list["Money"]:
        """Split by integer ratios without losing a minor unit (remainders go first-come)."""
        total = sum(ratios)
        if total <= 0 or any(r < 0 for r in ratios):
            raise ValueError("ratios must be non-negative with a positive sum")
        shares = [self.amount * r // total for r in ratios]
        remainder = self.amount - sum(shares)
        for i in range(abs(remainder)):
            shares[i % len(shares)] += 1 if remainder > 0 else -1
        return [Money(s, self.currency) for s in shares]

    def format(self, locale: str = "en") -> str:
        return format_amount(self.amount, self.currency, locale)

    def to_dict(self, locale: str = "en") -> dict:
        return {"amount": self.amount, "currency": self.currency, "formatted": self.format(locale)}
