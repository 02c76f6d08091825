"""Where packages meet: a contract declared by its consumer, an implementation registered by its provider.

A consumer (checkout needs stock reserved) writes the contract as a ``typing.Protocol``
in its own package and a ``Seam`` naming where the implementation lives on the app::

    INVENTORY = Seam("dari.inventory", InventoryGateway, "reserves and allocates stock for orders")

The providing package registers an implementation from its ``init_app``
(``INVENTORY.provide(app, Gateway())``, checked against the Protocol), the consumer
declares that it cannot work without one (``INVENTORY.require(app, by="shop.checkout")``)
and calls it through ``INVENTORY.get()``. ``check_seams(app)``, run by the app factory
once every package is initialised, refuses to start an app where a required seam has no
implementation, naming the seam and who needs it — instead of a ``KeyError`` (a 500)
on the first request that reaches it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, current_app

T = TypeVar("T")
_REQUIRED = "dari.seams.required"


class SeamMissing(RuntimeError):
    """A seam has no implementation registered (at start-up, or on lookup)."""


@dataclass(frozen=True)
class Seam(Generic[T]):
    key: str  # where the implementation lives: ``app.extensions[key]``
    contract: type[T]  # a runtime-checkable Protocol
    purpose: str

    def provide(self, app: Flask, implementation: T) -> T:
        """Register ``implementation`` (it must satisfy the contract: a ``TypeError`` otherwise)."""
        if not isinstance(implementation, self.contract):
            missing = [name for name in _members(self.contract) if not hasattr(implementation, name)]
            raise TypeError(f"{type(implementation).__name__} does not implement {self.contract.__name__} "
                            f"(missing: {', '.join(missing) or '?'})")
        app.extensions[self.key] = implementation
        return implementation

    def require(self, app: Flask, *, by: str) -> None:
        """Declare that the package ``by`` cannot work without an implementation."""
        app.extensions.setdefault(_REQUIRED, {}).setdefault(self.key, (self, set()))[1].add(by)

    def get(self, app: Flask | None = None) -> T:
        """The registered implementation; ``SeamMissing`` when there is none."""
        implementation = (app or current_app).extensions.get(self.key)
        if implementation is None:
            raise SeamMissing(self._missing_text())
        return implementation

    def find(self, app: Flask | None = None) -> T | None:
        """The registered implementation, or None (for optional seams)."""
        return (app or current_app).extensions.get(self.key)

    def _missing_text(self, needed_by=()) -> str:
        who = f" (needed by {', '.join(sorted(needed_by))})" if needed_by else ""
        return (f"no {self.contract.__name__} is registered as app.extensions[{self.key!r}]{who}: "
                f"it {self.purpose}. Add the package that provides it to dari.app.PACKAGES.")


def _members(protocol: type) -> list[str]:
    return sorted(name for name in vars(protocol) if not name.startswith("_"))


def check_seams(app: Flask) -> None:
    """Raise ``SeamMissing`` naming every required seam that has no implementation."""
    problems = [seam._missing_text(needed_by) for seam, needed_by in app.extensions.get(_REQUIRED, {}).values()
                if app.extensions.get(seam.key) is None]
    if problems:
        raise SeamMissing("; ".join(problems))
