"""Flask side of i18n: Flask-Babel set-up, locale negotiation, ``Content-Language``.

Negotiation order (SPEC §2): ``?lang=`` → ``Accept-Language`` → the market's
default locale (``set_market_locale``, called by the store when the request
names a market) → English.
"""
from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, get_locale, refresh

from . import (
    BASE_DOMAIN,
    FALLBACK_LOCALE,
    TRANSLATIONS_DIR,
    normalize_locale,
    parse_accept_language,
    to_tag,
    validation_messages,
)

babel = Babel()
# Where the store puts the default locale of the market a request names.
MARKET_LOCALE_KEY = "dari.market_default_locale"


def set_market_locale(locale: str) -> None:
    request.environ[MARKET_LOCALE_KEY] = locale


def negotiate_locale() -> str:
    if request.args.get("lang"):
        locale = normalize_locale(request.args["lang"])
        if locale:
            return locale
    accepted = parse_accept_language(request.headers.get("Accept-Language"))
    if accepted:
        return accepted[0]
    return request.environ.get(MARKET_LOCALE_KEY) or FALLBACK_LOCALE


def served_locale() -> str:
    """The locale tag this request is served in (``zh-Hant``), or English outside requests."""
    locale = get_locale()
    return to_tag(str(locale)) if locale else FALLBACK_LOCALE


def money_json(value, locale: str | None = None) -> dict | None:
    """A ``Money`` as the API writes it (amount, currency, formatted in the served locale), or None."""
    return value.to_dict(locale or served_locale()) if value is not None else None


def _select_babel_locale() -> str:
    return negotiate_locale().replace("-", "_")


_DOMAINS_KEY = "dari.message_domains"


def add_domain(app: Flask, domain: str) -> None:
    """A package's gettext domain (its ``MESSAGE_DOMAIN``), merged with the others; before ``init_app``."""
    if "babel" in app.extensions:
        raise RuntimeError(f"message domain {domain!r} added after Flask-Babel was set up")
    domains = app.extensions.setdefault(_DOMAINS_KEY, [BASE_DOMAIN])
    if domain not in domains:
        domains.append(domain)


def init_app(app: Flask) -> None:
    """Flask-Babel over every domain the packages added (``add_domain``), then the negotiation hooks."""
    domains = app.extensions.setdefault(_DOMAINS_KEY, [BASE_DOMAIN])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join([str(TRANSLATIONS_DIR)] * len(domains)))
    app.config.setdefault("BABEL_DOMAIN", ";".join(domains))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", FALLBACK_LOCALE)
    babel.init_app(app, locale_selector=_select_babel_locale)
    validation_messages.install()

    @app.before_request
    def _fresh_locale():
        # Flask-Babel caches the locale on the app context, which a request may share with
        # an enclosing context (CLI, tests): negotiate afresh for every request.
        refresh()

    @app.after_request
    def _content_language(response):
        response.headers["Content-Language"] = served_locale()
        # A header set, so a view that already names Accept-Language does not repeat it.
        response.vary.add("Accept-Language")
        return response
