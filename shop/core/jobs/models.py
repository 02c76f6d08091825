from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.db import db, id_column, utcnow


class OutboxMessage(db.Model):
    """A job decided inside a transaction, to be enqueued once that transaction commits."""

    __tablename__ = "outbox_messages"

    id: Mapped[str] = id_column("obx")
    job: Mapped[str] = mapped_column(String(200))
    kwargs: Mapped[dict] = mapped_column(JSON, default=dict)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_outbox_messages_pending", "enqueued_at", "processed_at"),)

    @property
    def rq_job_id(self) -> str:
        return f"outbox-{self.id}"
