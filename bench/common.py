"""What several benchmarks build the same way: a paid order through the real checkout services."""
from __future__ import annotations

ADDRESS = {"name": "Bench Buyer", "line1": "1 Market St", "city": "San Francisco", "region": "CA",
           "postal_code": "94105", "country": "US", "phone": "+14155550100"}


def paid_order(session, variant_ids, *, key: str, market: str = "US", address: dict | None = None,
               email: str = "bench@example.com") -> str:
    """Cart, address, EMS, ``place_order``, a recorded demo payment (captured) and ``mark_paid``; the order id."""
    from shop.checkout.services import carts
    from shop.checkout.services.checkout import place_order
    from shop.orders import services as orders
    from shop.payments.models import Payment

    cart = carts.create_cart(session, market_code=market, locale="en", email=email)
    for variant_id in variant_ids:
        carts.add_line(session, cart, variant_id, 1)
    carts.set_shipping_address(session, cart, address or ADDRESS)
    carts.choose_shipping(session, cart, "ems")
    order, _ = place_order(session, cart.id, key=key)
    session.add(Payment(order_id=order.id, provider="demo", intent_id=f"demo_{order.id}", client_secret=None,
                        amount_minor=order.total_minor, currency=order.currency, status="succeeded",
                        captured_minor=order.total_minor))
    orders.mark_paid(session, order)
    session.commit()
    return order.id
