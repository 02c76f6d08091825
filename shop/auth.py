"""Who is asking, for every package's handlers: bearer tokens and roles (``shop.accounts.auth``) and
seller membership (``shop.sellers.access``). ``accounts`` and ``sellers`` import those modules
directly; this one sits above both.
"""
from shop.accounts.auth import (
    BEARER,
    BEARER_OR_GUEST,
    current_token,
    current_user,
    require_role,
    require_user,
    roles_required,
)
from shop.sellers.access import READ_METHODS, require_seller

__all__ = ["BEARER", "BEARER_OR_GUEST", "READ_METHODS", "current_token", "current_user", "require_role",
           "require_seller", "require_user", "roles_required"]
