"""Builders for checkout tests, through the real catalog, inventory and checkout services."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import time

from shop.sellers.services import apply_seller, change_status
from tests.factories import business_number
from tests.shop.catalog.helpers import make_product, variant
from tests.shop.payments.stripe_fixtures import WEBHOOK_SECRET

_n = itertools.count(1)
US_ADDRESS = {"name": "Jane Doe", "line1": "1 Main St", "city": "Springfield", "region": "IL",
              "postal_code": "62701", "country": "US", "phone": "+1 217 555 0142"}
ADDRESSES = {
    "US": US_ADDRESS,
    "JP": {"name": "山田花子", "line1": "1-1 Chiyoda", "city": "Tokyo", "postal_code": "100-0001", "country": "JP",
           "phone": "+81 3-1234-5678"},
    "EU": {"name": "Max Muster", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE",
           "phone": "+49 30 1234567"},
    "VN": {"name": "Nguyễn Văn A", "line1": "1 Lê Lợi", "city": "Hà Nội", "postal_code": "100000", "country": "VN",
           "phone": "+84 24 3825 1234"},
    "TW": {"name": "王小明", "line1": "1 Zhongshan Rd", "city": "Taipei", "postal_code": "100", "country": "TW",
           "phone": "+886 2 2311 1234"},
    "GB": {"name": "John Smith", "line1": "1 High St", "city": "London", "postal_code": "SW1A 1AA", "country": "GB",
           "phone": "+44 20 7946 0018"},
    "CN": {"name": "李华", "line1": "1 Dongchang'an Ave", "city": "Beijing", "region": "BJ", "postal_code": "100006",
           "country": "CN", "phone": "+86 10 6512 3456"},
}


def make_seller(session):
    number = business_number()
    n = next(_n)
    seller, _ = apply_seller(session, legal_name=f"체크아웃 상사 {n}", business_number=number,
                             contact_email=f"co{n}@example.kr",
                             owner_email=f"co-owner{n}-{os.urandom(3).hex()}@example.kr",
                             owner_password="correct horse battery")
    change_status(session, seller.id, "approve")
    session.commit()
    return seller


def make_item(session, seller=None, *, stock: int = 10, warehouse=None, category: str = "household",
              hs_code: str = "691200", locales=("ko", "en", "ja", "zh-Hans"), **variant_fields):
    """An active product with one variant and ``stock`` units in a consolidation warehouse; returns the variant."""
    from tests.fulfillment.inventory.inventory_helpers import make_warehouse, put_stock

    seller = seller or make_seller(session)
    spec = variant(**{"weight_g": 400, "length_mm": 150, "width_mm": 100, "height_mm": 80, **variant_fields})
    product = make_product(session, seller, category=category, hs_code=hs_code,
                           locales=locales, variants=[spec])
    the_variant = product.variants[0]
    if stock:
        put_stock(session, the_variant.id, warehouse or make_warehouse(session, "consolidation"), stock)
    return the_variant


def ready_cart(client, market: str, variant_id: str, *, quantity: int = 1, service: str | None = "ems",
               headers: dict | None = None, email: str = "buyer@example.com", locale: str | None = None) -> dict:
    """A cart with one line, an address and a shipping option, through the API."""
    body = {"market": market, "email": email}
    if locale:
        body["locale"] = locale
    response = client.post("/api/v1/store/carts", json=body, headers=headers or {})
    assert response.status_code == 201, response.json
    cart_id = response.json["id"]
    response = client.post(f"/api/v1/store/carts/{cart_id}/lines", json={"variant_id": variant_id,
                                                                         "quantity": quantity}, headers=headers or {})
    assert response.status_code == 201, response.json
    response = client.put(f"/api/v1/store/carts/{cart_id}/shipping-address", json=ADDRESSES[market],
                          headers=headers or {})
    assert response.status_code == 200, response.json
    if service:
        response = client.put(f"/api/v1/store/carts/{cart_id}/shipping-option", json={"service": service},
                              headers=headers or {})
        assert response.status_code == 200, response.json
    return response.json


def checkout(client, cart_id: str, key: str | None = None, headers: dict | None = None):
    return client.post(f"/api/v1/store/carts/{cart_id}/checkout",
                       headers={"Idempotency-Key": key or os.urandom(8).hex(), **(headers or {})})


def signed_event(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, dict]:
    """A webhook body and headers signed the way Stripe (and localstripe) sign them."""
    payload = json.dumps(event).encode()
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), b"%d." % timestamp + payload, hashlib.sha256).hexdigest()
    return payload, {"Stripe-Signature": f"t={timestamp},v1={signature}", "Content-Type": "application/json"}


def intent_event(event_type: str, intent_id: str, amount: int, currency: str, *, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_{os.urandom(8).hex()}", "object": "event", "type": event_type,
            "created": int(time.time()), "api_version": "2017-08-15",
            "data": {"object": {"id": intent_id, "object": "payment_intent", "amount": amount,
                                "amount_received": amount if event_type.endswith("succeeded") else 0,
                                "currency": currency.lower(), "status": "succeeded"
                                if event_type.endswith("succeeded") else "requires_payment_method",
                                "metadata": {}}}}


def post_event(client, event: dict, secret: str = WEBHOOK_SECRET):
    payload, headers = signed_event(event, secret)
    return client.post("/api/v1/payments/stripe/webhook", data=payload, headers=headers)
