from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column, utcnow

ROLES = ("customer", "seller", "ops", "admin")
SELLER_ROLES = ("owner", "staff")


class User(Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[str] = id_column("usr")
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="customer")
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"))
    seller_role: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)

    seller = relationship("Seller", back_populates="members")

    @property
    def is_staff(self) -> bool:
        return self.role in ("ops", "admin")


class ApiToken(db.Model):
    """An opaque bearer token; only its keyed hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column("tok")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"

    id: Mapped[str] = id_column("lga")
    email: Mapped[str] = mapped_column(String(254))
    succeeded: Mapped[bool]
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_login_attempts_email_created", "email", "created_at"),)


class LoginThrottle(db.Model):
    """Failed sign-ins counted for one key within a fixed window (``shop.accounts.services``).

    ``key`` is ``account:<email>``, ``client:<network>`` or ``client-account:<network> <email>``;
    the window starts at the first failure counted and lasts ``LOGIN_FAILURE_WINDOW_MINUTES``.
    The row is the lock its sign-ins queue on, so parallel guesses cannot count past a limit.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_started_at: Mapped[datetime]
    failures: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)
