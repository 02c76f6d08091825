"""Notifications: one row per message decided, so it is sent once and its sending is recorded."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.db import Timestamped, db, id_column


class Notification(Timestamped, db.Model):
    """A message to send: which template, to whom, in which locale, with what (JSON) context.

    ``key`` names the work (``order-confirmed:<order id>``): one row per key, however often
    it is queued. ``sent_at`` is set once the mail server (or the mail folder) took it.
    """

    __tablename__ = "notifications"

    id: Mapped[str] = id_column("ntf")
    key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    context: Mapped[dict] = mapped_column(JSON)
    sent_at: Mapped[datetime | None]
