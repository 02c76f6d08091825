"""Stored job paths of ``shop.core.jobs.tasks`` from before the move (see the package)."""
from shop.core.jobs.tasks import relay_outbox

__all__ = ["relay_outbox"]
