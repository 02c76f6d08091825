"""Gettext catalogs: extract, update, check and compile, without any Flask.

``python -m i18n.catalogs update``   extract msgids from the code into every locale's .po
``python -m i18n.catalogs check``    list msgids that lack a translation (exit 1 if any)
``python -m i18n.catalogs compile``  write the .mo files Flask-Babel loads

A package declares its domain (``MESSAGE_DOMAIN = "catalog"`` in its ``__init__.py``); a
source file (Python, or a Jinja template under a ``templates/`` folder) belongs to the domain
of the innermost package around it, ``messages`` takes the rest. So does a data file whose
prose is listed in ``i18n.data_texts.DATA_FILES`` (the market rules): each string is a msgid
located by its JSON path (``shop/markets/data/markets.json#US.returns.notes``).
"""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from . import LOCALES, TRANSLATIONS_DIR, to_babel
from .data_texts import DATA_FILES, file_texts

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("i18n", "shop", "fulfillment", "returns")
# A package names its gettext domain in its ``__init__.py`` (``MESSAGE_DOMAIN = "checkout"``) and
# registers it from ``init_app`` (``i18n.web.add_domain``); read here without importing the package.
_DECLARATION = re.compile(r'^MESSAGE_DOMAIN\s*=\s*["\']([a-z_]+)["\']', re.MULTILINE)


def declared_domains(root: Path = ROOT) -> dict[str, str]:
    """``{"shop/checkout/": "checkout", …}``: the package folders that declare a message domain."""
    found = {}
    for top in SOURCE_DIRS:
        for init in sorted((root / top).rglob("__init__.py")):
            match = _DECLARATION.search(init.read_text(encoding="utf-8"))
            if match:
                found[init.parent.relative_to(root).as_posix() + "/"] = match.group(1)
    return found


DOMAIN_PATHS = declared_domains()
DOMAINS: tuple[str, ...] = ("messages", *sorted(set(DOMAIN_PATHS.values())))
# Messages that read the same in every language (abbreviations); any other msgstr equal
# to its msgid outside English is an untranslated copy, unless the msgid has no words
# besides its placeholders ("%(name)s × %(quantity)s").
SAME_IN_EVERY_LOCALE = frozenset({"GST/HST"})
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _has_words(msgid: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", _PLACEHOLDER.sub("", msgid)))
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "N_": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
# Python, and the Jinja templates a package keeps under its ``templates/`` folder (e-mail:
# ``shop.core.notifications``), read as that package's environment reads them: ``{% trans %}``
# trimmed, new-style gettext; a template Jinja cannot parse stops the extraction.
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "newstyle_gettext": "true",
                  "trim_blocks": "true", "lstrip_blocks": "true", "keep_trailing_newline": "true",
                  "silent": "false"}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.txt", "jinja2.ext:babel_extract"),
              ("**/templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS_MAP = {pattern: _JINJA_OPTIONS for pattern, method in METHOD_MAP if method != "python"}


def domain_of(relpath: str) -> str:
    """The domain of the innermost package around ``relpath`` that declares one; else ``messages``."""
    best = ""
    for folder in DOMAIN_PATHS:
        if relpath.startswith(folder) and len(folder) > len(best):
            best = folder
    return DOMAIN_PATHS[best] if best else "messages"


def extract(domain: str) -> Catalog:
    """All translatable messages of one domain, as a template catalog."""
    template = Catalog(project="Dari", fuzzy=False)
    for top in SOURCE_DIRS:
        base = ROOT / top
        if not base.is_dir():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            str(base), method_map=METHOD_MAP, options_map=OPTIONS_MAP, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            relpath = f"{top}/{filename}"
            if domain_of(relpath) != domain:
                continue
            template.add(message, None, [(relpath, lineno)], auto_comments=comments, context=context)
    for spec in DATA_FILES:
        if domain_of(spec.path) != domain:
            continue
        with (ROOT / spec.path).open(encoding="utf-8") as fh:
            data = json.load(fh)
        # ``#``, not ``:``: a .po reader takes what follows a colon for a line number and
        # drops the location when it is not one.
        for path, text in file_texts(data, spec):
            template.add(text, None, [(f"{spec.path}#{path}", None)])
    return template


def po_path(locale: str, domain: str) -> Path:
    return TRANSLATIONS_DIR / to_babel(locale) / "LC_MESSAGES" / f"{domain}.po"


def load(locale: str, domain: str) -> Catalog:
    path = po_path(locale, domain)
    if not path.exists():
        return Catalog(locale=to_babel(locale), domain=domain, project="Dari")
    with path.open("rb") as fh:
        return read_po(fh, locale=to_babel(locale), domain=domain)


def _fingerprint(catalog: Catalog) -> list:
    return sorted((str(m.id), str(m.string), sorted(m.flags), sorted(m.locations)) for m in catalog if m.id)


def update() -> None:
    """Merge the code's msgids into every .po (new ones empty, English filled from the msgid)."""
    for domain in DOMAINS:
        template = extract(domain)
        for locale in LOCALES:
            catalog = load(locale, domain)
            before = _fingerprint(catalog)
            # A copy per locale: Catalog.update adopts the template's Message objects, and
            # filling English below must not leak into the locales after it.
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
            catalog.obsolete.clear()
            if locale == "en":
                for message in catalog:
                    if message.id and not message.string:
                        message.string = message.id
            path = po_path(locale, domain)
            if path.exists() and _fingerprint(catalog) == before:
                continue  # nothing but header dates would change
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=0, omit_header=False, sort_output=True)


def missing() -> dict[tuple[str, str], list[str]]:
    """``{(locale, domain): [msgid, …]}`` for every message used in code but not translated."""
    result: dict[tuple[str, str], list[str]] = {}
    for domain in DOMAINS:
        template = extract(domain)
        for locale in LOCALES:
            catalog = load(locale, domain)
            gaps = []
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id)
                strings = found.string if found else None
                if isinstance(strings, (tuple, list)):
                    ok = all(strings)
                else:
                    ok = bool(strings)
                copied = (locale != "en" and found is not None and found.string == found.id
                          and found.id not in SAME_IN_EVERY_LOCALE and _has_words(str(found.id)))
                if not found or not ok or found.fuzzy or copied:
                    gaps.append(message.id if isinstance(message.id, str) else message.id[0])
            if gaps:
                result[(locale, domain)] = gaps
    return result


def compile_all() -> int:
    """Write a .mo beside every .po; returns how many were written."""
    count = 0
    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po"):
        locale = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        count += 1
    return count


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "update":
        update()
        return 0
    if command == "check":
        gaps = missing()
        for (locale, domain), ids in sorted(gaps.items()):
            for msgid in ids:
                print(f"{locale}/{domain}: {msgid}")
        return 1 if gaps else 0
    if command == "compile":
        print(f"compiled {compile_all()} catalogs")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
