"""Accounts: registration, password sign-in with throttling, opaque bearer tokens."""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shop.core.clients import client_network
from shop.core.db import UnitOfWork, utcnow

from .errors import EmailTaken, InvalidCredentials, InvalidToken, TooManyAttempts, WeakPassword
from .models import ROLES, ApiToken, LoginAttempt, LoginThrottle, User

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


@dataclass(frozen=True)
class LoginLimits:
    """The throttle's settings: ``LOGIN_MAX_FAILURES``, ``LOGIN_MAX_FAILURES_PER_ADDRESS``, the window.

    A limit of 0 (or less) turns that limit off.
    """

    per_account: int
    per_client: int
    window: timedelta

    @classmethod
    def from_config(cls, config) -> "LoginLimits":
        return cls(per_account=int(config["LOGIN_MAX_FAILURES"]),
                   per_client=int(config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)),
                   window=timedelta(minutes=int(config["LOGIN_FAILURE_WINDOW_MINUTES"])))


@dataclass(frozen=True)
class _Keys:
    account: str
    client: str
    pair: str

    @classmethod
    def of(cls, email: str, client: str) -> "_Keys":
        return cls(account=f"account:{email}", client=f"client:{client}", pair=f"client-account:{client} {email}")

    def sorted(self) -> list[str]:
        return sorted((self.account, self.client, self.pair))


def _insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LoginThrottle)


def _lock_counters(session: Session, keys: _Keys, now: datetime) -> dict[str, LoginThrottle]:
    """The three counter rows, created if missing, locked in key order until the transaction ends.

    PostgreSQL: ``SELECT … FOR UPDATE`` (a parallel sign-in on any of the keys waits here, and
    then reads the count this one left); one order of locks for every request, so no deadlock.
    SQLite: every transaction is ``BEGIN IMMEDIATE``, so writers are serialised already.
    """
    ordered = keys.sorted()
    session.execute(_insert(session).values([{"key": key, "window_started_at": now, "failures": 0}
                                             for key in ordered]).on_conflict_do_nothing(index_elements=["key"]))
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(ordered)).order_by(LoginThrottle.key)
                           .with_for_update().execution_options(populate_existing=True)).all()
    return {row.key: row for row in rows}


def _live(row: LoginThrottle, now: datetime, window: timedelta) -> int:
    """Failures counted in the row's current window (0 once the window has passed)."""
    return row.failures if row.window_started_at + window > now else 0


def _seconds_left(row: LoginThrottle, now: datetime, window: timedelta) -> int:
    return max(math.ceil((row.window_started_at + window - now).total_seconds()), 1)


def _refusal(rows: dict[str, LoginThrottle], keys: _Keys, limits: LoginLimits, now: datetime) -> int | None:
    """Seconds until this client may try again, or None when it may try now (the rule: ``authenticate``)."""
    window = limits.window
    account, client, pair = rows[keys.account], rows[keys.client], rows[keys.pair]
    waits = []
    if limits.per_client > 0 and _live(client, now, window) >= limits.per_client:
        waits.append(_seconds_left(client, now, window))
    if limits.per_account > 0 and _live(pair, now, window) >= limits.per_account:
        waits.append(_seconds_left(pair, now, window))
    if limits.per_account > 0 and _live(pair, now, window) > 0 and _live(account, now, window) >= limits.per_account:
        # Free again when the account's window passes, or sooner once this client's own failures have.
        waits.append(min(_seconds_left(account, now, window), _seconds_left(pair, now, window)))
    return max(waits) if waits else None


def _count_failure(row: LoginThrottle, now: datetime, window: timedelta) -> None:
    if _live(row, now, window) == 0:
        row.window_started_at, row.failures = now, 1
    else:
        row.failures += 1


def _give_back(session: Session, keys: _Keys, reserved_at: datetime) -> None:
    """After a correct password: the attempt counted in advance was no failure.

    The client's count on this account starts again (it knows the password); the account's and
    the client's overall counts lose this attempt, unless their window has restarted since (then
    it was not counted there). One key per statement, in key order, as the reservation locked them.
    """
    for key in keys.sorted():
        if key == keys.pair:
            session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(failures=0))
        else:
            session.execute(update(LoginThrottle).where(
                LoginThrottle.key == key, LoginThrottle.failures > 0,
                LoginThrottle.window_started_at <= reserved_at).values(failures=LoginThrottle.failures - 1))


def authenticate(uow: UnitOfWork, email: str, password: str, *, secret_key: str, token_ttl: timedelta,
                 limits: LoginLimits, remote_addr: str | None = None) -> tuple[str, ApiToken]:
    """Check the password and issue a token; returns ``(plain_token, ApiToken)``, for the caller to commit.

    The throttle counts failed sign-ins in fixed windows (``limits.window``, from the first
    failure counted) under three keys: the account (the e-mail, known or not), the client
    (``shop.core.clients.client_network``: the IPv4 address or the IPv6 /64, so rotating through
    one's own network does not help), and the pair of both. A client is refused with
    ``TooManyAttempts`` (429, ``retry_after`` = seconds until the window that refused it
    passes), before any password is checked, when

    - its address has failed ``limits.per_client`` times, on any accounts (a spray over many
      accounts: ``LOGIN_MAX_FAILURES_PER_ADDRESS``);
    - it has failed ``limits.per_account`` times on this account (``LOGIN_MAX_FAILURES``); or
    - the account has failed ``limits.per_account`` times, from anywhere, and this client
      has failed on it too in its window.

    Why the last rule applies only to clients that have failed themselves: an account-wide
    lock-out would let anyone lock any owner (an admin included) out with a few anonymous
    wrong guesses. So a correct password from a client that has not been failing always
    gets through, while guessers from many addresses are slowed down: once the account is
    under attack, each new address has a single guess before it is refused as well. Behind
    one shared address (a NAT, or a proxy when ``PROXY_COUNT`` is not set) everyone is one
    client, as they are for the checkout cap.

    Counting is atomic: the counter rows are locked (``_lock_counters``), checked and raised
    by one, and that commits *before* the password is hashed, so parallel guesses each see
    the ones before them and no more than the limit are ever tried; no lock is held during
    the slow hash. A correct password then gives its count back (``_give_back``). The one
    cost: parallel sign-ins of one client count as failures until each has been checked.
    Unknown e-mails are hashed against a dummy hash, so they cost the same time. Every
    password checked is recorded as a ``LoginAttempt``; a failure commits that record and
    raises ``InvalidCredentials``. Commits in stages through ``uow``, hence the unit of work.
    """
    session = uow.session
    email = normalize_email(email)
    keys = _Keys.of(email, client_network(remote_addr) or "unknown")
    rows = _lock_counters(session, keys, utcnow())
    now = utcnow()  # after the wait for the lock: the windows are judged when this attempt counts
    wait = _refusal(rows, keys, limits, now)
    if wait is not None:
        uow.rollback()
        raise TooManyAttempts(retry_after=wait)
    for row in rows.values():
        _count_failure(row, now, limits.window)
    found = session.execute(select(User.id, User.password_hash, User.is_active).where(User.email == email)).first()
    uow.commit()  # the reservation is visible to parallel guesses; nothing is locked during the hash

    try:
        _hasher.verify(found.password_hash if found else _DUMMY_HASH, password)
        ok = found is not None and found.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email, succeeded=ok, remote_addr=remote_addr))
    if not ok:
        uow.commit()
        raise InvalidCredentials()
    _give_back(session, keys, now)
    user = session.get(User, found.id)
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
