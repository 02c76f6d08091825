"""Languages of Dari: supported locales, negotiation, money formatting, text fallback.

The API speaks the locale tags of SPEC §2 (``zh-Hans``); Babel and the gettext
catalogs use underscores (``zh_Hans``). ``to_babel`` / ``to_tag`` convert.
"""
from __future__ import annotations

from pathlib import Path

LOCALES: tuple[str, ...] = ("ko", "en", "ja", "zh-Hans", "zh-Hant", "vi", "de", "fr")
SOURCE_LOCALE = "ko"
FALLBACK_LOCALE = "en"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
# Each package keeps its messages in its own gettext domain so the catalogs of separate
# features never collide; Flask-Babel merges them at lookup. ``messages`` is the shared one;
# packages add theirs (``i18n.web.add_domain`` from their ``init_app``).
BASE_DOMAIN = "messages"

_REGION_ALIASES = {
    # Chinese arrives as a region far more often than as a script.
    "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans", "zh-hans": "zh-Hans",
    "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "zh-hant": "zh-Hant",
    "zh": "zh-Hans",
}


def to_babel(tag: str) -> str:
    return tag.replace("-", "_")


def to_tag(babel_name: str) -> str:
    return babel_name.replace("_", "-")


def normalize_locale(value: str | None) -> str | None:
    """Map a language tag (``de-AT``, ``zh-TW``, ``zh_Hant``) to a supported locale, or None."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    low = tag.lower()
    for locale in LOCALES:
        if low == locale.lower():
            return locale
    parts = low.split("-")
    for n in range(len(parts), 0, -1):
        alias = _REGION_ALIASES.get("-".join(parts[:n]))
        if alias:
            return alias
    if parts[0] != "zh":
        for locale in LOCALES:
            if parts[0] == locale.lower():
                return locale
    return None


def parse_accept_language(header: str | None) -> list[str]:
    """Supported locales from an Accept-Language header, best first."""
    if not header:
        return []
    weighted = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        lang, _, params = piece.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, val = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        locale = normalize_locale(lang)
        if locale and q > 0:
            weighted.append((-q, index, locale))
    seen: list[str] = []
    for _, _, locale in sorted(weighted):
        if locale not in seen:
            seen.append(locale)
    return seen


def fallback_chain(requested: str, market_default: str | None = None) -> list[str]:
    """Listing text fallback of SPEC §2: requested → market default → en → ko."""
    chain: list[str] = []
    for locale in (requested, market_default, FALLBACK_LOCALE, SOURCE_LOCALE):
        if locale and locale not in chain:
            chain.append(locale)
    return chain


def pick_translation(texts: dict, requested: str, market_default: str | None = None):
    """Return ``(locale, value)`` for the first locale in the fallback chain present in ``texts``."""
    for locale in fallback_chain(requested, market_default):
        if texts.get(locale):
            return locale, texts[locale]
    return None, None
