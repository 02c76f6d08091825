"""Orders as JSON-ready dicts (money formatted in the served locale).

Later packages add sections to the detailed view of an order (payments its payment,
fulfilment its parcels) with ``register_section`` from their ``init_app``, so that
orders never imports them.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

from i18n.money import Money
from i18n.web import served_locale

from .labels import charge_label, incoterm_note
from .return_terms import acknowledged_view

_SECTIONS = "dari.order_sections"


def register_section(app: Flask, name: str, build: Callable) -> None:
    """``build(session, order) -> dict | None`` fills ``name`` in an order's detailed view."""
    app.extensions.setdefault(_SECTIONS, {})[name] = build


def order_view(order, *, seller_id: str | None = None, session=None) -> dict:
    """The order; for a seller only its own lines and no buyer-wide totals or charges.

    With ``session`` (the detailed view of one order) the registered sections are added.
    """
    locale = served_locale()

    def money(amount):
        return Money(int(amount), order.currency).to_dict(locale)

    lines = [ln for ln in order.lines if seller_id is None or ln.seller_id == seller_id]
    view = {
        "id": order.id, "number": order.number, "status": order.status, "market": order.market_code,
        "currency": order.currency, "locale": order.locale, "created_at": order.created_at,
        "paid_at": order.paid_at, "canceled_at": order.canceled_at, "cancel_reason": order.cancel_reason,
        "shipped_at": order.shipped_at, "delivered_at": order.delivered_at, "completed_at": order.completed_at,
        "shipping_address": order.shipping_address,
        "shipping": {"service": order.shipping_service, "carrier": order.shipping_carrier, "name": order.shipping_name,
                     "chargeable_weight_g": order.chargeable_weight_g,
                     "transit_days": {"min": order.transit_days[0], "max": order.transit_days[1]}
                     if order.transit_days else None},
        "lines": [{
            "id": ln.id, "variant_id": ln.variant_id, "product_id": ln.product_id, "seller_id": ln.seller_id,
            "sku": ln.sku, "name": ln.name, "options": ln.options, "quantity": ln.quantity,
            "unit_price": money(ln.unit_price_minor), "total": money(ln.line_total_minor),
            "hs_code": ln.hs_code, "origin_country": ln.origin_country,
            "return_acknowledgement": ln.return_acknowledgement,
            "return_exclusions": acknowledged_view(ln.return_acknowledgement),
        } for ln in lines],
    }
    if seller_id is not None:
        view["seller_total"] = money(sum(ln.line_total_minor for ln in lines))
        return view
    view.update({
        "email": order.email, "incoterm": order.incoterm, "incoterm_note": incoterm_note(order.incoterm),
        "tax_scheme": order.tax_scheme, "fx_rate": order.fx_rate, "expires_at": order.expires_at,
        "subtotal": money(order.subtotal_minor), "shipping_total": money(order.shipping_minor),
        "duties": money(order.duties_minor), "taxes": money(order.taxes_minor), "total": money(order.total_minor),
        "due_on_delivery": money(order.due_on_delivery_minor),
        "breakdown": [{"kind": c.kind, "code": c.code, "label": charge_label(c.kind, c.code, c.params),
                       "amount": money(c.amount_minor), "collected": c.collected, "rate": c.rate}
                      for c in order.charges],
    })
    if session is not None:
        for name, build in current_app.extensions.get(_SECTIONS, {}).items():
            section = build(session, order)
            if section is not None:
                view[name] = section
    return view
