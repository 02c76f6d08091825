"""The order confirmation e-mail, in the buyer's locale (sent through ``shop.mail``)."""
from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale, gettext

from i18n import to_babel
from i18n.money import Money

from .models import Order
from .services import access_token


def order_link(order: Order, *, storefront_url: str | None, secret_key: str) -> str | None:
    """The storefront's page of ``order`` (``<STOREFRONT_URL>/orders/<id>``), None without a storefront URL.

    A guest's order carries its access token in the fragment (``#token=…``): browsers never
    send a fragment to any server, so the token stays out of access logs and ``Referer``
    headers; the storefront reads it and sends it as ``X-Order-Token``. An account's order
    gets no token: its owner signs in.
    """
    if not storefront_url:
        return None
    link = f"{storefront_url.rstrip('/')}/orders/{quote(order.id, safe='')}"
    if order.user_id is None:
        link += f"#token={access_token(order.id, secret_key)}"
    return link


def render_confirmation(order: Order, *, link: str | None = None) -> tuple[str, str]:
    """``(subject, body)`` in the order's locale; ``link`` (``order_link``), when given, ends the body."""
    with force_locale(to_babel(order.locale)):
        def fmt(amount: int) -> str:
            return Money(amount, order.currency).format(order.locale)

        subject = gettext("Your Dari order %(number)s is confirmed", number=order.number)
        lines = [gettext("Thank you for your order!"), "",
                 gettext("Order number: %(number)s", number=order.number), ""]
        for line in order.lines:
            lines.append(gettext("%(name)s × %(quantity)s: %(amount)s", name=line.name, quantity=line.quantity,
                                 amount=fmt(line.line_total_minor)))
        lines += ["", gettext("Subtotal: %(amount)s", amount=fmt(order.subtotal_minor)),
                  gettext("Shipping (%(service)s): %(amount)s", service=order.shipping_name,
                          amount=fmt(order.shipping_minor))]
        if order.duties_minor:
            lines.append(gettext("Import duties: %(amount)s", amount=fmt(order.duties_minor)))
        if order.taxes_minor:
            lines.append(gettext("Import taxes: %(amount)s", amount=fmt(order.taxes_minor)))
        lines.append(gettext("Total paid: %(amount)s", amount=fmt(order.total_minor)))
        if order.due_on_delivery_minor:
            lines.append(gettext("Estimated duties and taxes payable on delivery: %(amount)s",
                                 amount=fmt(order.due_on_delivery_minor)))
        elif order.incoterm == "DDP":
            lines.append(gettext("Duties and taxes are paid: nothing more is due on delivery."))
        address = order.shipping_address or {}
        lines += ["", gettext("Ship to:"), address.get("name", ""), address.get("line1", "")]
        if address.get("line2"):
            lines.append(address["line2"])
        lines.append(" ".join(p for p in (address.get("postal_code"), address.get("city"),
                                           address.get("region"), address.get("country")) if p))
        if order.transit_days:
            lines += ["", gettext("Estimated delivery: %(min)s to %(max)s business days after dispatch.",
                                  min=order.transit_days[0], max=order.transit_days[1])]
        if link:
            lines += ["", gettext("See your order and follow its delivery:"), link]
        return subject, "\n".join(lines) + "\n"


def confirmation_message(order: Order) -> EmailMessage:
    """The confirmation of ``order``, ready for ``shop.mail.send``."""
    from shop.mail import compose

    link = order_link(order, storefront_url=current_app.config.get("STOREFRONT_URL"),
                      secret_key=current_app.config["SECRET_KEY"])
    subject, body = render_confirmation(order, link=link)
    return compose(to=order.email, subject=subject, body=body, locale=order.locale)
