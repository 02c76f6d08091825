"""Stored job paths of ``shop.core.jobs.runner`` from before the move (see the package)."""
from shop.core.jobs.runner import execute_outbox, run_task

__all__ = ["execute_outbox", "run_task"]
