"""Messages rendered from Jinja templates in the recipient's locale: a subject, a text and an HTML part.

A message ``order_confirmed`` is three templates in a folder its package registers
(``register_templates``): ``mail/order_confirmed.subject.txt``, ``mail/order_confirmed.txt`` and
``mail/order_confirmed.html`` (which extends ``mail/base.html``). They translate with
``{% trans %}`` / ``_()`` from the gettext domain of the package they live in, and format with
the filters ``money(currency)``, ``date`` and ``datetime`` in the message's locale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from babel.dates import format_date, format_datetime
from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from i18n import normalize_locale, to_babel
from i18n.korean import resolve_particles
from i18n.money import Money
from shop.core.mail import compose

_ENV_KEY = "dari.notifications"
PARTS = ("subject.txt", "txt", "html")
RESERVED = frozenset({"locale", "subject"})  # what render itself gives the templates
# What the catalogs' extractor (``i18n.catalogs``) must be told as well, so both read templates alike.
JINJA_EXTENSIONS = ("jinja2.ext.i18n",)
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Rendered:
    """A message in one locale: a one-line subject, the plain text and the HTML."""

    subject: str
    text: str
    html: str


def create_environment() -> Environment:
    """The Jinja environment of messages (one per app): HTML autoescaped, text kept as written.

    Undefined variables raise (a typo must not send an e-mail with a hole in it). Translations
    come from Flask-Babel's merged catalogs of the current (forced) locale; ``{% trans %}`` blocks
    are trimmed, so a message wrapped over lines has the same msgid as one written on one line.
    """
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES))]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        extensions=list(JINJA_EXTENSIONS),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # The raw lookups: Jinja's new-style gettext fills the placeholders itself (escaping them
    # in HTML); Flask-Babel's own ``ngettext`` would format once already and fail on them.
    env.install_gettext_callables(lambda message: get_translations().gettext(message),
                                  lambda singular, plural, n: get_translations().ngettext(singular, plural, n),
                                  newstyle=True)
    env.filters.update(money=_money, date=_date, datetime=_datetime)
    return env


def init_app(app: Flask) -> None:
    app.extensions[_ENV_KEY] = create_environment()


def _environment(app: Flask) -> Environment:
    try:
        return app.extensions[_ENV_KEY]
    except KeyError:
        raise RuntimeError("shop.core.notifications is not set up: list it in dari.app.PACKAGES before the "
                           "packages that register message templates") from None


def register_templates(app: Flask, folder: str | Path) -> None:
    """Add ``folder`` (holding ``mail/<message>.…``) to the templates messages are rendered from.

    Called from a package's ``init_app``. A template name belongs to one folder: a folder that
    brings a name another one already has raises ``ValueError``, as does a missing folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"no template folder {folder}")
    env = _environment(app)
    loader = FileSystemLoader(str(folder))
    clash = set(env.loader.list_templates()) & set(loader.list_templates())
    if clash:
        raise ValueError(f"templates {sorted(clash)} of {folder} are already registered by another package")
    env.loader.loaders.append(loader)


def require_template(template: str) -> None:
    """Raise ``jinja2.TemplateNotFound`` unless all three parts of message ``template`` exist."""
    env = _environment(current_app)
    for part in PARTS:
        env.get_template(f"mail/{template}.{part}")


def supported_locale(locale: str) -> str:
    """``locale`` as a supported locale tag (``zh_TW`` → ``zh-Hant``); ``ValueError`` if unsupported."""
    tag = normalize_locale(locale)
    if tag is None:
        raise ValueError(f"unsupported locale {locale!r}")
    return tag


def render(template: str, *, locale: str, context: dict) -> Rendered:
    """Message ``template`` rendered in ``locale`` with ``context`` (the templates' variables).

    Translated and formatted in ``locale`` only, whatever the request around is served in.
    The templates also see ``locale`` (the tag, for ``<html lang>``), and the text and HTML see
    ``subject`` (for ``<title>``): the context must not carry those. The subject is one line.
    Needs an app context. Raises ``ValueError`` (unsupported locale, a reserved name in the
    context), ``jinja2.TemplateNotFound`` and, for a variable the context lacks,
    ``jinja2.UndefinedError``.
    """
    tag = supported_locale(locale)
    reserved = RESERVED & context.keys()
    if reserved:
        raise ValueError(f"the context must not set {sorted(reserved)}: render sets them")
    env = _environment(current_app)
    with force_locale(to_babel(tag)):
        subject = " ".join(env.get_template(f"mail/{template}.subject.txt").render({**context, "locale": tag}).split())
        subject = resolve_particles(subject)
        variables = {**context, "locale": tag, "subject": subject}
        text, html = (resolve_particles(env.get_template(f"mail/{template}.{part}").render(variables))
                      for part in ("txt", "html"))
    return Rendered(subject=subject, text=text, html=html)


def message(template: str, *, to: str, locale: str, context: dict) -> EmailMessage:
    """Message ``template`` for ``to``: multipart/alternative (text, HTML), ``Content-Language: locale``.

    Ready for ``shop.core.mail.send``; raises what ``render`` raises.
    """
    rendered = render(template, locale=locale, context=context)
    return compose(to=to, subject=rendered.subject, body=rendered.text, html=rendered.html,
                   locale=supported_locale(locale))


@pass_context
def _money(context, amount_minor: int, currency: str) -> str:
    """``{{ total_minor|money(currency) }}``: minor units formatted in the message's locale."""
    return Money(amount_minor, currency).format(context["locale"])


def _as_datetime(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give times in UTC with their offset")
    return moment.astimezone(timezone.utc)


@pass_context
def _date(context, value: date | datetime | str, format: str = "long") -> str:
    """``{{ day|date }}``: a date (or the UTC day of a time), also as ISO 8601 text, in the message's locale."""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        value = _as_datetime(value).date()
    elif isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, format=format, locale=to_babel(context["locale"]))


@pass_context
def _datetime(context, value: datetime | str, format: str = "medium") -> str:
    """``{{ at|datetime }}``: an aware time (or ISO 8601 text with offset), in UTC, in the message's locale."""
    return format_datetime(_as_datetime(value), format=format, tzinfo=timezone.utc,
                           locale=to_babel(context["locale"]))
