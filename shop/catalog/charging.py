"""The most one payment can charge, asked of the payment provider: the ``ChargeLimits`` contract.

A seller's price override must be chargeable at checkout. The catalog does not know the
provider; payments registers an implementation (``CHARGE_LIMITS``). With none registered
there is no limit beyond the currency's charge unit.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from i18n.money import Money, charge_unit
from shop.core.seams import Seam


@runtime_checkable
class ChargeLimits(Protocol):
    def max_charge(self, currency: str) -> Money | None:
        """The largest amount one payment can charge in ``currency``; None if cards are not charged in it."""


CHARGE_LIMITS: Seam[ChargeLimits] = Seam("dari.charge_limits", ChargeLimits,
                                         "says the most one card payment can charge per currency")


def max_charge(currency: str) -> Money | None:
    """The provider's limit for ``currency``, or None (no provider registered, or no card charges in it)."""
    limits = CHARGE_LIMITS.find()
    return limits.max_charge(currency) if limits is not None else None


def chargeable(amount: Money) -> bool:
    """One card payment can charge ``amount``: more than zero, a multiple of its currency's charge unit,
    and within the provider's limit (a currency the provider charges no card in is not chargeable)."""
    if amount.amount <= 0 or amount.amount % charge_unit(amount.currency):
        return False
    limits = CHARGE_LIMITS.find()
    if limits is None:
        return True
    largest = limits.max_charge(amount.currency)
    return largest is not None and amount.amount <= largest.amount
