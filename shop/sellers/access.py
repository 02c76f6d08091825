"""Who may act for a seller: a member of a pending or approved seller; a suspended one only reads."""
from __future__ import annotations

from flask import request

from shop.accounts.auth import require_role
from shop.accounts.models import User
from shop.core.errors import Forbidden

from .errors import SellerSuspended

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_seller() -> User:
    """A member of a pending or approved seller (pending sellers prepare their catalogue).

    A suspended seller may still read (its orders, stock, products) but not change anything.
    """
    user = require_role("seller")
    if not user.seller_id or user.seller is None:
        raise Forbidden()
    if user.seller.status == "suspended" and request.method not in READ_METHODS:
        raise SellerSuspended()
    return user
