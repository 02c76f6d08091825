"""Human text kept in data files (the market rules), translated through the gettext catalogs.

A data file names its prose by key: every string beneath one of its text keys (``notes``,
``certificates.electronics[0].name``, each value of ``certificates.notes``) is read by people;
codes, ids, numbers, dates, URLs and source ids sit under other keys and stay as they are. A
value without a lowercase word (``VAT``, ``RCM / EESS``) is an abbreviation or a code, not prose.

``python -m i18n.catalogs update`` extracts these strings into the domain of the package that
holds the file (``i18n.catalogs.domain_of``); the store serves them with ``translate``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from babel.support import NullTranslations, Translations

from . import TRANSLATIONS_DIR, to_babel

_WORD = re.compile(r"[a-z]{2,}")

# The human-text keys of the market rules (returns, warranty, import, certificates, price
# rounding); ``certificate_types`` is the map of certificate type codes to their descriptions.
MARKET_RULE_TEXT_KEYS = frozenset({
    "note", "notes", "name", "event", "description", "scope_note", "applies_to", "applies_when",
    "tax_name", "excluded_goods", "excluded_importers", "excise_goods", "certificate_types",
})


@dataclass(frozen=True)
class DataTexts:
    """Where a data file keeps its prose: ``roots`` are dotted paths from the top of the file
    (``*`` for every market), walked for ``keys``."""

    path: str
    roots: tuple[str, ...]
    keys: frozenset[str]


# The market rules a buyer reads (the store's ``/markets``) and the certificate types sellers
# are told about; the file's own ``description``, ``field_notes`` and code maps are for its
# editors, and a market's ``name`` comes from CLDR.
DATA_FILES: tuple[DataTexts, ...] = (
    DataTexts("shop/markets/data/markets.json",
              roots=("markets.*.price_rounding", "markets.*.returns", "markets.*.warranty",
                     "markets.*.import", "markets.*.certificates", "certificate_types"),
              keys=MARKET_RULE_TEXT_KEYS),
)


def is_prose(value) -> bool:
    return isinstance(value, str) and bool(_WORD.search(value))


def _step(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def find_texts(node, keys: frozenset[str], path: str = "", *, inside: bool = False) -> Iterator[tuple[str, str]]:
    """``(json path, text)`` for every prose string beneath a text key of ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from find_texts(value, keys, _step(path, key), inside=inside or key in keys)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from find_texts(value, keys, _step(path, index), inside=inside)
    elif inside and is_prose(node):
        yield path, node


def _roots(data, root: str) -> Iterator[tuple[str, object]]:
    """The nodes a dotted root names (``markets.*.returns``), each with its readable path:
    a list member is named by its ``code`` where it has one (``US.returns``)."""
    found = [("", data)]
    for part in root.split("."):
        step = []
        for path, node in found:
            if part == "*" and isinstance(node, list):
                for index, member in enumerate(node):
                    label = member.get("code") if isinstance(member, dict) else None
                    step.append((label or _step(path, index), member))
            elif isinstance(node, dict) and part in node:
                step.append((_step(path, part), node[part]))
        found = step
    return iter(found)


def file_texts(data, spec: DataTexts) -> Iterator[tuple[str, str]]:
    """``(json path, text)`` for the prose of one data file's parsed content."""
    for root in spec.roots:
        for path, node in _roots(data, root):
            yield from find_texts(node, spec.keys, path, inside=path.rsplit(".", 1)[-1] in spec.keys)


def translate(node, keys: frozenset[str], gettext: Callable[[str], str], *, inside: bool = False):
    """A copy of ``node`` with the prose beneath its text keys passed through ``gettext``; keys,
    codes and numbers untouched, and ``node`` itself never changed (it may be a row's JSON)."""
    if isinstance(node, dict):
        return {key: translate(value, keys, gettext, inside=inside or key in keys) for key, value in node.items()}
    if isinstance(node, list):
        return [translate(value, keys, gettext, inside=inside) for value in node]
    if inside and is_prose(node):
        return gettext(node)
    return node


@lru_cache(maxsize=64)
def catalog(locale: str, domain: str) -> NullTranslations:
    """The compiled catalog of ``domain`` in ``locale`` (a text it lacks reads as written)."""
    return Translations.load(str(TRANSLATIONS_DIR), [to_babel(locale)], domain)
