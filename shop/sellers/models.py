from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.db import Timestamped, db, id_column

SELLER_STATUSES = ("pending", "approved", "suspended")


class Seller(Timestamped, db.Model):
    __tablename__ = "sellers"

    id: Mapped[str] = id_column("sel")
    legal_name: Mapped[str] = mapped_column(String(200))
    display_names: Mapped[dict] = mapped_column(JSON, default=dict)
    business_number: Mapped[str] = mapped_column(String(10), unique=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    approved_at: Mapped[datetime | None]
    return_address: Mapped[dict | None] = mapped_column(JSON)
    # The seller's own policy; the return engine takes the more generous of it and the law.
    # None: no return policy stated (JP then gives 8 days); 0: "no returns" stated.
    return_window_days: Mapped[int | None] = mapped_column(default=None)
    pays_change_of_mind_shipping: Mapped[bool] = mapped_column(default=False)
    warranty_months: Mapped[int] = mapped_column(default=12)
    no_return_purchase: Mapped[bool] = mapped_column(default=False)
    categories: Mapped[list] = mapped_column(JSON, default=list)

    members = relationship("User", back_populates="seller")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'suspended')", name="status"),
        CheckConstraint("return_window_days >= 0 AND return_window_days <= 365", name="return_window"),
        CheckConstraint("warranty_months >= 0 AND warranty_months <= 120", name="warranty_months"),
    )
