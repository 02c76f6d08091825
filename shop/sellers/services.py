"""Seller onboarding and profile."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.accounts.models import User
from shop.accounts.services import create_user
from shop.core.db import utcnow
from shop.core.errors import NotFound

from . import brn
from .errors import BusinessNumberTaken, InvalidBusinessNumber, InvalidSellerTransition
from .models import Seller

PROFILE_FIELDS = ("display_names", "contact_email", "contact_phone", "return_address",
                  "return_window_days", "pays_change_of_mind_shipping", "warranty_months", "categories")
TRANSITIONS = {"approve": ({"pending", "suspended"}, "approved"), "suspend": ({"pending", "approved"}, "suspended")}


def apply_seller(session: Session, *, legal_name: str, business_number: str, contact_email: str,
                 owner_email: str, owner_password: str, owner_name: str | None = None,
                 display_names: dict | None = None, contact_phone: str | None = None,
                 categories: list | None = None) -> tuple[Seller, User]:
    """Register a company and its owner account; the seller starts ``pending``.

    Raises ``InvalidBusinessNumber`` when the check digit fails, ``BusinessNumberTaken``
    or ``EmailTaken`` on duplicates.
    """
    digits = brn.normalize(business_number)
    if digits is None or not brn.is_valid(digits):
        raise InvalidBusinessNumber()
    if session.scalar(select(Seller.id).where(Seller.business_number == digits)):
        raise BusinessNumberTaken()
    seller = Seller(legal_name=legal_name, business_number=digits, contact_email=contact_email,
                    contact_phone=contact_phone, display_names=display_names or {},
                    categories=categories or [], status="pending")
    session.add(seller)
    session.flush()
    owner = create_user(session, owner_email, owner_password, role="seller", name=owner_name,
                        seller_id=seller.id, seller_role="owner")
    return seller, owner


def get_seller(session: Session, seller_id: str) -> Seller:
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound()
    return seller


def change_status(session: Session, seller_id: str, action: str, reason: str | None = None) -> Seller:
    """``approve`` or ``suspend`` a seller; raises ``InvalidSellerTransition``."""
    seller = get_seller(session, seller_id)
    sources, target = TRANSITIONS[action]
    if seller.status not in sources:
        raise InvalidSellerTransition(current=seller.status, target=target)
    seller.status = target
    seller.status_reason = reason
    if target == "approved":
        seller.approved_at = utcnow()
    session.flush()
    return seller


def update_profile(session: Session, seller: Seller, changes: dict) -> Seller:
    for key, value in changes.items():
        if key in PROFILE_FIELDS:
            setattr(seller, key, value)
    session.flush()
    return seller


def add_staff(session: Session, seller: Seller, *, email: str, password: str, name: str | None = None) -> User:
    """Create a staff account bound to ``seller`` (the owner's call)."""
    return create_user(session, email, password, role="seller", name=name, seller_id=seller.id, seller_role="staff")


def list_members(session: Session, seller: Seller) -> list[User]:
    return list(session.scalars(select(User).where(User.seller_id == seller.id).order_by(User.created_at, User.id)))
