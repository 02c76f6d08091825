"""The daily export list of handed-over parcels, for the e-commerce export declaration (CSV)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from ..errors import CustomsDataInvalid
from ..rules import ExportRules, export_rules
from .inputs import DeclarationParcel, format_business_number

COLUMNS = (
    "handed_over_on", "handed_over_at", "shipment_number", "order_number", "tracking_number", "carrier", "service",
    "destination_country", "exporter_name", "exporter_business_number", "seller_id", "sku", "hs_code",
    "description", "origin_country", "quantity", "net_weight_g", "unit_fob_krw", "line_fob_krw",
    "exporter_parcel_fob_krw", "declaration_type", "full_declaration_required",
)
# A spreadsheet reads a cell starting with these as a formula (OWASP "CSV injection"); tab and
# carriage return are on OWASP's list too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# How the list is written for people: UTF-8 with a byte-order mark, so that a spreadsheet opened
# by double-click reads it as UTF-8 and the Korean names stay intact.
CSV_ENCODING = "utf-8-sig"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present"


def declaration_rows(parcels: Iterable[DeclarationParcel], *, rules: ExportRules | None = None) -> list[dict]:
    """One row per item of the handed-over ``parcels`` (``DeclarationParcel``), keys as ``COLUMNS``.

    FOB is the goods value without shipping (``unit_value_krw × quantity``). Each seller in a
    parcel is its own exporter: the seller's FOB total in that parcel decides between the
    e-commerce declaration type (``declaration_type`` set) and a full declaration
    (``full_declaration_required``). Only the value is checked: goods excluded for other
    reasons (Customs Act Art.226 confirmations, re-exports) must be flagged by hand.

    Values are typed (``date``, ``datetime`` in the list's time zone, ints, a bool); rows are
    sorted by handed-over time, shipment number, seller id and SKU. Raises
    ``CustomsDataInvalid`` for a bad business number or a seller id that names two exporters.
    """
    rules = rules or export_rules()
    declaration = rules.declaration
    exporters: dict[str, tuple[str, str]] = {}
    rows = []
    for p, parcel in enumerate(parcels):
        totals: dict[str, int] = {}
        for item in parcel.items:
            totals[item.seller_id] = totals.get(item.seller_id, 0) + item.line_value_krw
        handed_over = parcel.handed_over_at.astimezone(declaration.daily_list_timezone)
        for i, item in enumerate(parcel.items):
            field = f"parcels[{p}].items[{i}]"
            exporter = (item.seller_name, format_business_number(item.seller_business_number,
                                                                 f"{field}.seller_business_number"))
            if exporters.setdefault(item.seller_id, exporter) != exporter:
                raise CustomsDataInvalid(f"{field}.seller_id",
                                         f"seller {item.seller_id} appears with two names or business numbers")
            qualifies = declaration.qualifies(totals[item.seller_id])
            rows.append({
                "handed_over_on": handed_over.date(), "handed_over_at": handed_over.replace(microsecond=0),
                "shipment_number": parcel.shipment_number, "order_number": parcel.order_number,
                "tracking_number": parcel.tracking_number, "carrier": parcel.carrier, "service": parcel.service,
                "destination_country": parcel.destination_country, "exporter_name": exporter[0],
                "exporter_business_number": exporter[1], "seller_id": item.seller_id, "sku": item.sku,
                "hs_code": item.hs_code, "description": item.description, "origin_country": item.origin_country,
                "quantity": item.quantity, "net_weight_g": item.line_weight_g, "unit_fob_krw": item.unit_value_krw,
                "line_fob_krw": item.line_value_krw, "exporter_parcel_fob_krw": totals[item.seller_id],
                "declaration_type": declaration.declaration_type if qualifies else "",
                "full_declaration_required": not qualifies,
            })
    # sort is stable: two lines of one SKU (drawn from two stock levels) keep their parcel order
    rows.sort(key=lambda r: (r["handed_over_at"], r["shipment_number"], r["seller_id"], r["sku"]))
    return rows


def _cell(value) -> str | int:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def declarations_csv(parcels: Iterable[DeclarationParcel], *, rules: ExportRules | None = None) -> str:
    """The daily export list as CSV text: a header row of ``COLUMNS``, then ``declaration_rows``.

    Text without a byte-order mark: the callers encode it as ``CSV_ENCODING`` (UTF-8 with one),
    RFC 4180 quoting and CRLF line ends from the ``csv`` module. Money is whole KRW; booleans
    are ``true``/``false``; times are ISO 8601 with the offset. A text cell that a spreadsheet
    would run as a formula (starting with ``= + - @``, tab or CR) gets a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in declaration_rows(parcels, rules=rules):
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return out.getvalue()
