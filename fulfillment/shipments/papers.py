"""Customs papers from shipment rows: the invoice PDF of one parcel and the day's export list.

This is the only place that turns orders and shipments into the plain inputs of
``fulfillment.customs.documents``. Per item: the English description is the product's
``en`` listing title, else the variant's customs description, else (for products that
predate that rule) the order line's name; HS code and origin come from the order line
(the snapshot taken when the buyer paid), the value from the price paid. The sender is the
seller when it ships from its own warehouse, else the mall at the warehouse's address.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from fulfillment.customs.documents import (
    CSV_ENCODING,
    CustomsItem,
    DeclarationParcel,
    InvoiceData,
    PackageInfo,
    Party,
    declarations_csv,
    invoice_pdf,
)
from fulfillment.customs.errors import CustomsDataInvalid
from fulfillment.customs.rules import export_rules
from fulfillment.warehouses.models import Warehouse
from shop.catalog.models import ProductTranslation, ProductVariant
from shop.orders.models import Order, OrderLine
from shop.sellers.models import Seller

from .errors import CustomsPapersIncomplete
from .models import Shipment

SHIPPED = ("handed_over", "in_transit", "exception", "delivered", "returned_to_sender")


def _party(address: dict, *, name: str, name_local: str | None = None, email: str | None = None,
           business_number: str | None = None, country: str | None = None) -> Party:
    address = address or {}
    return Party(name=name, name_local=name_local, line1=address.get("line1") or "", line2=address.get("line2"),
                 city=address.get("city") or "", region=address.get("region"),
                 postal_code=address.get("postal_code"), country=address.get("country") or country or "",
                 phone=address.get("phone"), email=email, business_number=business_number)


def _descriptions(session: Session, variant_ids: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(ProductVariant.id, ProductVariant.customs_description, ProductTranslation.title)
        .outerjoin(ProductTranslation, (ProductTranslation.product_id == ProductVariant.product_id)
                   & (ProductTranslation.locale == "en"))
        .where(ProductVariant.id.in_(variant_ids))).all()
    return {variant_id: title or customs for variant_id, customs, title in rows if title or customs}


def _items(session: Session, shipments: list[Shipment]) -> dict[str, tuple[CustomsItem, ...]]:
    line_ids = {line.order_line_id for s in shipments for line in s.carried}
    order_lines = {ln.id: ln for ln in session.scalars(select(OrderLine).where(OrderLine.id.in_(line_ids)))}
    sellers = {s.id: s for s in session.scalars(select(Seller).where(
        Seller.id.in_({ln.seller_id for ln in order_lines.values()})))}
    descriptions = _descriptions(session, {ln.variant_id for ln in order_lines.values()})
    result = {}
    for shipment in shipments:
        items = []
        for line in shipment.carried:
            ordered = order_lines[line.order_line_id]
            seller = sellers[ordered.seller_id]
            items.append(CustomsItem(
                sku=line.sku, description=descriptions.get(ordered.variant_id) or ordered.name,
                hs_code=ordered.hs_code or "", origin_country=ordered.origin_country or "KR",
                quantity=line.quantity, unit_value_minor=ordered.unit_price_minor, currency=ordered.order.currency,
                unit_value_krw=ordered.unit_price_krw, weight_g=ordered.weight_g, seller_id=seller.id,
                seller_name=seller.legal_name, seller_business_number=seller.business_number))
        result[shipment.id] = tuple(items)
    return result


def _checked(build):
    try:
        return build()
    except CustomsDataInvalid as exc:
        raise CustomsPapersIncomplete(field=exc.field) from None


def invoice_data(session: Session, shipment: Shipment) -> InvoiceData:
    order = session.get(Order, shipment.order_id)
    warehouse = session.get(Warehouse, shipment.warehouse_id)
    if shipment.seller_id:
        seller = session.get(Seller, shipment.seller_id)
        sender = dict(address=warehouse.address or seller.return_address, name=seller.legal_name,
                      email=seller.contact_email, business_number=seller.business_number, country=warehouse.country)
    else:
        config = current_app.config
        sender = dict(address=warehouse.address, name=config.get("MALL_NAME") or "Dari",
                      email=config.get("MALL_EMAIL"), business_number=config.get("MALL_BUSINESS_NUMBER"),
                      country=warehouse.country)
    address = order.shipping_address or {}
    # Only what the buyer paid at checkout; duties due on delivery were not collected.
    collected = [c for c in order.charges if c.collected == "now"]

    def build():
        return InvoiceData(
            shipment_number=shipment.number, order_number=order.number,
            issued_on=(shipment.packed_at or shipment.created_at).date(), incoterm=order.incoterm,
            currency=order.currency, sender=_party(**sender),
            receiver=_party(address, name=address.get("name") or order.email, email=order.email),
            items=_items(session, [shipment])[shipment.id],
            shipping_minor=sum(c.amount_minor for c in collected if c.kind == "shipping"),
            duties_collected_minor=sum(c.amount_minor for c in collected if c.kind == "duty"),
            taxes_collected_minor=sum(c.amount_minor for c in collected if c.kind == "tax"),
            packages=tuple(PackageInfo(weight_g=p.weight_g, length_mm=p.length_mm, width_mm=p.width_mm,
                                       height_mm=p.height_mm) for p in shipment.packages),
            carrier=shipment.carrier, service=shipment.service, tracking_number=shipment.tracking_number)
    return _checked(build)


def invoice(session: Session, shipment: Shipment) -> bytes:
    """The commercial invoice with its packing list (PDF bytes)."""
    data = invoice_data(session, shipment)
    return _checked(lambda: invoice_pdf(data))


def handed_over_on(session: Session, day: date) -> list[Shipment]:
    zone = export_rules().declaration.daily_list_timezone
    start = datetime.combine(day, time(0), zone)
    end = start + timedelta(days=1)
    return list(session.scalars(select(Shipment).where(Shipment.status.in_(SHIPPED),
                                                       Shipment.handed_over_at >= start,
                                                       Shipment.handed_over_at < end)
                                .order_by(Shipment.handed_over_at, Shipment.number)))


def declarations(session: Session, day: date) -> bytes:
    """The export list of ``day`` (Seoul) as CSV bytes (UTF-8 with a byte-order mark, ``CSV_ENCODING``):
    one row per item of each parcel handed over that day."""
    shipments = handed_over_on(session, day)
    items = _items(session, shipments)
    orders = {o.id: o for o in session.scalars(select(Order).where(Order.id.in_({s.order_id for s in shipments})))}

    def build():
        parcels = [DeclarationParcel(
            shipment_number=s.number, order_number=orders[s.order_id].number, handed_over_at=s.handed_over_at,
            carrier=s.carrier, service=s.service, tracking_number=s.tracking_number,
            destination_country=(orders[s.order_id].shipping_address or {}).get("country") or "",
            items=items[s.id]) for s in shipments]
        return declarations_csv(parcels).encode(CSV_ENCODING)
    return _checked(build)
