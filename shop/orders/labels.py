"""Words for the breakdown lines of a quote or order, translated in the served locale."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

TAX_NAMES = {
    "VAT": _l("VAT"),
    "GST": _l("GST"),
    "GST/HST": _l("GST/HST"),
    "consumption tax": _l("Consumption tax"),
    "business tax": _l("Business tax"),
}
INCOTERMS = {
    "DDP": _l("Duties and taxes are charged now; nothing more is due on delivery."),
    "DAP": _l("Duties and taxes are an estimate, payable to the carrier on delivery."),
}
REFUSALS = {
    "country_not_served": _l("Not available to this country."),
    "too_heavy": _l("The parcel is too heavy for this service."),
    "too_long": _l("The parcel is too long for this service."),
    "too_large": _l("The parcel is too large for this service."),
    "not_offered": _l("Not offered for this parcel."),
}


def charge_label(kind: str, code: str, params: dict | None = None) -> str:
    params = params or {}
    if kind == "shipping":
        return gettext("Shipping: %(service)s", service=params.get("name") or code)
    if code == "duty_ad_valorem":
        if params.get("chapter"):
            return gettext("Import duty (HS chapter %(chapter)s)", chapter=params["chapter"])
        return gettext("Import duty")
    if code == "duty_flat_item_category":
        return gettext("Flat import duty per item category (%(count)s)", count=params.get("categories", 1))
    if code == "duty_cross_border_retail":
        return gettext("Import duty (cross-border e-commerce retail)")
    if kind == "tax":
        name = TAX_NAMES.get(params.get("name") or "")
        name = str(name) if name else gettext("Import tax")
        if params.get("scheme"):
            return gettext("%(tax)s collected at checkout (%(scheme)s)", tax=name, scheme=params["scheme"])
        return name
    if code.endswith("_LOW_VALUE_FEE"):
        return gettext("National fee on low-value imports")
    return gettext("Import surcharge (%(name)s)", name=params.get("name") or code)


def incoterm_note(incoterm: str | None) -> str | None:
    return str(INCOTERMS[incoterm]) if incoterm in INCOTERMS else None


def refusal_text(reason: str | None) -> str | None:
    return str(REFUSALS[reason]) if reason in REFUSALS else None
