"""Background jobs: Redis connection, the transactional outbox, worker and scheduler."""
from __future__ import annotations


def init_app(app) -> None:
    """The outbox's session hooks, the relay, ``flask worker`` and ``flask scheduler``, and (under the
    ``flask`` command line) SIGTERM ending the process through its exit hooks. (Ops' endpoints on
    the jobs are the store's: ``shop.jobs``.)"""
    from . import models  # noqa: F401 - models: the tables in the metadata
    from .cli import scheduler_command, worker_command
    from .outbox import install_session_hooks
    from .redis import release_on_signals
    from .schedule import register_periodic

    install_session_hooks()
    register_periodic(app, "relay_outbox", "shop.core.jobs.tasks.relay_outbox", 30)
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)
    release_on_signals(app)
