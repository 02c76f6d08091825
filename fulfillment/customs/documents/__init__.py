"""Customs papers of a shipment: the commercial invoice with its packing list, and the export list.

Inputs are the frozen dataclasses of ``inputs`` (plain values; nothing here reads the
database or Flask). ``invoice_pdf`` returns PDF bytes; ``declaration_rows`` and
``declarations_csv`` give the daily export list for the e-commerce export declaration.
"""
from __future__ import annotations

from .declarations import (
    COLUMNS,
    CSV_CONTENT_TYPE,
    CSV_ENCODING,
    FORMULA_PREFIXES,
    declaration_rows,
    declarations_csv,
)
from .inputs import CustomsItem, DeclarationParcel, InvoiceData, PackageInfo, Party, format_business_number


def invoice_pdf(data: InvoiceData, **options) -> bytes:
    """The commercial invoice with its packing list, as PDF bytes (``invoice.invoice_pdf``).

    reportlab is imported on first use: ~13 MB that web processes serving the store never need.
    """
    from .invoice import invoice_pdf as render

    return render(data, **options)


__all__ = [
    "COLUMNS", "CSV_CONTENT_TYPE", "CSV_ENCODING", "FORMULA_PREFIXES", "CustomsItem", "DeclarationParcel",
    "InvoiceData", "PackageInfo", "Party", "declaration_rows", "declarations_csv", "format_business_number",
    "invoice_pdf",
]
