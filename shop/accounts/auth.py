"""Who is asking: bearer-token resolution and role checks (the seller check is ``shop.sellers.access``)."""
from __future__ import annotations

import functools

from flask import current_app, request

from shop.core.db import db
from shop.core.errors import Forbidden

from .errors import InvalidToken
from .models import User
from .services import resolve_token

# OpenAPI security of an operation: a bearer token is needed (BEARER), or a guest may come too,
# while a token that is sent must be good (BEARER_OR_GUEST: a bad one is still a 401).
BEARER = [{"bearerAuth": []}]
BEARER_OR_GUEST = [{"bearerAuth": []}, {}]


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def current_token():
    """The request's live token (cached on the request), None when anonymous."""
    cache = request.environ
    if "dari.token" not in cache:
        plain = _bearer()
        cache["dari.token"] = (resolve_token(db.session, plain, secret_key=current_app.config["SECRET_KEY"])
                               if plain else None)
    return cache["dari.token"]


def current_user() -> User | None:
    """The signed-in user, or None for an anonymous request; a bad token is a 401."""
    token = current_token()
    return token.user if token else None


def require_user() -> User:
    user = current_user()
    if user is None:
        raise InvalidToken()
    return user


def require_role(*roles: str) -> User:
    user = require_user()
    if user.role not in roles:
        raise Forbidden()
    return user


def roles_required(*roles: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator
