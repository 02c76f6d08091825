"""Input dataclasses of the customs papers (built by ``fulfillment.shipments`` from its rows).

Conventions:

- Money is integer minor units of ``currency`` (``i18n.money.Money``); ``unit_value_krw`` is
  the same unit's goods value in whole KRW (KRW has no minor unit), the FOB value customs sees.
- ``CustomsItem.weight_g`` is the net weight of **one unit**; ``PackageInfo.weight_g`` is a
  box's gross weight as packed.
- Countries are ISO 3166 alpha-2; ``DeclarationParcel.handed_over_at`` is timezone-aware.
- ``CustomsItem.seller_business_number`` is the seller's Korean business registration number
  (digits, hyphens allowed); the documents refuse one with a bad check digit.

Each class checks its own shape on construction and raises ``CustomsDataInvalid`` naming the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pycountry

from i18n.money import Money
from shop.sellers import brn

from ..errors import CustomsDataInvalid


def _whole(value, field: str, *, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CustomsDataInvalid(field, f"must be an integer ≥ {minimum}, not {value!r}")


def _text(value, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise CustomsDataInvalid(field, "must not be empty")


def _country(value, field: str) -> None:
    if not isinstance(value, str) or pycountry.countries.get(alpha_2=value) is None or value != value.upper():
        raise CustomsDataInvalid(field, f"must be an ISO 3166 alpha-2 code, not {value!r}")


@dataclass(frozen=True)
class Party:
    """Sender or receiver. ``name_local`` is the Korean name; ``business_number`` is the
    Korean registration number for a party in Korea, else any tax id, shown as given."""

    name: str
    name_local: str | None
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str | None
    country: str
    phone: str | None
    email: str | None
    business_number: str | None = None

    def __post_init__(self):
        _text(self.name, "name")
        _text(self.line1, "line1")
        _text(self.city, "city")
        _country(self.country, "country")


@dataclass(frozen=True)
class CustomsItem:
    """One line of goods: what customs needs to know about it and who exports it."""

    sku: str
    description: str  # English
    hs_code: str
    origin_country: str
    quantity: int
    unit_value_minor: int
    currency: str
    unit_value_krw: int
    weight_g: int  # net, per unit
    seller_id: str
    seller_name: str  # the exporter's legal name (often Korean)
    seller_business_number: str

    def __post_init__(self):
        for name in ("sku", "description", "seller_id", "seller_name", "seller_business_number"):
            _text(getattr(self, name), name)
        digits = self.hs_code.replace(".", "") if isinstance(self.hs_code, str) else ""
        if not (6 <= len(digits) <= 10 and digits.isascii() and digits.isdigit()):
            raise CustomsDataInvalid("hs_code", f"must be 6 to 10 digits, not {self.hs_code!r}")
        _country(self.origin_country, "origin_country")
        _whole(self.quantity, "quantity", minimum=1)
        _whole(self.unit_value_minor, "unit_value_minor")
        _whole(self.unit_value_krw, "unit_value_krw")
        _whole(self.weight_g, "weight_g")
        Money(0, self.currency)  # an unknown currency raises here, not halfway through a document

    @property
    def line_value_krw(self) -> int:
        return self.unit_value_krw * self.quantity

    @property
    def line_weight_g(self) -> int:
        return self.weight_g * self.quantity


@dataclass(frozen=True)
class PackageInfo:
    """One box as packed: gross weight and outer dimensions."""

    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int

    def __post_init__(self):
        for name in ("weight_g", "length_mm", "width_mm", "height_mm"):
            _whole(getattr(self, name), name, minimum=1)


@dataclass(frozen=True)
class InvoiceData:
    """Everything on the commercial invoice and packing list of one shipment.

    ``incoterm`` is a code of the rules file (``DDP`` or ``DAP``); amounts are minor units
    of ``currency``, and every item must be priced in it.
    """

    shipment_number: str
    order_number: str
    issued_on: date
    incoterm: str
    currency: str
    sender: Party
    receiver: Party
    items: tuple[CustomsItem, ...]
    shipping_minor: int
    duties_collected_minor: int
    taxes_collected_minor: int
    packages: tuple[PackageInfo, ...]
    carrier: str
    service: str
    tracking_number: str | None = None

    def __post_init__(self):
        _text(self.shipment_number, "shipment_number")
        _text(self.order_number, "order_number")
        Money(0, self.currency)
        if not self.items:
            raise CustomsDataInvalid("items", "an invoice needs at least one item")
        if not self.packages:
            raise CustomsDataInvalid("packages", "a packing list needs at least one package")
        for i, item in enumerate(self.items):
            if item.currency != self.currency:
                raise CustomsDataInvalid(f"items[{i}].currency", f"{item.currency} on a {self.currency} invoice")
        for name in ("shipping_minor", "duties_collected_minor", "taxes_collected_minor"):
            _whole(getattr(self, name), name)


@dataclass(frozen=True)
class DeclarationParcel:
    """A parcel handed over to its carrier, for the daily export list."""

    shipment_number: str
    order_number: str
    handed_over_at: datetime
    carrier: str
    service: str
    tracking_number: str
    destination_country: str
    items: tuple[CustomsItem, ...]

    def __post_init__(self):
        for name in ("shipment_number", "order_number", "carrier", "tracking_number"):
            _text(getattr(self, name), name)
        if self.handed_over_at.tzinfo is None or self.handed_over_at.utcoffset() is None:
            raise CustomsDataInvalid("handed_over_at", "must be timezone-aware")
        _country(self.destination_country, "destination_country")
        if not self.items:
            raise CustomsDataInvalid("items", "a parcel on the export list needs at least one item")


def format_business_number(value: str, field: str = "business_number") -> str:
    """A Korean business registration number as ``XXX-XX-XXXXX`` [B1]; raises on a bad check digit."""
    digits = brn.normalize(value)
    if digits is None or not brn.is_valid(digits):
        raise CustomsDataInvalid(field, f"{value!r} is not a valid Korean business registration number")
    return brn.format_number(digits)


