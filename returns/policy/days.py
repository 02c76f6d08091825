"""Calendar days where the buyer is: the zone a period is counted in, and its local days.

Laws count calendar days where the consumer is, so a parcel delivered at 23:26 UTC on
7 December was delivered on 8 December in Tokyo. ``data/time_zones.json`` lists the IANA
zones of every country Dari ships to (``IANA-TZ``); the shipping address's country picks
them. Where a country spans several zones, the period is counted in the one whose last day
ends latest — the reading most favourable to the buyer (``DARI-RP7``). Naive datetimes are
UTC (as the database stores them); a ``date`` is taken as already local.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent / "data" / "time_zones.json"
SOURCES = ("DARI-RP7", "IANA-TZ")


@lru_cache(maxsize=1)
def zone_data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def zones_for(country: str | None) -> tuple[str, ...]:
    """The IANA zones of ``country`` (ISO 3166 alpha-2); UTC for a country the data does not know."""
    return tuple(zone_data()["zones"].get((country or "").upper(), ("UTC",)))


@dataclass(frozen=True)
class LocalDays:
    """A period counted in ``zone``: the local day it starts from, the local day asked about, its last day."""

    zone: str | None  # None: dates were given, already local
    start: date
    on: date
    last_day: date | None


def local_day(value: datetime | date, zone: ZoneInfo) -> date:
    if not isinstance(value, datetime):
        return value
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone).date()


def count(start_at: datetime | date, on_at: datetime | date, zones: Sequence[str] | None,
          last_day_of: Callable[[date], date | None]) -> LocalDays:
    """The period that starts on ``start_at`` (its last day: ``last_day_of(local start day)``), counted in
    the zone of ``zones`` whose last day ends latest, with the local day of ``on_at`` in that zone.

    No ``zones`` counts in UTC. A period without a last day is counted in the first zone.
    """
    best: tuple[datetime, LocalDays] | None = None
    for name in zones or ("UTC",):
        zone = ZoneInfo(name)
        start = local_day(start_at, zone)
        last = last_day_of(start)
        days = LocalDays(zone=name if isinstance(start_at, datetime) else None, start=start,
                         on=local_day(on_at, zone), last_day=last)
        if last is None:
            return days
        ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        if best is None or ends > best[0]:
            best = (ends, days)
    return best[1]
