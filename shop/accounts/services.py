"""Accounts: registration, password sign-in with throttling, opaque bearer tokens."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop.db import utcnow

from .errors import EmailTaken, InvalidCredentials, InvalidToken, TooManyAttempts, WeakPassword
from .models import ROLES, ApiToken, LoginAttempt, User

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# A hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(min=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def create_user(session: Session, email: str, password: str, *, role: str = "customer",
                name: str | None = None, locale: str | None = None,
                seller_id: str | None = None, seller_role: str | None = None) -> User:
    """Create a user; raises ``EmailTaken`` or ``WeakPassword``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role}")
    email = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == email)):
        raise EmailTaken()
    user = User(email=email, password_hash=hash_password(password), role=role, name=name,
                locale=locale, seller_id=seller_id, seller_role=seller_role)
    session.add(user)
    session.flush()
    return user


def _token_hash(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _recent_failures(session: Session, email: str, window: timedelta) -> int:
    since = utcnow() - window
    return session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
        )
    ) or 0


def authenticate(session: Session, email: str, password: str, *, secret_key: str,
                 token_ttl: timedelta, max_failures: int, window: timedelta,
                 remote_addr: str | None = None) -> tuple[str, ApiToken]:
    """Check the password and issue a token; returns ``(plain_token, ApiToken)``.

    After ``max_failures`` failed attempts for an e-mail within ``window`` every
    attempt is refused with ``TooManyAttempts`` until the window has passed.
    Failed attempts are recorded even though the caller's transaction continues,
    so the caller must commit after a failure too.
    """
    email = normalize_email(email)
    if _recent_failures(session, email, window) >= max_failures:
        raise TooManyAttempts(minutes=int(window.total_seconds() // 60))
    user = session.scalar(select(User).where(User.email == email))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email, succeeded=ok, remote_addr=remote_addr))
    if not ok:
        session.flush()
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return issue_token(session, user, secret_key=secret_key, ttl=token_ttl)


def issue_token(session: Session, user: User, *, secret_key: str, ttl: timedelta) -> tuple[str, ApiToken]:
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_token_hash(secret_key, plain), expires_at=utcnow() + ttl)
    session.add(token)
    session.flush()
    return plain, token


def resolve_token(session: Session, plain: str, *, secret_key: str) -> ApiToken:
    """The live token for a bearer string; raises ``InvalidToken``."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret_key, plain)))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow() or not token.user.is_active:
        raise InvalidToken()
    return token


def revoke_token(session: Session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
