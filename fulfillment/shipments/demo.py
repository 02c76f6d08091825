"""Demo parcels: orders of the demo buyers at every stage, so a newcomer sees parcels moving.

Six demo orders, five of the US buyer and one of the Japanese buyer, each placed through the
real checkout (a cart, ``place_order``, which reserves stock), paid with a recorded *demo*
payment (``provider="demo"``: no card, no Stripe) and then driven through the shipment services
as the warehouse and the carrier would, with actor ``demo``:

=============  ==============================================  =====================================
order          goods                                           parcels
=============  ==============================================  =====================================
``paid``       one seller, consolidation hub                   1 ``pending``
``packed``     two sellers, consolidation hub                  1 ``packed`` (one box for both)
``in_transit`` one seller, consolidation hub                   1 ``in_transit`` (picked up, flown)
``delivered``  two sellers, consolidation hub                  1 ``delivered`` (order delivered)
``exception``  a hub seller and icheon's own stockroom         2: ``exception`` and ``in_transit``
``kettle_jp``  an electric kettle to Tokyo, in Japanese         1 ``delivered`` five weeks ago: the
                                                               kettle a warranty repair starts from
=============  ==============================================  =====================================

The stories happened in the past: their timestamps (order placed and paid, picked,
packed, handed over, tracking events) are set hours to days before the seed ran, in order,
and the order number carries the day the order was placed. Hand-over and tracking events
go through the services; only the times they stamp with "now" are moved back afterwards.

Idempotent: each story is keyed by its checkout ``Idempotency-Key`` (``demo-shipments:<name>``);
a story that already has its key is skipped. A story that cannot be told (no demo buyer, no
stock in the right warehouse, nothing purchasable) is skipped and nothing of it stays.
Only flushes; ``demo seed`` commits.
"""
from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from shop.checkout.demo import BUYER
from shop.core.db import utcnow
from shop.core.errors import DomainError

log = logging.getLogger(__name__)

ACTOR = "demo"
KEY_PREFIX = "demo-shipments:"
HUB, STUDIO = "ICN-BONDED", "ICHEON-STUDIO"
STUDIO_SELLER = "icheon"
PREFERRED_SERVICE = "ems"
MIN_AVAILABLE = 5  # leave the storefront some stock: don't sell a variant's last units


@dataclass(frozen=True)
class Event:
    type: str
    hours_ago: float
    location: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Story:
    name: str
    goods: tuple[tuple[str, str], ...]  # (seller key, warehouse code), one unit of one variant each
    stage: str  # the last warehouse step: "paid", "packed" or "handed_over"
    placed_hours_ago: float
    picked_hours_ago: float | None = None
    packed_hours_ago: float | None = None
    handed_over_hours_ago: float | None = None
    events: dict[str, tuple[Event, ...]] = field(default_factory=dict)  # warehouse code -> its parcel's events
    buyer: str = BUYER
    market: str = "US"
    locale: str = "en"
    product: str = ""  # only products whose slug starts with this


JP_BUYER = "buyer.jp@example.com"
ADDRESSES = {
    "JP": {"name": "山田花子", "line1": "1-1 Chiyoda", "city": "Tokyo", "postal_code": "100-0001", "country": "JP",
           "phone": "+81 3-1234-5678"},
}


INCHEON, AIRPORT, SFO = "Incheon, KR", "Incheon International Airport, KR", "San Francisco, CA, US"
NARITA, TOKYO = "Narita, JP", "Tokyo, JP"
DEPARTED = "Departed from the outward office of exchange"
ARRIVED = "Arrived at the inward office of exchange"

STORIES = (
    Story("paid", goods=(("hanbit", HUB),), stage="paid", placed_hours_ago=5),
    Story("packed", goods=(("seoulthread", HUB), ("pangyo", HUB)), stage="packed", placed_hours_ago=30,
          picked_hours_ago=22, packed_hours_ago=21),
    Story("in_transit", goods=(("jeju", HUB),), stage="handed_over", placed_hours_ago=96, picked_hours_ago=80,
          packed_hours_ago=79, handed_over_hours_ago=76, events={HUB: (
              Event("picked_up", 74, INCHEON, "Picked up from the sender"),
              Event("in_transit", 60, AIRPORT, DEPARTED),
              Event("in_transit", 40, SFO, ARRIVED),
          )}),
    Story("delivered", goods=(("hanbit", HUB), ("jeju", HUB)), stage="handed_over", placed_hours_ago=240,
          picked_hours_ago=220, packed_hours_ago=218, handed_over_hours_ago=216, events={HUB: (
              Event("picked_up", 214, INCHEON, "Picked up from the sender"),
              Event("in_transit", 200, AIRPORT, DEPARTED),
              Event("in_transit", 170, SFO, ARRIVED),
              Event("customs_cleared", 150, SFO, "Released by customs"),
              Event("out_for_delivery", 130, SFO, "Out for delivery"),
              Event("delivered", 126, SFO, "Delivered; signed for by the recipient"),
          )}),
    Story("exception", goods=(("pangyo", HUB), (STUDIO_SELLER, STUDIO)), stage="handed_over",
          placed_hours_ago=168, picked_hours_ago=150, packed_hours_ago=148, handed_over_hours_ago=146, events={
              HUB: (
                  Event("picked_up", 144, INCHEON, "Picked up from the sender"),
                  Event("in_transit", 130, AIRPORT, DEPARTED),
                  Event("in_transit", 100, SFO, ARRIVED),
                  Event("exception", 30, SFO,
                        "Delivery attempted: nobody available to sign. The carrier will try again."),
              ),
              STUDIO: (
                  Event("picked_up", 140, "Icheon, KR", "Picked up from the sender"),
                  Event("in_transit", 120, AIRPORT, DEPARTED),
                  Event("in_transit", 90, SFO, ARRIVED),
              ),
          }),
    Story("kettle_jp", goods=(("pangyo", HUB),), stage="handed_over", placed_hours_ago=900, picked_hours_ago=880,
          packed_hours_ago=879, handed_over_hours_ago=876, buyer=JP_BUYER, market="JP", locale="ja",
          product="pangyo-kettle-", events={HUB: (
              Event("picked_up", 874, INCHEON, "Picked up from the sender"),
              Event("in_transit", 860, AIRPORT, DEPARTED),
              Event("in_transit", 850, NARITA, ARRIVED),
              Event("customs_cleared", 840, NARITA, "Released by customs"),
              Event("out_for_delivery", 830, TOKYO, "Out for delivery"),
              Event("delivered", 826, TOKYO, "Delivered; signed for by the recipient"),
          )}),
)


class _Skip(Exception):
    """The story cannot be told with this demo data (nothing of it is kept)."""


def seed_shipments(session) -> None:
    """Idempotent: the demo orders are keyed by their checkout Idempotency-Key; a told story is skipped."""
    from shop.accounts.models import User
    from shop.checkout.models import CheckoutKey

    now = utcnow()
    used: set[str] = set()
    for story in STORIES:
        key = KEY_PREFIX + story.name
        user = session.scalar(select(User).where(User.email == story.buyer))
        if user is None or session.scalar(select(CheckoutKey.id).where(CheckoutKey.key == key)):
            continue
        try:
            with session.begin_nested():
                _tell(session, story, user, key=key, now=now, used=used)
        except (_Skip, DomainError) as exc:
            log.info("demo shipments: story %r skipped: %r", story.name, exc)
    session.flush()


# --- the order ----------------------------------------------------------------------------

def _candidates(session, story: Story, seller_key: str, warehouse_code: str) -> list[str]:
    """Variants of the demo seller whose stock for the story's market sits only in ``warehouse_code`` (so it
    ships from there)."""
    from fulfillment.inventory.models import StockLevel
    from fulfillment.inventory.services.queries import available_column, expired_holds
    from fulfillment.warehouses.models import Warehouse
    from fulfillment.warehouses.services import serves_market
    from shop.catalog.models import Product, ProductVariant
    from shop.sellers.demo import demo_seller

    seller = demo_seller(session, seller_key)
    if seller is None:
        return []
    held = expired_holds()
    available = available_column(held)
    rows = session.execute(
        select(ProductVariant.id, ProductVariant.sku, Warehouse.code, available)
        .join(Product, Product.id == ProductVariant.product_id)
        .join(StockLevel, StockLevel.variant_id == ProductVariant.id)
        .outerjoin(held, held.c.level_id == StockLevel.id)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(ProductVariant.seller_id == seller.id, Product.status == "active",
               Product.slug.startswith(story.product), serves_market(story.market), available > 0)
        .order_by(ProductVariant.sku, ProductVariant.id)).all()
    where: dict[str, dict[str, int]] = {}
    for variant_id, _sku, code, units in rows:
        where.setdefault(variant_id, {})[code] = units
    return [variant_id for variant_id, levels in where.items()
            if set(levels) == {warehouse_code} and levels[warehouse_code] >= MIN_AVAILABLE]


def _place(session, story: Story, user, *, key: str, used: set[str]):
    from shop.checkout.demo import ADDRESS
    from shop.checkout.services import carts
    from shop.checkout.services.checkout import place_order

    cart = carts.create_cart(session, market_code=story.market, locale=story.locale, user=user)
    for seller_key, warehouse_code in story.goods:
        for variant_id in _candidates(session, story, seller_key, warehouse_code):
            if variant_id in used:
                continue
            try:
                with session.begin_nested():
                    carts.add_line(session, cart, variant_id, 1)
            except DomainError:
                continue
            used.add(variant_id)
            break
        else:
            raise _Skip(f"nothing of {seller_key} to sell from {warehouse_code}")
    carts.set_shipping_address(session, cart, ADDRESSES.get(story.market, ADDRESS))
    quote = carts.build_quote(session, cart)
    if not quote.options:
        raise _Skip("no shipping option")
    offered = [option.service for option in quote.options]
    carts.choose_shipping(session, cart, PREFERRED_SERVICE if PREFERRED_SERVICE in offered else offered[0])
    order, _ = place_order(session, cart.id, key=key, user=user)
    return order


def _pay(session, order, *, at: datetime) -> None:
    """Record a demo payment (no card, no Stripe) and mark the order paid, as the payment webhook would."""
    from shop.orders import services as orders
    from shop.payments.models import Payment

    session.add(Payment(order_id=order.id, provider="demo", intent_id=f"demo_{order.id}", client_secret=None,
                        amount_minor=order.total_minor, currency=order.currency, status="succeeded",
                        captured_minor=order.total_minor))
    session.flush()
    orders.mark_paid(session, order, now=at)


# --- the parcels --------------------------------------------------------------------------

def _box(shipment) -> dict:
    """The box as weighed and measured: what checkout quoted (so no demo parcel is flagged over quote)."""
    return {"weight_g": max(shipment.quoted_weight_g, 1), "length_mm": max(shipment.quoted_length_mm, 1),
            "width_mm": max(shipment.quoted_width_mm, 1), "height_mm": max(shipment.quoted_height_mm, 1)}


def _tracking_number(session, shipment) -> str:
    """A number in the carrier's format (S10 with its check digit, 10 digits, or generic), not yet taken."""
    from fulfillment.carriers.manual import carrier_info, s10_check_digit

    from .models import Shipment

    number_format = carrier_info(shipment.carrier).number_format
    serial = zlib.crc32(f"demo:{shipment.number}".encode()) % 10 ** 8
    while True:
        digits = f"{serial:08d}"
        if number_format == "s10":
            number = f"EE{digits}{s10_check_digit(digits)}KR"
        elif number_format == "digits10":
            number = f"90{digits}"
        else:
            number = f"DEMO{digits}"
        taken = session.scalar(select(func.count()).select_from(Shipment).where(
            Shipment.carrier == shipment.carrier, Shipment.tracking_number == number))
        if not taken:
            return number
        serial = (serial + 1) % 10 ** 8


def _tell(session, story: Story, user, *, key: str, now: datetime, used: set[str]) -> None:
    from . import access, creation, tracking, warehouse

    def ago(hours: float) -> datetime:
        return now - timedelta(hours=hours)

    order = _place(session, story, user, key=key, used=used)
    placed = ago(story.placed_hours_ago)
    order.created_at = placed
    order.number = f"DR-{placed:%y%m%d}-{order.number.rsplit('-', 1)[-1]}"
    session.flush()
    _pay(session, order, at=placed + timedelta(minutes=3))

    shipments = creation.create_for_order(session, order.id)
    by_warehouse = {shipment.warehouse.code: shipment for shipment in shipments}
    if sorted(by_warehouse) != sorted({code for _, code in story.goods}):
        raise _Skip(f"the goods were allocated to {sorted(by_warehouse)}")
    for shipment in shipments:
        shipment.created_at = placed + timedelta(minutes=4)
    session.flush()
    if story.stage == "paid":
        return

    for shipment in shipments:
        warehouse.mark_picked(session, shipment.id, actor=ACTOR)
        warehouse.pack(session, shipment.id, packages=[_box(shipment)], actor=ACTOR)
        shipment.picked_at, shipment.packed_at = ago(story.picked_hours_ago), ago(story.packed_hours_ago)
    session.flush()
    if story.stage == "packed":
        return

    handed_over = ago(story.handed_over_hours_ago)
    for shipment in shipments:
        warehouse.hand_over(session, shipment.id, tracking_number=_tracking_number(session, shipment), actor=ACTOR)
        shipment.handed_over_at = shipment.last_event_at = handed_over
    order.shipped_at = handed_over
    session.flush()

    for code, events in story.events.items():
        shipment_id = by_warehouse[code].id
        for event in events:
            _, shipment = access.lock_with_order(session, shipment_id)
            tracking.record_event(session, shipment, type=event.type, occurred_at=ago(event.hours_ago),
                                  location=event.location, note=event.note, source="ops", actor=ACTOR)
    session.flush()
