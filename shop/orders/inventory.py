"""What orders and checkout need from inventory: the ``InventoryGateway`` contract.

The store (``shop``) never imports ``fulfillment``; the inventory package registers an
implementation with ``INVENTORY.provide(app, …)`` from its ``init_app``, and checkout
refuses to start without one (``shop.core.seams``). Every method takes the caller's session
and only flushes: the stock moves commit or roll back with the order that caused them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from shop.core.errors import Conflict
from shop.core.seams import Seam


class StockShortage(Conflict):
    """Not every line can be covered by available stock; nothing was reserved.

    ``lines``: ``[{"variant_id", "requested", "available"}]`` for the short variants.
    Implementations raise this (or a subclass), so callers catch a type, not a code.
    """

    code = "out_of_stock"

    def __init__(self, lines: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.lines = list(lines)

    def extra(self) -> dict:
        return {"lines": self.lines}


@runtime_checkable
class InventoryGateway(Protocol):
    def reserve(self, session: Session, *, reference: str, market_code: str, lines: list[tuple[str, int]],
                expires_at: datetime, actor: str | None = None) -> object:
        """Hold stock for ``lines`` (variant id, quantity) sent to ``market_code`` until ``expires_at``.

        All or nothing; the same ``reference`` again returns the same hold. Raises
        ``StockShortage`` with nothing held.
        """

    def release(self, session: Session, *, reference: str, reason: str, actor: str | None = None) -> None:
        """Give back what is held for ``reference`` (a no-op when nothing is)."""

    def allocate(self, session: Session, *, reference: str, actor: str | None = None) -> None:
        """Turn the hold for ``reference`` into an allocation (paid); a ``DomainError`` when it was lost."""


INVENTORY: Seam[InventoryGateway] = Seam("dari.inventory", InventoryGateway,
                                         "reserves, releases and allocates the stock of orders")
