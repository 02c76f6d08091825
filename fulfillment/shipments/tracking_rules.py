"""When a tracking event's time lets it move a parcel: against our clock and the hand-over.

Carrier clocks (and staff typing times) drift, so both limits allow ``skew``
(``TRACKING_CLOCK_SKEW_SECONDS``, 5 minutes by default): an event up to ``skew`` ahead
of now counts as now, one up to ``skew`` before the hand-over as the hand-over. Beyond
that an event from the future is refused whoever sends it, while one from before the
hand-over is refused from ops (they can correct it) and, from a carrier (whose feed must
not fail), kept flagged ``before_handover``: listed in the shipment's events for ops and
sellers (not in the buyer's timeline), but it never moves the parcel's status or dates,
nor the order's. ``label_created`` is exempt: a label is made before the parcel leaves.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .errors import EventBeforeHandOver, EventInFuture
from .models import Shipment

DEFAULT_SKEW = timedelta(minutes=5)
BEFORE_HANDOVER = "before_handover"
OPS = "ops"


def clock_skew(config: Mapping) -> timedelta:
    """``TRACKING_CLOCK_SKEW_SECONDS`` of ``config`` (seconds, not negative), else ``DEFAULT_SKEW``."""
    seconds = config.get("TRACKING_CLOCK_SKEW_SECONDS")
    return DEFAULT_SKEW if seconds is None else timedelta(seconds=max(int(seconds), 0))


def check_event_time(shipment: Shipment, *, type: str, occurred_at: datetime, source: str, now: datetime,
                     skew: timedelta = DEFAULT_SKEW) -> tuple[datetime, str | None]:
    """``(time to record the event at, flag)``: ``occurred_at`` against ``now`` and ``shipment``'s
    hand-over (see the module); flag ``None``: the event may move the parcel.

    Raises ``EventInFuture`` (any source, and for a naive time) and, for ``source="ops"``,
    ``EventBeforeHandOver``. A parcel not handed over yet has nothing to compare with: the
    shipment's state rules decide.
    """
    if occurred_at.tzinfo is None or occurred_at > now + skew:
        raise EventInFuture()
    occurred_at = min(occurred_at, now)
    handed_over = shipment.handed_over_at
    if type == "label_created" or handed_over is None or occurred_at >= handed_over:
        return occurred_at, None
    if occurred_at >= handed_over - skew:
        return handed_over, None
    if source == OPS:
        raise EventBeforeHandOver(handed_over_at=handed_over)
    return occurred_at, BEFORE_HANDOVER
