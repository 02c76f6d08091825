"""The order confirmation e-mail, in the buyer's locale (sent through ``shop.mail``)."""
from __future__ import annotations

from email.message import EmailMessage

from flask_babel import force_locale, gettext

from i18n import to_babel
from i18n.money import Money

from .models import Order


def render_confirmation(order: Order) -> tuple[str, str]:
    """``(subject, body)`` in the order's locale."""
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
        return subject, "\n".join(lines) + "\n"


def confirmation_message(order: Order) -> EmailMessage:
    """The confirmation of ``order``, ready for ``shop.mail.send``."""
    from shop.mail import compose

    subject, body = render_confirmation(order)
    return compose(to=order.email, subject=subject, body=body, locale=order.locale)
