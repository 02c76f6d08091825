"""Flask side of i18n: Flask-Babel set-up, locale negotiation, ``Content-Language``.

Negotiation order (SPEC §2): ``?lang=`` → ``Accept-Language`` → the signed-in
user's profile locale (``set_user_locale``, called by the app when a bearer token
names a user) → the market's default locale (``set_market_locale``, called by the
store when the request names a market) → English.
"""
from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, Domain, get_locale, refresh

from . import (
    BASE_DOMAIN,
    FALLBACK_LOCALE,
    TRANSLATIONS_DIR,
    normalize_locale,
    parse_accept_language,
    to_tag,
    validation_messages,
)
from .korean import resolve_particles

babel = Babel()


class _Domain(Domain):
    """Flask-Babel's message domain, with Korean particles settled once a message is formatted
    (``korean.resolve_particles``: ``%(sku)s은(는)`` becomes ``SKU-1은`` or ``…는``)."""

    def gettext(self, string, **variables):
        return resolve_particles(super().gettext(string, **variables))

    def ngettext(self, singular, plural, num, **variables):
        return resolve_particles(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context, string, **variables):
        return resolve_particles(super().pgettext(context, string, **variables))

    def npgettext(self, context, singular, plural, num, **variables):
        return resolve_particles(super().npgettext(context, singular, plural, num, **variables))
# Where the store puts the default locale of the market a request names.
MARKET_LOCALE_KEY = "dari.market_default_locale"


# Where the app puts the signed-in user's profile locale.
USER_LOCALE_KEY = "dari.user_locale"


def set_market_locale(locale: str) -> None:
    request.environ[MARKET_LOCALE_KEY] = locale


def set_user_locale(locale: str | None) -> None:
    request.environ[USER_LOCALE_KEY] = normalize_locale(locale)


def asked_locale() -> str | None:
    """The locale the request asks for itself (``?lang=``, then ``Accept-Language``), else None."""
    if request.args.get("lang"):
        locale = normalize_locale(request.args["lang"])
        if locale:
            return locale
    accepted = parse_accept_language(request.headers.get("Accept-Language"))
    return accepted[0] if accepted else None


def buyer_locale(market_default: str | None = None) -> str:
    """The locale a buyer's record (a cart, and so its order) is opened in: what the request asks
    for, else the signed-in user's profile locale, else ``market_default``, else English."""
    return (asked_locale() or request.environ.get(USER_LOCALE_KEY) or market_default
            or request.environ.get(MARKET_LOCALE_KEY) or FALLBACK_LOCALE)


def negotiate_locale() -> str:
    return buyer_locale()


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
    babel.domain_instance = _Domain(domain=app.config["BABEL_DOMAIN"])
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
