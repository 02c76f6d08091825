"""The e-mails a parcel's progress sends: the buyer's notices and the seller's."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from shop.orders.models import Order

from .access import carrier_of
from .models import Shipment


def notify_buyer(session: Session, order: Order, shipment: Shipment, template: str, *, key: str,
            note: str | None = None) -> None:
    from shop.core.notifications import queue
    from shop.orders.mail import order_link

    names = {line.id: line for line in order.lines}
    link = order_link(order, storefront_url=current_app.config.get("STOREFRONT_URL"),
                      secret_key=current_app.config["SECRET_KEY"])
    carrier = carrier_of(shipment)
    queue(session, key=key, template=template, to=order.email, locale=order.locale, context={
        "order_number": order.number, "shipment_number": shipment.number, "carrier": shipment.carrier,
        "carrier_name": carrier_display_name(shipment.carrier), "tracking_number": shipment.tracking_number,
        "tracking_url": carrier.tracking_url(shipment.tracking_number) if shipment.tracking_number else None,
        "items": [{"name": names[ln.order_line_id].name, "quantity": ln.quantity} for ln in shipment.carried],
        "note": note, "order_link": link, "transit_days": order.transit_days,
    })


def notify_seller(session: Session, order: Order, shipment: Shipment) -> None:
    from shop.core.notifications import queue
    from shop.sellers.models import Seller

    seller = session.get(Seller, shipment.seller_id)
    queue(session, key=f"seller-shipped:{shipment.id}", template="seller_shipment_shipped", to=seller.contact_email,
          locale=current_app.config.get("SELLER_LOCALE", "ko"), context={
              "seller_name": seller.legal_name, "order_number": order.number, "shipment_number": shipment.number,
              "carrier_name": carrier_display_name(shipment.carrier), "tracking_number": shipment.tracking_number,
              "country": (order.shipping_address or {}).get("country"),
              "items": [{"sku": ln.sku, "quantity": ln.quantity} for ln in shipment.carried],
          })


def carrier_display_name(code: str) -> str:
    from fulfillment.carriers.manual import carrier_info

    return carrier_info(code).name
