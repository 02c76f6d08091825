"""Ops' view of the platform's background work (``api``: failed jobs, the outbox backlog), which
needs to know who is asking, so it sits with the store rather than in ``shop.core.jobs``.

The ``runner`` and ``tasks`` modules here only keep the job paths that queued jobs written before
the platform moved still name (``shop.jobs.runner.execute_outbox``, ``shop.jobs.runner.run_task``,
``shop.jobs.tasks.relay_outbox``): remove them one release after the move (migration 0021
rewrites the outbox's own rows at once).
"""
from __future__ import annotations


def init_app(app) -> None:
    from shop.core.api import register_blueprints

    from . import api

    register_blueprints(app, api.blp)
