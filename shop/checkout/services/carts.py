"""Carts: create, read (with ownership), lines, address, shipping option."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import LOCALES
from shop.catalog.errors import NotPurchasable
from shop.catalog.services import get_variant_for_market
from shop.core.db import utcnow
from shop.core.errors import NotFound, UnsupportedLocale
from shop.markets.services import get_market
from shop.orders.return_terms import acknowledgement, line_exclusions

from ..address import normalize_address
from ..errors import CartClosed, NothingToAcknowledge, NotPurchasableHere, QuantityTooLarge, ShippingOptionUnavailable
from ..models import MAX_LINE_QUANTITY, Cart, CartLine
from .quote import _reason_dicts, build_quote


def create_cart(session: Session, *, market_code: str, locale: str | None = None, email: str | None = None,
                user=None) -> Cart:
    """A new open cart in ``market_code`` (its currency); owned by ``user`` when signed in."""
    market = get_market(session, market_code)
    if locale is not None and locale not in LOCALES:
        raise UnsupportedLocale()
    cart = Cart(market_code=market.code, currency=market.currency, locale=locale or market.default_locale,
                email=(email or (user.email if user is not None else None)),
                user_id=user.id if user is not None else None)
    session.add(cart)
    session.flush()
    return cart


def get_cart(session: Session, cart_id: str, user=None, *, for_update: bool = False) -> Cart:
    """The cart if the caller may see it: its owner, or anyone holding a guest cart's id.

    Another customer's cart is a ``NotFound`` (never a 403 that would confirm it exists).
    """
    query = select(Cart).where(Cart.id == cart_id)
    if for_update:
        query = query.with_for_update()
    cart = session.scalar(query)
    if cart is None:
        raise NotFound()
    if cart.user_id is not None and (user is None or user.id != cart.user_id):
        raise NotFound()
    return cart


def _open(cart: Cart) -> None:
    if cart.status != "open":
        raise CartClosed(cart.order_id)


def update_cart(session: Session, cart: Cart, changes: dict) -> Cart:
    _open(cart)
    for key in ("email", "locale"):
        if key in changes:
            setattr(cart, key, changes[key])
    session.flush()
    return cart


def _check_purchasable(session: Session, cart: Cart, variant_id: str):
    try:
        return get_variant_for_market(session, variant_id, cart.market_code)
    except NotPurchasable as exc:
        raise NotPurchasableHere(_reason_dicts(exc), variant_id=variant_id) from exc


def add_line(session: Session, cart: Cart, variant_id: str, quantity: int) -> CartLine:
    """Add ``quantity`` of a variant purchasable in the cart's market (merging with its line)."""
    _open(cart)
    variant = _check_purchasable(session, cart, variant_id)
    line = next((ln for ln in cart.lines if ln.variant_id == variant.id), None)
    total = quantity + (line.quantity if line else 0)
    if total > MAX_LINE_QUANTITY:
        raise QuantityTooLarge(max=MAX_LINE_QUANTITY)
    if line is None:
        line = CartLine(variant_id=variant.id, quantity=quantity)
        cart.lines.append(line)
    else:
        line.quantity = total
    session.flush()
    return line


def _line(cart: Cart, line_id: str) -> CartLine:
    line = next((ln for ln in cart.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound()
    return line


def update_line(session: Session, cart: Cart, line_id: str, quantity: int) -> CartLine:
    _open(cart)
    line = _line(cart, line_id)
    if quantity > MAX_LINE_QUANTITY:
        raise QuantityTooLarge(max=MAX_LINE_QUANTITY)
    if quantity > line.quantity:
        _check_purchasable(session, cart, line.variant_id)
    line.quantity = quantity
    session.flush()
    return line


def acknowledge_return_exclusions(session: Session, cart: Cart, line_id: str, *, acknowledged: bool) -> CartLine:
    """Record (or, ``acknowledged`` False, withdraw) the buyer's acknowledgement of what the line
    could not be returned for a change of mind; the order line keeps it at checkout.

    ``NothingToAcknowledge`` when the line has no exclusion in the cart's market.
    """
    _open(cart)
    line = _line(cart, line_id)
    if not acknowledged:
        line.return_acknowledgement = None
    else:
        exclusions = line_exclusions(session, cart.market_code, line.variant.product.category)
        if not exclusions:
            raise NothingToAcknowledge()
        line.return_acknowledgement = acknowledgement(session, cart.market_code, exclusions, utcnow())
    session.flush()
    return line


def remove_line(session: Session, cart: Cart, line_id: str) -> None:
    _open(cart)
    cart.lines.remove(_line(cart, line_id))
    session.flush()


def set_shipping_address(session: Session, cart: Cart, address: dict) -> Cart:
    """Validate and store the address; a shipping choice that no longer fits is cleared."""
    _open(cart)
    market = get_market(session, cart.market_code)
    cart.shipping_address = normalize_address(address, market.countries, market.code)
    session.flush()
    if cart.shipping_service:
        quote = build_quote(session, cart)
        if quote.selected is None:
            cart.shipping_service = None
            session.flush()
    return cart


def choose_shipping(session: Session, cart: Cart, service: str) -> Cart:
    """Pick one of the quote's shipping options; raises ``ShippingOptionUnavailable`` otherwise."""
    _open(cart)
    cart.shipping_service = service
    quote = build_quote(session, cart)
    if quote.selected is None:
        cart.shipping_service = None
        raise ShippingOptionUnavailable(service, quote.refusals.get(service) or "not_offered")
    session.flush()
    return cart


def reopen_cart(sender, *, session: Session, order, **_) -> None:
    """``order_canceled`` subscriber: the cart the order came from opens again for another try."""
    cart = session.get(Cart, order.cart_id)
    if cart is not None and cart.order_id == order.id:
        cart.status = "open"
        session.flush()

