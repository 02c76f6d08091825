"""AfterShip webhook requests for tests: a realistic tracking_update payload and its signature.

Shared with the shipments tests: ``request(payload, secret)`` gives the headers and raw body
a view receives; ``sample_payload()`` is an EMS parcel from Seoul to New York, with
checkpoints in KST, UTC (``Z``), US Eastern and one without an offset.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json

SECRET = "whsec-aftership-test"
TRACKING_NUMBER = "EE123456785KR"

_CHECKPOINTS = [
    {"checkpoint_time": "2026-11-30T09:12:00+09:00", "tag": "InfoReceived", "subtag": "InfoReceived_001",
     "message": "Shipment information received", "location": None, "city": "Seoul", "state": None,
     "country_iso3": "KOR", "country_name": "South Korea"},
    {"checkpoint_time": "2026-11-30T16:40:00+09:00", "tag": "InTransit", "subtag": "InTransit_002",
     "message": "Posting/Collection", "location": "Seoul Gwangjin", "city": "Seoul", "state": None,
     "country_iso3": "KOR", "country_name": "South Korea"},
    {"checkpoint_time": "2026-12-01T02:05:00Z", "tag": "InTransit", "subtag": "InTransit_007",
     "message": "Departure from outward office of exchange", "location": None, "city": "Incheon", "state": None,
     "country_iso3": "KOR", "country_name": "South Korea"},
    {"checkpoint_time": "2026-12-01T08:30:00-05:00", "tag": "InTransit", "subtag": "InTransit_006",
     "message": "Held by customs", "location": None, "city": "Jamaica", "state": "NY",
     "country_iso3": "USA", "country_name": "United States"},
    {"checkpoint_time": "2026-12-01T17:45:00-05:00", "tag": "InTransit", "subtag": "InTransit_005",
     "message": "Released from customs", "location": None, "city": "Jamaica", "state": "NY",
     "country_iso3": "USA", "country_name": "United States"},
    {"checkpoint_time": "2026-12-02T07:10:00", "tag": "OutForDelivery", "subtag": "OutForDelivery_001",
     "message": "Out for delivery", "location": None, "city": "New York", "state": "NY",
     "country_iso3": "USA", "country_name": "United States"},
    {"checkpoint_time": "2026-12-02T14:03:00-05:00", "tag": "Delivered", "subtag": "Delivered_001",
     "message": "Delivered, front door", "location": "New York, NY 10001", "city": "New York", "state": "NY",
     "country_iso3": "USA", "country_name": "United States"},
]


def sign(body: bytes, secret: str = SECRET) -> str:
    """The ``aftership-hmac-sha256`` header value for ``body``: base64(HMAC-SHA256(secret, body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def checkpoint(**fields) -> dict:
    """One checkpoint like the sample's, with ``fields`` replaced."""
    return {**copy.deepcopy(_CHECKPOINTS[2]), **fields}


def sample_payload(tracking_number: str = TRACKING_NUMBER, *, checkpoints: list[dict] | None = None,
                   tag: str = "Delivered", subtag: str = "Delivered_001", slug: str = "korea-post") -> dict:
    """AfterShip's tracking_update body for one parcel (all checkpoints so far, oldest first)."""
    return {
        "event": "tracking_update",
        "event_id": "4f3c1a7e-9b1d-4a55-8d0e-2a9b6c1d7e01",
        "is_tracking_first_tag": False,
        "msg": {
            "id": "k4c2n8ql0xq5v7f3u1z9w6e2",
            "tracking_number": tracking_number,
            "slug": slug,
            "tag": tag,
            "subtag": subtag,
            "checkpoints": copy.deepcopy(_CHECKPOINTS) if checkpoints is None else checkpoints,
        },
        "ts": 1796224980,
    }


def request(payload: dict | bytes, secret: str = SECRET) -> tuple[dict[str, str], bytes]:
    """(headers, raw body) of a correctly signed webhook request carrying ``payload``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return {"Content-Type": "application/json", "aftership-hmac-sha256": sign(body, secret)}, body
