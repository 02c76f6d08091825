"""The carrier contract: what shipments need from a carrier and from a tracking webhook.

Values crossing the seam are frozen dataclasses; failures are ``CarrierError`` subclasses
(plain exceptions with English messages, no HTTP status: the shipments package maps them
to problem documents). Every ``TrackingUpdate`` carries an aware UTC time and one of
``TRACKING_EVENTS``, whoever built it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

# The parcel's journey as Dari records it (``tracking_events.type``).
TRACKING_EVENTS = ("label_created", "picked_up", "in_transit", "customs_hold", "customs_cleared",
                   "out_for_delivery", "delivered", "exception", "returned_to_sender")


class CarrierError(Exception):
    """Something a carrier adapter could not do; see the subclasses."""


class InvalidTrackingNumber(CarrierError):
    """A tracking number that does not have the carrier's format (or check digit)."""

    def __init__(self, carrier: str, value: object, reason: str):
        super().__init__(f"{value!r} is not a valid {carrier} tracking number: {reason}")
        self.carrier = carrier
        self.value = value
        self.reason = reason


class BadSignature(CarrierError):
    """A webhook whose signature is missing or wrong, or no secret to check it against."""


class InvalidPayload(CarrierError):
    """A correctly signed webhook whose body is not what the provider documents."""


class CarrierUnavailable(CarrierError):
    """The outside system failed or could not be reached; nothing is known to have changed. Retryable."""


_SEPARATORS = re.compile(r"[\s\-]+")


def compact(value: str) -> str:
    """``value`` without whitespace or hyphens, upper case: how tracking numbers are stored and compared."""
    return _SEPARATORS.sub("", value).upper()


@dataclass(frozen=True, kw_only=True)
class Party:
    """Sender or receiver of a parcel; ``country`` is ISO 3166-1 alpha-2."""

    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str | None = None
    country: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class PackageSpec:
    """One box as packed: grams and millimetres."""

    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class BookingRequest:
    """What a carrier needs to book one shipment (one or more boxes) and print its label."""

    shipment_id: str
    reference: str  # printed on the label (the shipment number)
    carrier: str
    service: str
    sender: Party
    receiver: Party
    packages: tuple[PackageSpec, ...]
    declared_value_minor: int
    currency: str
    incoterm: str  # DDP or DAP


@dataclass(frozen=True)
class Booking:
    """A booked shipment: the carrier's tracking number and where its label is."""

    tracking_number: str
    label_reference: str
    label_url: str | None = None


@dataclass(frozen=True)
class TrackingUpdate:
    """One thing that happened to a parcel, at the carrier's time.

    ``occurred_at`` must be aware and is kept in UTC; ``type`` must be one of
    ``TRACKING_EVENTS`` (a ``ValueError`` otherwise: a bug in the adapter, not bad input).
    ``external_id`` identifies the event at its source so that a repeated delivery is
    recorded once (at most 64 characters).
    """

    tracking_number: str
    type: str
    occurred_at: datetime
    location: str | None = None
    note: str | None = None
    external_id: str | None = None

    def __post_init__(self):
        if self.type not in TRACKING_EVENTS:
            raise ValueError(f"unknown tracking event type {self.type!r}")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be an aware datetime")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(timezone.utc))
        if self.external_id is not None and len(self.external_id) > 64:
            raise ValueError("external_id: at most 64 characters")


@runtime_checkable
class Carrier(Protocol):
    """One carrier as shipments use it. Methods that talk to the outside world raise
    ``CarrierUnavailable`` when it fails: never call them with a transaction open or a row locked."""

    code: str  # the carrier code orders use (``korea_post``, ``dhl_express``)

    def book(self, request: BookingRequest) -> Booking | None:
        """Book the shipment and get its label; ``None`` when the carrier has no booking
        service here (staff book it themselves and enter the tracking number)."""

    def cancel(self, tracking_number: str) -> None:
        """Cancel a booking that has not been handed over (a no-op where nothing was booked)."""

    def fetch_events(self, tracking_number: str) -> list[TrackingUpdate]:
        """Every event the carrier reports for the parcel, in time order ([] when it cannot be polled)."""

    def tracking_url(self, tracking_number: str) -> str | None:
        """The carrier's public tracking page for the parcel, if it has one."""

    def normalize_tracking_number(self, value: str) -> str:
        """``value`` as stored (no spaces or hyphens, upper case); ``InvalidTrackingNumber``
        when it does not have the carrier's format."""


@runtime_checkable
class TrackingWebhook(Protocol):
    """A tracking provider pushing events to us."""

    name: str  # the provider, as in the webhook's URL and ``TRACKING_WEBHOOK_SECRETS``

    def parse(self, headers: Mapping[str, str], body: bytes, secret: str) -> list[TrackingUpdate]:
        """The events of one webhook request, after verifying its signature against ``secret``.

        ``body`` is the raw request body (the signature covers its bytes). Raises
        ``BadSignature`` (missing or wrong signature, empty secret) before reading anything,
        then ``InvalidPayload`` for a body that is not what the provider documents.
        Events Dari does not track are left out, not an error.
        """
