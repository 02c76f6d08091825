"""Builders for the customs-paper tests: plain input dataclasses, and the PDF's text read back."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timezone

from pypdf import PdfReader

from fulfillment.customs.documents import CustomsItem, DeclarationParcel, InvoiceData, PackageInfo, Party

HANBIT = ("sel_hanbit", "주식회사 한빛코스메틱", "1234567891")
JEJU = ("sel_jeju", "제주녹차농원 주식회사", "220-81-00016")
SEOUL = ("sel_seoul", "서울스레드 주식회사", "1058100018")
HANDED_OVER = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)

SENDER = Party(name="Dari Consolidation Center", name_local="다리 통합물류센터", line1="12 Teheran-ro 4-gil",
               line2="Gangnam-gu", city="Seoul", region=None, postal_code="06234", country="KR",
               phone="+82 2 555 0100", email="ops@dari.example", business_number="1234567891")
RECEIVER = Party(name="Jane Doe", name_local=None, line1="1 Main Street", line2="Apt 2", city="Springfield",
                 region="IL", postal_code="62701", country="US", phone="+1 217 555 0100",
                 email="jane@example.com", business_number=None)


def item(sku: str = "HB-ESS-100", *, seller=HANBIT, krw: int = 33000, quantity: int = 1, minor: int = 2500,
         currency: str = "USD", description: str = "Snail mucin essence 100 ml", hs_code: str = "330499",
         weight_g: int = 150) -> CustomsItem:
    seller_id, seller_name, number = seller
    return CustomsItem(sku=sku, description=description, hs_code=hs_code, origin_country="KR", quantity=quantity,
                       unit_value_minor=minor, currency=currency, unit_value_krw=krw, weight_g=weight_g,
                       seller_id=seller_id, seller_name=seller_name, seller_business_number=number)


ESSENCE = item()
TEA = item("JJ-TEA-80", seller=JEJU, krw=24000, quantity=2, minor=1800, description="Green tea leaves 80 g",
           hs_code="090210", weight_g=90)


def invoice(**changes) -> InvoiceData:
    data = InvoiceData(
        shipment_number="SHP-2611-0001", order_number="ORD-2611-0042", issued_on=date(2026, 11, 25),
        incoterm="DDP", currency="USD", sender=SENDER, receiver=RECEIVER, items=(ESSENCE, TEA),
        shipping_minor=1500, duties_collected_minor=300, taxes_collected_minor=0,
        packages=(PackageInfo(weight_g=520, length_mm=305, width_mm=200, height_mm=100),
                  PackageInfo(weight_g=1250, length_mm=400, width_mm=300, height_mm=150)),
        carrier="ems", service="ems_standard", tracking_number="EE123456789KR")
    return replace(data, **changes)


def parcel(*items: CustomsItem, number: str = "SHP-2611-0001", at: datetime = HANDED_OVER,
           country: str = "US") -> DeclarationParcel:
    return DeclarationParcel(shipment_number=number, order_number=f"ORD-{number[4:]}", handed_over_at=at,
                             carrier="ems", service="ems_standard", tracking_number=f"EE{number[-4:]}00000KR",
                             destination_country=country, items=items)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (table cells come out one per line)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]
