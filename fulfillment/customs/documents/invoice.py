"""The commercial invoice and packing list of a shipment, as one PDF (reportlab platypus).

In English (customs papers), with Korean names alongside. Text outside Windows-1252
(Hangul, ``₩``, Vietnamese) is set in fonts embedded in the PDF (``fulfillment.pdf``:
WenQuanYi Zen Hei for Hangul and Han, DejaVu Sans for Latin with diacritics); everything
else in Helvetica. SKUs wrap at their separators, not inside a part.
"""
from __future__ import annotations

import io

import pycountry
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from i18n.money import Money

from ...pdf import LATIN_BOLD, LATIN_FONT, pdf_fonts
from ..errors import CustomsDataInvalid
from ..rules import ExportRules, IncotermTerms, export_rules
from .inputs import InvoiceData, Party, format_business_number

REASON_FOR_EXPORT = "Sale of goods (e-commerce)"
DECLARATION = ("I declare that the information on this invoice is true and correct, and that the goods "
               "are of the origin shown.")

_BASE = ParagraphStyle("customs", fontName=LATIN_FONT, fontSize=8.5, leading=10.5)
_SMALL = ParagraphStyle("customs-small", parent=_BASE, fontSize=7, leading=8.5, textColor=colors.HexColor("#444444"))
_RIGHT = ParagraphStyle("customs-right", parent=_BASE, alignment=TA_RIGHT)
_TITLE = ParagraphStyle("customs-title", parent=_BASE, fontName=LATIN_BOLD, fontSize=15, leading=19, spaceAfter=4)
_HEADING = ParagraphStyle("customs-heading", parent=_BASE, fontName=LATIN_BOLD, fontSize=9.5, leading=12,
                          spaceBefore=6, spaceAfter=2)
_GRID = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
         ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
# Column widths (mm) of the invoice's goods and the packing list's contents.
_ITEM_COLUMNS = (8, 62, 20, 13, 11, 23, 23, 20)
_CONTENT_COLUMNS = (8, 30, 72, 20, 13, 12, 25)
_HEAD_ROW = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]


def markup(text: str | None) -> str:
    """``text`` escaped for a Paragraph, with runs outside Windows-1252 in an embedded font."""
    return pdf_fonts().markup(text)


def _sku(sku: str, style: ParagraphStyle, width: float, prefix: str = "") -> Paragraph:
    """A SKU that may be longer than its cell, broken after ``-``, ``_`` or ``/`` (cell padding: 3 pt a side)."""
    return Paragraph(pdf_fonts().break_at_separators(prefix + sku, width - 6, style.fontSize), style)


def _p(text: str | None, style: ParagraphStyle = _BASE, *, bold: bool = False) -> Paragraph:
    body = markup(text)
    return Paragraph(f"<b>{body}</b>" if bold else body, style)


def _kg(grams: int) -> str:
    return f"{grams // 1000}.{grams % 1000:03d} kg"


def _cm(millimetres: int) -> str:
    return f"{millimetres // 10}.{millimetres % 10}"


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return f"{country.name} ({code})" if country else code


def _party_number(party: Party, rules: ExportRules, field: str) -> tuple[str, str] | None:
    if not party.business_number:
        return None
    if party.country == rules.business_number.country:
        return "Business reg. no. (사업자등록번호)", format_business_number(party.business_number, field)
    return "Tax / business no.", party.business_number


def _party(role: str, party: Party, rules: ExportRules, field: str) -> list:
    lines = [_p(role, _SMALL), _p(party.name, bold=True)]
    if party.name_local:
        lines.append(_p(party.name_local))
    lines += [_p(line) for line in (party.line1, party.line2) if line]
    lines.append(_p(" ".join(part for part in (f"{party.city},", party.region, party.postal_code) if part)
                    .rstrip(",")))
    lines.append(_p(_country_name(party.country)))
    lines += [_p(f"{label}: {value}") for label, value in (("Phone", party.phone), ("Email", party.email)) if value]
    number = _party_number(party, rules, field)
    if number:
        lines.append(_p(f"{number[0]}: {number[1]}"))
    return lines


def _pairs_table(pairs: list[tuple[str, str]], width: float) -> Table:
    rows = [[_p(pairs[i][0], _SMALL), _p(pairs[i][1]),
             _p(pairs[i + 1][0], _SMALL) if i + 1 < len(pairs) else "", _p(pairs[i + 1][1]) if i + 1 < len(pairs)
             else ""] for i in range(0, len(pairs), 2)]
    table = Table(rows, colWidths=[width * 0.16, width * 0.34, width * 0.16, width * 0.34])
    table.setStyle(TableStyle(_GRID))
    return table


def _references(data: InvoiceData, terms: IncotermTerms) -> list[tuple[str, str]]:
    gross = sum(p.weight_g for p in data.packages)
    return [("Invoice no.", data.shipment_number), ("Date", data.issued_on.isoformat()),
            ("Order no.", data.order_number), ("Currency", data.currency),
            ("Carrier / service", f"{data.carrier} / {data.service}"), ("Tracking no.", data.tracking_number or "—"),
            ("Incoterm", f"{terms.code} ({terms.name})"), ("Duties and taxes", f"paid by {terms.duties_payer}"),
            ("Packages", f"{len(data.packages)}, gross {_kg(gross)}"), ("Reason for export", REASON_FOR_EXPORT)]


def _invoice_section(data: InvoiceData, rules: ExportRules, width: float) -> list:
    terms = rules.incoterm(data.incoterm)
    if not terms.collected_at_checkout and (data.duties_collected_minor or data.taxes_collected_minor):
        raise CustomsDataInvalid("incoterm", f"{terms.code} invoices cannot show duties or taxes collected")

    def money(amount: int) -> str:
        return Money(amount, data.currency).format("en")

    parties = Table([[_party("Sender / exporter", data.sender, rules, "sender.business_number"),
                      _party("Receiver / importer", data.receiver, rules, "receiver.business_number")]],
                    colWidths=[width / 2, width / 2])
    parties.setStyle(TableStyle(_GRID))

    rows = [[_p(h, _SMALL, bold=True) for h in ("No.", "Description", "HS code", "Origin", "Qty", "Unit value",
                                                 "Line total", "Net weight")]]
    goods = Money.zero(data.currency)
    for n, item in enumerate(data.items, start=1):
        seller = format_business_number(item.seller_business_number, f"items[{n - 1}].seller_business_number")
        line = Money(item.unit_value_minor, item.currency).times(item.quantity)
        goods += line
        rows.append([_p(str(n)), [_p(item.description), _sku(item.sku, _SMALL, _ITEM_COLUMNS[1] * mm, "SKU "),
                                  _p(f"Seller: {item.seller_name} ({seller})", _SMALL)],
                     _p(item.hs_code), _p(item.origin_country), _p(str(item.quantity), _RIGHT),
                     _p(money(item.unit_value_minor), _RIGHT), _p(line.format("en"), _RIGHT),
                     _p(_kg(item.line_weight_g), _RIGHT)])
    items = Table(rows, colWidths=[w * mm for w in _ITEM_COLUMNS], repeatRows=1)
    items.setStyle(TableStyle(_GRID + _HEAD_ROW))

    total = goods.amount + data.shipping_minor + data.duties_collected_minor + data.taxes_collected_minor
    sums = [("Goods", goods.amount), ("Shipping", data.shipping_minor),
            ("Duties collected", data.duties_collected_minor), ("Taxes collected", data.taxes_collected_minor)]
    totals = Table([[_p(label, _RIGHT), _p(money(amount), _RIGHT)] for label, amount in sums]
                   + [[_p("Grand total", _RIGHT, bold=True), _p(money(total), _RIGHT, bold=True)]],
                   colWidths=[40 * mm, 35 * mm], hAlign="RIGHT")
    totals.setStyle(TableStyle(_GRID + [("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e8e8e8"))]))

    return [_p("COMMERCIAL INVOICE", _TITLE), _pairs_table(_references(data, terms), width), Spacer(1, 4),
            parties, _p("Goods", _HEADING), items, Spacer(1, 4),
            KeepTogether([_p(f"Terms of delivery: {terms.code} — {terms.name}", _HEADING), _p(terms.wording),
                          Spacer(1, 4), totals])]


def _packing_section(data: InvoiceData, rules: ExportRules, width: float) -> list:
    terms = rules.incoterm(data.incoterm)
    parties = Table([[_party("Sender / exporter", data.sender, rules, "sender.business_number"),
                      _party("Receiver / importer", data.receiver, rules, "receiver.business_number")]],
                    colWidths=[width / 2, width / 2])
    parties.setStyle(TableStyle(_GRID))

    head = [_p(h, _SMALL, bold=True) for h in ("Package", "Gross weight", "Dimensions L × W × H (cm)")]
    boxes = [[_p(str(n)), _p(_kg(box.weight_g), _RIGHT),
              _p(f"{_cm(box.length_mm)} × {_cm(box.width_mm)} × {_cm(box.height_mm)}")]
             for n, box in enumerate(data.packages, start=1)]
    gross = sum(box.weight_g for box in data.packages)
    packages = Table([head, *boxes, [_p("Total", bold=True), _p(_kg(gross), _RIGHT, bold=True), ""]],
                     colWidths=[30 * mm, 35 * mm, 60 * mm], repeatRows=1, hAlign="LEFT")
    packages.setStyle(TableStyle(_GRID + _HEAD_ROW))

    head = [_p(h, _SMALL, bold=True) for h in ("No.", "SKU", "Description", "HS code", "Origin", "Qty", "Net weight")]
    lines = [[_p(str(n)), _sku(item.sku, _BASE, _CONTENT_COLUMNS[1] * mm), _p(item.description), _p(item.hs_code),
              _p(item.origin_country), _p(str(item.quantity), _RIGHT), _p(_kg(item.line_weight_g), _RIGHT)]
             for n, item in enumerate(data.items, start=1)]
    units = sum(item.quantity for item in data.items)
    net = sum(item.line_weight_g for item in data.items)
    contents = Table([head, *lines, ["", "", _p("Total", bold=True), "", "", _p(str(units), _RIGHT, bold=True),
                                     _p(_kg(net), _RIGHT, bold=True)]],
                     colWidths=[w * mm for w in _CONTENT_COLUMNS], repeatRows=1)
    contents.setStyle(TableStyle(_GRID + _HEAD_ROW))

    return [_p("PACKING LIST", _TITLE), _pairs_table(_references(data, terms), width), Spacer(1, 4), parties,
            _p("Packages", _HEADING), packages, _p("Contents", _HEADING), contents]


def invoice_pdf(data: InvoiceData, *, rules: ExportRules | None = None) -> bytes:
    """The commercial invoice (page 1 on) and the packing list (from a new page) of one shipment, as PDF.

    The invoice names the parties, every item (description, HS code, origin, quantity, unit
    value, line total, net weight, seller), the incoterm and what it means for duties, and
    the totals; the packing list gives each box's gross weight and size and the contents.
    The output is byte-for-byte reproducible for the same input. Raises
    ``CustomsDataInvalid`` for an unknown incoterm, duties shown as collected under a term
    that collects none, or a Korean business number with a bad check digit.
    """
    rules = rules or export_rules()
    if data.incoterm not in rules.incoterms:
        raise CustomsDataInvalid("incoterm", f"{data.incoterm!r} is not one of {sorted(rules.incoterms)}")
    pdf_fonts()  # registered once per process
    buffer = io.BytesIO()
    margin = 15 * mm
    # invariant: no creation time or random document id, so the same input gives the same bytes
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 4 * mm, invariant=1,
                            title=f"Commercial invoice {data.shipment_number}", author=data.sender.name,
                            subject=f"Order {data.order_number}")
    width = doc.width

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(LATIN_FONT, 7)
        canvas.drawString(margin, 9 * mm, f"{data.shipment_number} · commercial invoice and packing list")
        canvas.drawRightString(A4[0] - margin, 9 * mm, f"Page {document.page}")
        canvas.restoreState()

    story = [*_invoice_section(data, rules, width), Spacer(1, 10), _p(DECLARATION),
             Spacer(1, 14), _p(f"Signature: ______________________   Name: {data.sender.name}   "
                               f"Date: {data.issued_on.isoformat()}"),
             PageBreak(), *_packing_section(data, rules, width)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


