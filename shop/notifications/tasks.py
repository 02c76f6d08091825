"""Stored job path of ``shop.core.notifications.tasks`` from before the move (see the package)."""
from shop.core.notifications.tasks import deliver

__all__ = ["deliver"]
