"""``ManualCarrier``: a carrier without an outside service (staff book at the counter).

``book`` returns ``None`` (staff enter the tracking number), ``cancel`` has nothing to
undo, ``fetch_events`` has nothing to poll (tracking arrives by webhook or from ops).
What it does know comes from ``data/carriers.json``: the carrier's name, its public
tracking page, and the format of its tracking numbers:

=========  ===============================================================================
s10        UPU S10 (Korea Post EMS, K-Packet, registered): 2 letters, 8-digit serial, check
           digit, 2-letter country — ``EE123456785KR``. The check digit is verified.
digits10   exactly 10 digits (DHL Express waybills).
generic    6 to 40 of A–Z and 0–9 (any carrier without a known format).
=========  ===============================================================================
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from .base import Booking, BookingRequest, InvalidTrackingNumber, TrackingUpdate, compact

DATA_FILE = Path(__file__).parent / "data" / "carriers.json"

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"[A-Z]{2}([0-9]{8})([0-9])[A-Z]{2}")
_DIGITS10 = re.compile(r"[0-9]{10}")
_GENERIC = re.compile(r"[A-Z0-9]{6,40}")


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial number."""
    if not re.fullmatch(r"[0-9]{8}", serial):
        raise ValueError("an S10 serial number is 8 digits")
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(check, check)


def _s10(number: str) -> str | None:
    match = _S10.fullmatch(number)
    if not match:
        return "expected 2 letters, 9 digits and a 2-letter country code (UPU S10)"
    if s10_check_digit(match[1]) != int(match[2]):
        return "the check digit does not match"
    return None


def _digits10(number: str) -> str | None:
    return None if _DIGITS10.fullmatch(number) else "expected 10 digits"


def _generic(number: str) -> str | None:
    return None if _GENERIC.fullmatch(number) else "expected 6 to 40 letters and digits"


# Format name (``number_format`` in the data file) -> why a compacted number fails it, or None.
NUMBER_FORMATS: dict[str, Callable[[str], str | None]] = {"s10": _s10, "digits10": _digits10, "generic": _generic}


@dataclass(frozen=True)
class CarrierInfo:
    code: str
    name: str
    tracking_url: str | None  # template with ``{tracking_number}``
    number_format: str


@lru_cache(maxsize=1)
def _carriers() -> tuple[dict[str, CarrierInfo], str]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    default_format = data["default"]["number_format"]
    carriers = {}
    for code, row in data["carriers"].items():
        info = CarrierInfo(code=code, name=row["name"], tracking_url=row.get("tracking_url"),
                           number_format=row["number_format"])
        if info.number_format not in NUMBER_FORMATS:
            raise ValueError(f"{DATA_FILE.name}: {code}: unknown number_format {info.number_format!r}")
        if info.tracking_url is not None and "{tracking_number}" not in info.tracking_url:
            raise ValueError(f"{DATA_FILE.name}: {code}: tracking_url has no {{tracking_number}}")
        carriers[code] = info
    if default_format not in NUMBER_FORMATS:
        raise ValueError(f"{DATA_FILE.name}: default: unknown number_format {default_format!r}")
    return carriers, default_format


def known_carriers() -> tuple[str, ...]:
    """The carrier codes the data file describes."""
    return tuple(_carriers()[0])


def carrier_info(code: str) -> CarrierInfo:
    """The data file's row for ``code``; a carrier it does not list gets its code as name,
    no tracking link and the generic number format."""
    carriers, default_format = _carriers()
    return carriers.get(code) or CarrierInfo(code=code, name=code, tracking_url=None, number_format=default_format)


class ManualCarrier:
    """``Carrier`` for a carrier booked by hand: tracking links and number checks only.

    ``config`` is accepted (and unused) so that the registry builds every adapter the same way.
    """

    def __init__(self, code: str, config: Mapping | None = None):
        self.code = code
        self.info = carrier_info(code)

    @property
    def name(self) -> str:
        return self.info.name

    def book(self, request: BookingRequest) -> Booking | None:
        return None

    def cancel(self, tracking_number: str) -> None:
        return None

    def fetch_events(self, tracking_number: str) -> list[TrackingUpdate]:
        return []

    def normalize_tracking_number(self, value: str) -> str:
        """``value`` without spaces or hyphens, upper case, checked against the carrier's format.

        Raises ``InvalidTrackingNumber`` (with the reason) for anything else, a non-string included.
        """
        if not isinstance(value, str):
            raise InvalidTrackingNumber(self.code, value, "not a string")
        number = compact(value)
        reason = NUMBER_FORMATS[self.info.number_format](number)
        if reason:
            raise InvalidTrackingNumber(self.code, value, reason)
        return number

    def tracking_url(self, tracking_number: str) -> str | None:
        """The carrier's tracking page for the number; ``None`` without a template, or for a
        number that does not validate (a page must not fail to render over a bad old number)."""
        if not self.info.tracking_url:
            return None
        try:
            number = self.normalize_tracking_number(tracking_number)
        except InvalidTrackingNumber:
            return None
        return self.info.tracking_url.replace("{tracking_number}", quote(number, safe=""))

    def __repr__(self) -> str:
        return f"ManualCarrier({self.code!r})"
