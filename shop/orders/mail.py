"""The order confirmation e-mail: what its templates (``templates/mail/order_confirmed.*``) are given."""
from __future__ import annotations

from urllib.parse import quote

from .models import Order
from .services import access_token

CONFIRMATION = "order_confirmed"
_ADDRESS_FIELDS = ("name", "line1", "line2", "postal_code", "city", "region", "country")


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


def confirmation_context(order: Order, *, storefront_url: str | None, secret_key: str) -> dict:
    """The confirmation's template variables, JSON only: amounts in minor units with ``currency``.

    ``link`` is ``order_link`` (None without a storefront URL); every address field is present
    (empty when the address has none).
    """
    address = order.shipping_address or {}
    return {
        "number": order.number,
        "currency": order.currency,
        "lines": [{"name": line.name, "quantity": line.quantity, "total_minor": line.line_total_minor}
                  for line in order.lines],
        "subtotal_minor": order.subtotal_minor,
        "shipping_name": order.shipping_name,
        "shipping_minor": order.shipping_minor,
        "duties_minor": order.duties_minor,
        "taxes_minor": order.taxes_minor,
        "total_minor": order.total_minor,
        "due_on_delivery_minor": order.due_on_delivery_minor,
        "incoterm": order.incoterm,
        "address": {field: address.get(field) or "" for field in _ADDRESS_FIELDS},
        "transit_days": list(order.transit_days) if order.transit_days else None,
        "link": order_link(order, storefront_url=storefront_url, secret_key=secret_key),
    }
