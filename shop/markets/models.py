from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.db import db, utcnow


class Market(db.Model):
    """A destination market and its rules, kept as data (``shop/markets/data/markets.json``).

    Each rule block (returns, warranty, import, certificates) is the JSON of the
    data file, carrying its ``sources`` ids from the reference facts; admins may
    edit a block through the API, which stamps ``edited_by``.
    """

    __tablename__ = "markets"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    countries: Mapped[list] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    default_locale: Mapped[str] = mapped_column(String(16))
    locales: Mapped[list] = mapped_column(JSON)
    price_rounding: Mapped[dict] = mapped_column(JSON, default=dict)
    # The rule blocks (a few kB of JSON each) load together on first use: most requests name a
    # market only for its currency and locales, and never read a rule.
    returns: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True, deferred_group="rules")
    warranty: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True, deferred_group="rules")
    import_rules: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True, deferred_group="rules")
    certificates: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True, deferred_group="rules")
    active: Mapped[bool] = mapped_column(default=True)
    data_version: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    edited_by: Mapped[str | None] = mapped_column(String(32))
