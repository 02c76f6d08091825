"""Demo accounts: staff and customers, all with ``DEMO_PASSWORD``."""
from __future__ import annotations

from sqlalchemy import select

DEMO_PASSWORD = "dari-demo-password"
STAFF = [("admin@dari.local", "admin"), ("ops@dari.local", "ops")]
CUSTOMERS = [("buyer.us@example.com", "en"), ("buyer.jp@example.com", "ja"), ("buyer.de@example.com", "de")]


def ensure_user(session, email, role, **extra):
    """The user with ``email``, created with the demo password if missing."""
    from .models import User
    from .services import create_user

    user = session.scalar(select(User).where(User.email == email))
    return user or create_user(session, email, DEMO_PASSWORD, role=role, **extra)


def seed_accounts(session) -> None:
    for email, role in STAFF:
        ensure_user(session, email, role)
    for email, locale in CUSTOMERS:
        ensure_user(session, email, "customer", locale=locale)
