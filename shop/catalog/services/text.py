"""Listing text: HTML sanitising, search text, slugs."""
from __future__ import annotations

import html
import re
import secrets
import unicodedata

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4",
                "blockquote", "a", "img", "span", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def sanitize_html(value: str | None) -> str | None:
    """Keep formatting; drop scripts, event handlers, styles and javascript: links (nh3)."""
    if value is None:
        return None
    return nh3.clean(value, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def plain_text(value: str | None) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    if not value:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


def search_text(*parts: str | None) -> str:
    """What storefront search matches: NFKC-normalised, lower-cased text of the given parts."""
    text = " ".join(plain_text(p) for p in parts if p)
    return unicodedata.normalize("NFKC", text).lower()


def normalize_query(q: str) -> str:
    return unicodedata.normalize("NFKC", q).strip().lower()


def slugify(*parts: str | None) -> str:
    """An ASCII slug from the given parts plus a random suffix (Korean names give only the suffix)."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")
    suffix = secrets.token_hex(3)
    return f"{base}-{suffix}" if base else f"p-{suffix}"
