"""Korean export-side rules as versioned, sourced data (``data/export_rules.json``).

The file follows ``shop/markets/data/markets.json``: a ``version``, a ``sources`` map of
the reference's appendix ids (plus ``sources_outside_reference``), and rule blocks that
each cite their ``sources``. Code reads the typed view below, never the raw figures, so a
changed threshold is a data edit, not a code change.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

DATA_FILE = Path(__file__).parent / "data" / "export_rules.json"
# The one grouping the code implements: each seller in a consolidated parcel is its own exporter.
THRESHOLD_PER = "parcel_and_exporter"
DUTIES_PAYERS = ("sender", "receiver")


@dataclass(frozen=True)
class ExportDeclaration:
    """The e-commerce export declaration (전자상거래 간이수출신고) and its value ceiling."""

    name: str
    name_local: str
    available_since: date
    max_fob_krw: int
    declaration_type: str
    daily_list_timezone: ZoneInfo
    unverified: Mapping[str, str]
    sources: tuple[str, ...]

    def qualifies(self, fob_krw: int) -> bool:
        """Whether one exporter's FOB total in one parcel may go under the simplified type."""
        return fob_krw <= self.max_fob_krw


@dataclass(frozen=True)
class BusinessNumberRule:
    """The Korean business registration number: which parties carry it and how it is written."""

    country: str
    format: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class IncotermTerms:
    """What an incoterm means for import duties and taxes, in the invoice's words."""

    code: str
    name: str
    duties_payer: str
    collected_at_checkout: bool
    wording: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ExportRules:
    version: str
    declaration: ExportDeclaration
    business_number: BusinessNumberRule
    incoterms: Mapping[str, IncotermTerms]
    sources: Mapping[str, str]

    def incoterm(self, code: str) -> IncotermTerms:
        """The terms of ``code``; raises ``KeyError`` naming the known ones."""
        try:
            return self.incoterms[code]
        except KeyError:
            raise KeyError(f"unknown incoterm {code!r}; known: {', '.join(sorted(self.incoterms))}") from None


@lru_cache(maxsize=1)
def load_bundled() -> dict:
    """The bundled data file as JSON (version, sources, rule blocks)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def export_rules() -> ExportRules:
    """The bundled rules, parsed once."""
    return parse_rules(load_bundled())


def cited_sources(data: dict) -> set[str]:
    """Every source id any rule block of ``data`` cites (at any depth)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    found.update(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in data.items() if key != "sources"})
    return found


def parse_rules(data: dict) -> ExportRules:
    """The typed rules of a data file; raises ``ValueError`` on a rule it cannot apply.

    Checked: every cited source id resolves in ``sources``; the ceiling is a positive int;
    the threshold grouping is the one implemented; the list's time zone exists.
    """
    sources = data["sources"]
    unresolved = cited_sources(data) - set(sources)
    if unresolved:
        raise ValueError(f"export rules cite unknown sources {sorted(unresolved)}")
    block = data["ecommerce_export_declaration"]
    ceiling = block["max_fob_krw"]
    if isinstance(ceiling, bool) or not isinstance(ceiling, int) or ceiling <= 0:
        raise ValueError(f"max_fob_krw must be a positive whole KRW amount, not {ceiling!r}")
    if block["threshold_per"] != THRESHOLD_PER:
        raise ValueError(f"threshold_per {block['threshold_per']!r} is not implemented (only {THRESHOLD_PER!r})")
    declaration = ExportDeclaration(
        name=block["name"], name_local=block["name_local"],
        available_since=date.fromisoformat(block["available_since"]), max_fob_krw=ceiling,
        declaration_type=str(block["declaration_type"]),
        daily_list_timezone=ZoneInfo(block["daily_list_timezone"]),
        unverified=MappingProxyType(dict(block.get("unverified") or {})), sources=tuple(block["sources"]))
    brn = data["business_number"]
    incoterms = {}
    for code, entry in data["incoterms"].items():
        if entry["duties_payer"] not in DUTIES_PAYERS:
            raise ValueError(f"{code}: duties_payer must be one of {DUTIES_PAYERS}")
        incoterms[code] = IncotermTerms(code=code, name=entry["name"], duties_payer=entry["duties_payer"],
                                        collected_at_checkout=bool(entry["collected_at_checkout"]),
                                        wording=entry["wording"], sources=tuple(entry["sources"]))
    return ExportRules(
        version=data["version"], declaration=declaration,
        business_number=BusinessNumberRule(country=brn["country"], format=brn["format"],
                                           sources=tuple(brn["sources"])),
        incoterms=MappingProxyType(incoterms), sources=MappingProxyType(dict(sources)))
