"""Prepaid return labels: ops issue one for a return the seller or the mall pays; the buyer prints it.

One label per case (a unique key on ``return_labels.case_id``; the same ``Idempotency-Key``
answers the label it made). The label itself comes from ``fulfillment.carriers.labels``
with plain data: the buyer's address as sender, the case's destination as receiver, the
boxes, the return number, and the label's words in the buyer's language. Its cost is
booked to whoever bears the return (``costs.bearer``), split across the case's sellers.

Only a carrier that makes labels locally is served (no network I/O, so it is done inside
the transaction); a carrier with a booking API would book from a job after commit, which
is not built: such a carrier is refused before anything is written.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from fulfillment.carriers.base import Carrier, PackageSpec, Party
from fulfillment.carriers.labels import LabelNeedsBooking, ReturnLabelRequest, issue_return_label
from shop.core.db import utcnow
from shop.orders.models import Order, OrderLine

from .costs import book_split
from .errors import (
    ReturnLabelBuyerPays,
    ReturnLabelCarrierUnsupported,
    ReturnLabelExists,
    ReturnLabelNotFound,
    ReturnLabelNotNow,
)
from .mail import notify
from .models import ReturnCase, ReturnLabel
from .services import get_case


def _party(address: dict | None, *, name: str | None, country: str | None = None) -> Party:
    address = address or {}
    return Party(name=name or address.get("name") or "", line1=address.get("line1") or "",
                 line2=address.get("line2"), city=address.get("city") or "", region=address.get("region"),
                 postal_code=address.get("postal_code"), country=address.get("country") or country or "",
                 phone=address.get("phone"))


def _packages(session: Session, case: ReturnCase, packages: list[dict] | None) -> tuple[PackageSpec, ...]:
    if packages:
        return tuple(PackageSpec(weight_g=p["weight_g"], length_mm=p.get("length_mm", 0),
                                 width_mm=p.get("width_mm", 0), height_mm=p.get("height_mm", 0)) for p in packages)
    # One box weighing what the order said the returned units weigh.
    grams = sum((session.get(OrderLine, line.order_line_id).weight_g or 0) * line.quantity for line in case.lines)
    return (PackageSpec(weight_g=grams, length_mm=0, width_mm=0, height_mm=0),)


def issue_label(session: Session, case_id: str, *, carrier: Carrier, cost_minor: int,
                words: Callable[[str], dict[str, str]], packages: list[dict] | None = None,
                idempotency_key: str | None = None, by: str | None = None,
                now: datetime | None = None) -> tuple[ReturnCase, bool]:
    """Issue the case's prepaid return label and book its cost; ``(case, created)``.

    ``words(locale)`` gives the label's words in the buyer's language. Raises
    ``ReturnLabelExists`` for a second label (unless ``idempotency_key`` is the first one's),
    ``ReturnLabelBuyerPays`` when the buyer pays the return, ``ReturnLabelNotNow`` unless the
    case is approved, ``ReturnLabelCarrierUnsupported`` for a carrier that books through an API.
    Flushes; the caller commits.
    """
    case = get_case(session, case_id, lock=True)
    if case.label is not None:
        if idempotency_key and case.label.idempotency_key == idempotency_key:
            return case, False
        raise ReturnLabelExists()
    if case.return_shipping_payer != "seller":
        raise ReturnLabelBuyerPays()
    if case.status != "approved" or not case.destination:
        raise ReturnLabelNotNow()
    order = session.get(Order, case.order_id)
    target = case.destination
    request = ReturnLabelRequest(
        reference=case.number,
        sender=_party(order.shipping_address, name=(order.shipping_address or {}).get("name") or order.email),
        receiver=_party(target.get("address"), name=target.get("name"), country=target.get("country")),
        packages=_packages(session, case, packages), words=words(case.locale), locale=case.locale)
    try:
        issued = issue_return_label(carrier, request)
    except LabelNeedsBooking:
        raise ReturnLabelCarrierUnsupported() from None
    case.label = ReturnLabel(
        carrier=issued.carrier, tracking_number=issued.tracking_number, pdf=issued.pdf,
        packages=[vars(p) for p in request.packages], cost_minor=cost_minor, currency=case.currency,
        idempotency_key=idempotency_key, issued_by=by, issued_at=now or utcnow())
    book_split(session, case, "return_label", cost_minor)
    session.flush()
    notify(session, case, order, "label")
    return case, True


def label_pdf(session: Session, case: ReturnCase) -> tuple[str, bytes]:
    """The label's file name and PDF bytes; ``ReturnLabelNotFound`` when the case has none."""
    if case.label is None:
        raise ReturnLabelNotFound()
    return f"return-label-{case.number}.pdf", case.label.pdf
