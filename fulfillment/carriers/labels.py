"""Prepaid return labels: a tracking number and a label PDF for a parcel going back.

Plain data in, plain data out (nothing here reads Flask, the database or returns): the
caller gives the parties, the boxes, its reference (the return number) and the words
in the buyer's language; ``issue_return_label`` answers the tracking number and the PDF.

Only carriers without an outside service (``ManualCarrier``) issue a label here: the
number and the PDF are made locally, with no network I/O, so a caller may do it inside
its transaction. A carrier with a real booking API books through its adapter from a job
(never with a transaction open); until one exists this raises ``LabelNeedsBooking``.
"""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field

from .base import Carrier, CarrierError, PackageSpec, Party
from .manual import ManualCarrier, s10_check_digit

# The headings a post office reads, always in English; the buyer's words go beside them.
ENGLISH = {"title": "PREPAID RETURN", "from": "From", "to": "To", "reference": "Return number",
           "tracking": "Tracking number", "weight": "Weight",
           "note": ("The return shipping is paid. Stick this label on the parcel and write the return number "
                    "on the box.")}


class LabelNeedsBooking(CarrierError):
    """The carrier books labels through its API: that goes through a job, not here."""


@dataclass(frozen=True)
class ReturnLabelRequest:
    """What a return label shows: who sends (the buyer), who receives, the boxes and the return number.

    ``words`` overrides ``ENGLISH`` keys with the buyer's language (printed under the English).
    """

    reference: str
    sender: Party
    receiver: Party
    packages: tuple[PackageSpec, ...]
    words: dict[str, str] = field(default_factory=dict)
    locale: str = "en"  # the buyer's: picks the CID font of its Han characters and kana


@dataclass(frozen=True)
class IssuedLabel:
    carrier: str
    tracking_number: str
    pdf: bytes


def new_tracking_number(carrier: ManualCarrier) -> str:
    """A fresh number in the carrier's format: S10 ``RR…KR`` with its check digit, 10 digits, or ``RL`` + 14 digits."""
    number_format = carrier.info.number_format
    if number_format == "s10":
        serial = f"{secrets.randbelow(10**8):08d}"
        number = f"RR{serial}{s10_check_digit(serial)}KR"
    elif number_format == "digits10":
        number = f"{secrets.randbelow(10**10):010d}"
    else:
        number = f"RL{secrets.randbelow(10**14):014d}"
    return carrier.normalize_tracking_number(number)


def issue_return_label(carrier: Carrier, request: ReturnLabelRequest) -> IssuedLabel:
    """Issue a prepaid return label locally (no network I/O); ``LabelNeedsBooking`` for a carrier with an API."""
    if not isinstance(carrier, ManualCarrier):
        raise LabelNeedsBooking(f"{carrier.code}: return labels are booked through the carrier's API")
    number = new_tracking_number(carrier)
    return IssuedLabel(carrier=carrier.code, tracking_number=number,
                       pdf=label_pdf(request, tracking_number=number, carrier_name=carrier.name))


def _address(party: Party) -> list[str]:
    lines = [party.name, party.line1, party.line2,
             " ".join(p for p in (party.postal_code, party.city, party.region) if p), party.country, party.phone]
    return [line for line in lines if line]


def label_pdf(request: ReturnLabelRequest, *, tracking_number: str, carrier_name: str) -> bytes:
    """The label as PDF bytes: a 100 × 150 mm page (the common parcel label size)."""
    from reportlab.graphics.barcode import code128
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from fulfillment.pdf import LATIN_BOLD, LATIN_FONT, pdf_fonts

    fonts = pdf_fonts()  # embedded: Hangul, kana and Han, Vietnamese (the buyer's words, the addresses)

    def markup(text: str) -> str:
        return fonts.markup(text, request.locale)
    base = ParagraphStyle("label", fontName=LATIN_FONT, fontSize=9, leading=11.5)
    title = ParagraphStyle("label-title", parent=base, fontName=LATIN_BOLD, fontSize=12, leading=15, spaceAfter=4)

    def heading(key: str) -> str:
        local = request.words.get(key)
        text = markup(ENGLISH[key])
        same = not local or local.casefold() == ENGLISH[key].casefold()
        return f"<b>{text}</b>" + ("" if same else f" / {markup(local)}")

    def block(key: str, lines: list[str]) -> list:
        return [Paragraph(heading(key), base), *(Paragraph(markup(line), base) for line in lines)]

    grams = sum(p.weight_g for p in request.packages)
    story = [Paragraph(heading("title") + f" — {markup(carrier_name)}", title),
             Table([[block("from", _address(request.sender))], [block("to", _address(request.receiver))]],
                   colWidths=[88 * mm], style=TableStyle([("BOX", (0, 0), (-1, -1), 0.8, "black"),
                                                          ("LINEBELOW", (0, 0), (-1, 0), 0.8, "black"),
                                                          ("VALIGN", (0, 0), (-1, -1), "TOP")])),
             Spacer(1, 3 * mm),
             Paragraph(f"{heading('tracking')}: <b>{markup(tracking_number)}</b>", base),
             code128.Code128(tracking_number, barHeight=14 * mm, barWidth=0.33 * mm),
             Spacer(1, 2 * mm),
             Paragraph(f"{heading('reference')}: <b>{markup(request.reference)}</b>", base)]
    if grams:
        story.append(Paragraph(f"{heading('weight')}: {grams // 1000}.{grams % 1000:03d} kg"
                               f" ({len(request.packages)})", base))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(heading("note"), base))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(100 * mm, 150 * mm), leftMargin=6 * mm, rightMargin=6 * mm,
                      topMargin=6 * mm, bottomMargin=6 * mm, title=f"Return label {request.reference}",
                      invariant=1).build(story)
    return buffer.getvalue()
