"""The one adapter to AfterShip: its tracking-update webhook, verified and read.

AfterShip signs each request with ``aftership-hmac-sha256``: base64(HMAC-SHA256(webhook
secret, raw body)). The body (``event: tracking_update``) carries the tracking in ``msg``
with every checkpoint so far; each checkpoint with a tag Dari tracks becomes one
``TrackingUpdate``. Tags and subtags map to our events through ``data/aftership_tags.json``
(versioned; its ``verified`` notes say which subtags were checked against AfterShip's docs).

A repeated delivery (AfterShip retries, and resends all checkpoints with each update)
gives the same ``external_id`` per checkpoint: a digest of the tracking number and the
checkpoint's time, tag, subtag and message. A checkpoint time without an offset is UTC.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .base import TRACKING_EVENTS, BadSignature, InvalidPayload, TrackingUpdate, compact

SIGNATURE_HEADER = "aftership-hmac-sha256"
TAGS_FILE = Path(__file__).parent / "data" / "aftership_tags.json"
EVENT = "tracking_update"

# ``shipments.tracking_number`` and the tracking event columns (location 200, note 500).
_MAX_TRACKING_NUMBER = 64
_MAX_LOCATION = 200
_MAX_NOTE = 500


@lru_cache(maxsize=1)
def tag_map() -> tuple[dict[str, str | None], dict[str, str | None], str]:
    """(tag -> event, subtag -> event, version) from the data file, every event checked."""
    data = json.loads(TAGS_FILE.read_text(encoding="utf-8"))
    for section in ("tags", "subtags"):
        for key, event in data[section].items():
            if event is not None and event not in TRACKING_EVENTS:
                raise ValueError(f"{TAGS_FILE.name}: {section}.{key}: unknown event {event!r}")
    return data["tags"], data["subtags"], data["version"]


def event_for(tag: str, subtag: str | None) -> str | None:
    """Our event for an AfterShip tag and subtag, or ``None`` for a checkpoint Dari does not track."""
    tags, subtags, _ = tag_map()
    event = tags.get(tag)
    if event is None:
        return None
    if subtag and subtag.startswith(f"{tag}_") and subtag in subtags:
        return subtags[subtag]
    return event


def sign(body: bytes, secret: str) -> str:
    """The ``aftership-hmac-sha256`` value AfterShip sends for ``body``."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    if not secret:
        raise BadSignature("no AfterShip webhook secret configured")
    given = _header(headers, SIGNATURE_HEADER)
    if not given:
        raise BadSignature(f"missing {SIGNATURE_HEADER}")
    if not isinstance(body, bytes | bytearray):
        raise BadSignature("the body must be the raw request bytes")
    expected = sign(bytes(body), secret).encode("ascii")
    if not hmac.compare_digest(expected, given.strip().encode("utf-8", "replace")):
        raise BadSignature(f"{SIGNATURE_HEADER} does not match the body")


def _optional_str(obj: dict, key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidPayload(f"{where}.{key}: a string or null")
    return value or None


def _time(value, where: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise InvalidPayload(f"{where}.checkpoint_time: an ISO-8601 date-time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidPayload(f"{where}.checkpoint_time: not an ISO-8601 date-time: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _location(checkpoint: dict, where: str) -> str | None:
    location = _optional_str(checkpoint, "location", where)
    parts = [_optional_str(checkpoint, key, where) for key in ("city", "state", "country_name")]
    if not location:
        location = ", ".join(p for p in parts if p) or _optional_str(checkpoint, "country_iso3", where)
    return location[:_MAX_LOCATION] if location else None


def external_id(tracking_number: str, occurred_at: datetime, tag: str, subtag: str | None, message: str | None) -> str:
    """The stable id of one checkpoint (50 characters)."""
    key = "|".join((tracking_number, occurred_at.isoformat(), tag, subtag or "", message or ""))
    return "aftership:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _updates(data) -> list[TrackingUpdate]:
    if not isinstance(data, dict):
        raise InvalidPayload("the body is not a JSON object")
    event = data.get("event")
    if event is not None and not isinstance(event, str):
        raise InvalidPayload("event: a string")
    if event is not None and event != EVENT:
        return []  # other notifications (delivery-date revisions…) carry no checkpoints to record
    msg = data.get("msg")
    if not isinstance(msg, dict):
        raise InvalidPayload("msg: an object")
    number = msg.get("tracking_number")
    if not isinstance(number, str) or not compact(number):
        raise InvalidPayload("msg.tracking_number: a non-empty string")
    number = compact(number)
    if len(number) > _MAX_TRACKING_NUMBER:
        raise InvalidPayload(f"msg.tracking_number: at most {_MAX_TRACKING_NUMBER} characters")
    checkpoints = msg.get("checkpoints")
    if checkpoints is None:
        checkpoints = []
    if not isinstance(checkpoints, list):
        raise InvalidPayload("msg.checkpoints: a list")

    updates: dict[str, TrackingUpdate] = {}
    for index, checkpoint in enumerate(checkpoints):
        where = f"msg.checkpoints[{index}]"
        if not isinstance(checkpoint, dict):
            raise InvalidPayload(f"{where}: an object")
        occurred_at = _time(checkpoint.get("checkpoint_time"), where)
        tag = checkpoint.get("tag")
        if not isinstance(tag, str):
            raise InvalidPayload(f"{where}.tag: a string")
        subtag = _optional_str(checkpoint, "subtag", where)
        message = _optional_str(checkpoint, "message", where)
        location = _location(checkpoint, where)
        kind = event_for(tag, subtag)
        if kind is None:
            continue
        ident = external_id(number, occurred_at, tag, subtag, message)
        updates.setdefault(ident, TrackingUpdate(
            tracking_number=number, type=kind, occurred_at=occurred_at, location=location,
            note=message[:_MAX_NOTE] if message else None, external_id=ident))
    return sorted(updates.values(), key=lambda u: u.occurred_at)


class AfterShipWebhook:
    """``TrackingWebhook`` for AfterShip's tracking-update webhook."""

    name = "aftership"

    def parse(self, headers: Mapping[str, str], body: bytes, secret: str) -> list[TrackingUpdate]:
        """The tracked checkpoints of a verified request, in time order (duplicates removed).

        Raises ``BadSignature`` (no secret, missing or wrong ``aftership-hmac-sha256``) before
        reading the body, then ``InvalidPayload`` for a body that is not JSON, not an object,
        has no ``msg.tracking_number``, ``checkpoints`` not a list, or a bad member type or time.
        Pending, Expired and unknown tags are skipped.
        """
        _verify(headers, body, secret)
        try:
            data = json.loads(body)
        except ValueError as exc:  # also UnicodeDecodeError
            raise InvalidPayload(f"not JSON: {exc}") from exc
        return _updates(data)
