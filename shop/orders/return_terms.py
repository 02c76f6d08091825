"""What a buyer could not return for a change of mind, told before paying (behind a seam).

The rules live with the return policy engine (``returns.policy``), which ``shop`` must not
import; the returns package registers a ``ReturnTerms`` implementation. Checkout shows each
cart line's exclusions in the buyer's language and records, per line, the buyer's
acknowledgement (when, and which version of the rules); the order line keeps it, and the
engine reads it when a return is asked for: where the buyer was never told, an exclusion
that needs notice does not apply. With no implementation registered a line has no
exclusions (the store works on its own).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from flask import has_app_context

from shop.core.seams import Seam


@dataclass(frozen=True)
class ReturnExclusion:
    """One reason goods of a line cannot be returned for a change of mind in a market."""

    code: str  # e.g. unsealed_hygiene
    when: str  # "opened": once opened or unsealed; "always"
    text: str  # in the current locale
    sources: tuple[str, ...]


@runtime_checkable
class ReturnTerms(Protocol):
    def exclusions(self, session, market_code: str, category: str | None) -> list[ReturnExclusion]:
        """The change-of-mind exclusions of ``market_code`` that reach goods of ``category``."""

    def version(self, session, market_code: str) -> str:
        """The version of the rules the exclusions come from (recorded with an acknowledgement)."""

    def exclusion_text(self, code: str) -> str:
        """An exclusion's words in the current locale (the code itself when it has none)."""


RETURN_TERMS: Seam[ReturnTerms] = Seam("dari.return_terms", ReturnTerms,
                                       "tells checkout which goods cannot be returned for a change of mind")


def line_exclusions(session, market_code: str, category: str | None) -> list[ReturnExclusion]:
    terms = RETURN_TERMS.find() if has_app_context() else None
    return terms.exclusions(session, market_code, category) if terms is not None else []


def acknowledged_view(record: dict | None) -> list[dict]:
    """The exclusions an acknowledgement covers, each with its words in the current locale."""
    if not record:
        return []
    terms = RETURN_TERMS.find() if has_app_context() else None
    return [{"code": code, "text": terms.exclusion_text(code) if terms is not None else code}
            for code in record.get("exclusions") or ()]


def acknowledgement(session, market_code: str, exclusions: list[ReturnExclusion], at: datetime) -> dict:
    """The record of a buyer's acknowledgement of ``exclusions``: codes, time and rules version."""
    terms = RETURN_TERMS.find()
    return {"exclusions": [e.code for e in exclusions], "acknowledged_at": at.isoformat(),
            "version": terms.version(session, market_code) if terms is not None else ""}
