"""Return cases as the API and the e-mails show them (reasons in words, in the reader's locale)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

import returns.policy as policy
from fulfillment.shipments.models import Shipment
from fulfillment.shipments.notices import carrier_display_name
from i18n import to_babel
from returns.policy import explain
from shop.orders.mail import order_link
from shop.orders.models import Order, OrderLine

from .models import ReturnCase
from .overdue import is_overdue


def _reasons(record: dict) -> list[dict]:
    return [explain.reason_view(policy.Reason(r["code"], tuple(r.get("sources") or ()), r.get("params") or {}))
            for r in record.get("reasons", ())]


def decision_view(record: dict) -> dict:
    """A stored line decision with its reasons in words (the current locale)."""
    view = {key: value for key, value in record.items() if key != "reasons"}
    view["reasons"] = _reasons(record)
    return view


def case_view(session: Session, case: ReturnCase, *, for_ops: bool = False) -> dict:
    lines = []
    decisions = case.decision.get("lines", {})
    for line in case.lines:
        order_line = session.get(OrderLine, line.order_line_id)
        lines.append({
            "id": line.id, "order_line_id": line.order_line_id, "sku": order_line.sku, "name": order_line.name,
            "seller_id": line.seller_id, "quantity": line.quantity, "received_quantity": line.received_quantity,
            "resellable_quantity": line.resellable_quantity, "damaged_quantity": line.damaged_quantity,
            "exchange_variant_id": line.exchange_variant_id,
            "unit_price_minor": order_line.unit_price_minor,
            "decision": decision_view(decisions[line.order_line_id]) if line.order_line_id in decisions else None})
    view = {
        "id": case.id, "number": case.number, "kind": case.kind, "order_id": case.order_id,
        "status": case.status, "reason": case.reason, "note": case.note, "photos": case.photos,
        "allowed_by_policy": case.allowed, "resolution": case.resolution,
        "return_shipping_payer": case.return_shipping_payer, "destination": case.destination,
        "instructions": instructions(case), "currency": case.currency, "refund_minor": case.refund_minor,
        "refund_due_on": case.refund_due_on.isoformat() if case.refund_due_on else None,
        "overdue": is_overdue(case), "market": case.market_code,
        "requested_at": case.requested_at, "decided_at": case.decided_at, "received_at": case.received_at,
        "inspected_at": case.inspected_at, "refunded_at": case.refunded_at, "closed_at": case.closed_at,
        "canceled_at": case.canceled_at, "rejection_note": case.rejection_note, "lines": lines,
        "repair": repair_view(session, case), "label": label_view(case),
    }
    if for_ops:
        view.update(override_by=case.override_by, override_reason=case.override_reason,
                    overdue_flagged_at=case.overdue_flagged_at)
    return view


def label_view(case: ReturnCase) -> dict | None:
    """The case's prepaid label as the API shows it (``url``: the buyer's download), or None."""
    if case.label is None:
        return None
    return {"tracking_number": case.label.tracking_number, "carrier": case.label.carrier,
            "url": f"/api/v1/store/orders/{case.order_id}/returns/{case.id}/label"}


def label_words(locale: str) -> dict[str, str]:
    """The words of the label PDF in ``locale`` (printed under the English the post office reads)."""
    from flask_babel import gettext as _
    with force_locale(to_babel(locale)):
        return {"title": _("Prepaid return"), "from": _("From"), "to": _("To"),
                "reference": _("Return number"), "tracking": _("Tracking number"), "weight": _("Weight"),
                "note": _("The return shipping is paid. Stick this label on the parcel and write the return "
                          "number on the box.")}


def instructions(case: ReturnCase) -> list[str]:
    """What the buyer does next, in the current locale (empty unless the case is approved)."""
    from flask_babel import gettext as _
    if case.status == "shipped_back" and case.repair:
        return [_("Your repaired item is on its way back to you at no cost.")]
    if case.status != "approved" or not case.destination:
        return []
    target = case.destination
    address = target.get("address") or {}
    where = ", ".join(str(part) for part in (target.get("name"), address.get("line1"), address.get("line2"),
                                             address.get("postal_code"), address.get("city"), target.get("country"))
                      if part)
    steps = [_("Pack the items in their original packaging if you still have it, with the return number %(number)s "
               "written on the parcel.", number=case.number),
             _("Send the parcel to: %(address)s.", address=where)]
    if case.resolution == "repair":
        steps.append(_("This address repairs your item and sends it back to you at no cost: include a note "
                       "describing the fault."))
    if case.label is not None:
        steps.append(_("Print the prepaid return label (tracking number %(tracking)s) and stick it on the parcel: "
                       "the return shipping is already paid.", tracking=case.label.tracking_number))
    elif case.return_shipping_payer == "seller" and case.kind == "warranty":
        steps.append(_("The seller pays the return shipping: keep the receipt, the cost is paid back to you."))
    elif case.return_shipping_payer == "seller":
        steps.append(_("The seller pays the return shipping: keep the receipt, it is refunded with your order."))
    else:
        steps.append(_("You pay the return shipping; a tracked service protects you if the parcel is lost."))
    if target.get("kind") == "overseas":
        steps.append(_("This address is our returns centre in your market, so the parcel does not leave your "
                       "country."))
    return steps


def mail_context(session: Session, case: ReturnCase, order: Order) -> dict:
    """The JSON context of a return e-mail, with the reasons and instructions in the buyer's locale."""
    with force_locale(to_babel(order.locale)):
        reasons, seen = [], set()
        for record in case.decision.get("lines", {}).values():
            for reason in _reasons(record):
                if reason["text"] not in seen:
                    seen.add(reason["text"])
                    reasons.append(reason["text"])
        steps = instructions(case)
        laws = explain.law_names(case.market_code, "warranty" if case.kind == "warranty" else "returns")
    return {"order_number": order.number, "return_number": case.number, "kind": case.kind,
            "reasons": reasons, "instructions": steps, "note": case.rejection_note,
            "items": [{"name": session.get(OrderLine, line.order_line_id).name, "quantity": line.quantity,
                       "received": line.received_quantity} for line in case.lines],
            "refund": {"amount_minor": case.refund_minor, "currency": case.currency} if case.refund_minor else None,
            "resolution": case.resolution, "parcel": repair_parcel(session, case), "laws": laws,
            "label": {"tracking_number": case.label.tracking_number, "carrier": case.label.carrier,
                      "carrier_name": carrier_display_name(case.label.carrier)} if case.label is not None else None,
            "order_link": order_link(order, storefront_url=current_app.config.get("STOREFRONT_URL"),
                                     secret_key=current_app.config["SECRET_KEY"]),
            "today": date.today().isoformat()}


def repair_view(session: Session, case: ReturnCase) -> dict | None:
    """The repair as the case view shows it: terms, dates and the parcel back with its tracking."""
    if case.repair is None:
        return None
    return {**case.repair, "due_on": _iso(case.repair_due_on), "started_at": _iso(case.repair_started_at),
            "repaired_at": _iso(case.repaired_at), "shipment": repair_parcel(session, case)}


def repair_parcel(session: Session, case: ReturnCase) -> dict | None:
    """The parcel taking the repaired item back, with its tracking number once booked (JSON-ready)."""
    parcel = session.get(Shipment, case.repair_shipment_id) if case.repair_shipment_id else None
    if parcel is None:
        return None
    return {"id": parcel.id, "number": parcel.number, "status": parcel.status, "carrier": parcel.carrier,
            "tracking_number": parcel.tracking_number, "delivered_at": _iso(parcel.delivered_at)}


def _iso(value) -> str | None:
    return value.isoformat() if value else None
