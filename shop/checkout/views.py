"""Quote and cart as JSON-ready dicts (money formatted in the served locale)."""
from __future__ import annotations

from i18n.web import money_json, served_locale
from shop.orders.labels import charge_label, incoterm_note, refusal_text

from .services.quote import Quote


def quote_view(quote: Quote) -> dict:
    locale = served_locale()
    breakdown = []
    option = quote.shipping_option
    if option is not None:
        breakdown.append({"kind": "shipping", "code": option.service, "collected": "now", "rate": None,
                          "label": charge_label("shipping", option.service, {"name": option.name}),
                          "amount": option.amount.to_dict(locale)})
    for charge in (quote.landed.charges if quote.landed else ()):
        breakdown.append({"kind": charge.kind, "code": charge.code, "collected": charge.collected,
                          "rate": charge.rate, "label": charge_label(charge.kind, charge.code, charge.params),
                          "amount": charge.amount.to_dict(locale)})
    return {
        "currency": quote.currency,
        "country": quote.country,
        "subtotal": money_json(quote.subtotal, locale),
        "shipping": money_json(quote.shipping, locale),
        "duties": money_json(quote.duties, locale),
        "taxes": money_json(quote.taxes, locale),
        "total": money_json(quote.total, locale),
        "due_on_delivery": money_json(quote.due_on_delivery, locale),
        "incoterm": quote.incoterm,
        "incoterm_note": incoterm_note(quote.incoterm),
        "tax_scheme": quote.landed.scheme if quote.landed else None,
        "shipping_options": [{
            "service": o.service, "carrier": o.carrier, "name": o.name, "amount": o.amount.to_dict(locale),
            "chargeable_weight_g": o.chargeable_weight_g,
            "transit_days": {"min": o.transit_days[0], "max": o.transit_days[1]} if o.transit_days else None,
            "selected": quote.selected is not None and quote.selected.service == o.service,
        } for o in quote.options],
        "unavailable_shipping": [{"service": s, "reason": r, "text": refusal_text(r)}
                                 for s, r in sorted(quote.refusals.items())],
        "breakdown": breakdown,
        "missing": quote.missing,
        "fx_rate": str(quote.fx_rate),
    }


def cart_view(quote: Quote) -> dict:
    locale = served_locale()
    cart = quote.cart
    return {
        "id": cart.id, "market": cart.market_code, "currency": cart.currency, "locale": cart.locale,
        "email": cart.email, "status": cart.status, "order_id": cart.order_id,
        "shipping_address": cart.shipping_address, "shipping_service": cart.shipping_service,
        "lines": [{
            "id": ln.line_id, "variant_id": ln.variant_id, "product_id": ln.product_id, "sku": ln.sku,
            "name": ln.name, "options": ln.options, "quantity": ln.quantity,
            "unit_price": money_json(ln.unit_price, locale), "total": money_json(ln.total, locale),
            "purchasable": ln.purchasable, "reasons": ln.reasons,
            "return_exclusions": [{"code": e.code, "when": e.when, "text": e.text, "sources": list(e.sources)}
                                  for e in ln.return_exclusions],
            "return_acknowledgement": ln.return_acknowledgement,
        } for ln in quote.lines],
        "quote": quote_view(quote),
        "created_at": cart.created_at,
    }
