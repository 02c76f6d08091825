"""Demo data for checkout: an open cart for the US demo buyer, ready to check out."""
from __future__ import annotations

from sqlalchemy import select

from shop.core.errors import DomainError

BUYER = "buyer.us@example.com"
ADDRESS = {"name": "Demo Buyer", "line1": "1 Market St", "city": "San Francisco", "region": "CA",
           "postal_code": "94105", "country": "US", "phone": "+1 415 555 0100"}


def seed_carts(session) -> None:
    """Idempotent: the buyer keeps one open demo cart; nothing happens without a purchasable product."""
    from shop.accounts.models import User
    from shop.catalog.models import Product, ProductVariant

    from .models import Cart
    from .services import carts

    user = session.scalar(select(User).where(User.email == BUYER))
    if user is None or session.scalar(select(Cart.id).where(Cart.user_id == user.id, Cart.status == "open")):
        return
    variants = session.scalars(select(ProductVariant.id).join(Product).where(Product.status == "active")
                               .order_by(Product.slug, ProductVariant.position, ProductVariant.id).limit(50)).all()
    cart = carts.create_cart(session, market_code="US", locale="en", user=user)
    for variant_id in variants:
        try:
            with session.begin_nested():
                carts.add_line(session, cart, variant_id, 1)
            break
        except DomainError:
            continue
    if not cart.lines:
        session.delete(cart)
        session.flush()
        return
    carts.set_shipping_address(session, cart, ADDRESS)
    quote = carts.build_quote(session, cart)
    if quote.options:
        carts.choose_shipping(session, cart, quote.options[0].service)
