"""Jobs of the jobs package itself."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from shop.core.db import db

from .outbox import relay_pending
from .redis import get_redis


def relay_outbox() -> int:
    """Push outbox rows that were not enqueued at commit time (Redis was down)."""
    return relay_pending(db.session, get_redis(current_app), older_than=timedelta(seconds=5))
