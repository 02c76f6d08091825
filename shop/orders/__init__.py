"""Orders: snapshots of what was bought, their states and lifecycle events, the confirmation e-mail."""
from __future__ import annotations

MESSAGE_DOMAIN = "checkout"


def init_app(app) -> None:
    """Models, the order endpoints, and the confirmation e-mail (its templates) on ``order_paid``."""
    from pathlib import Path

    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.notifications import register_templates

    from . import api, events, models, tasks  # noqa: F401 - models: the tables in the metadata

    add_domain(app, MESSAGE_DOMAIN)
    register_templates(app, Path(__file__).resolve().parent / "templates")
    register_blueprints(app, api.store, api.seller, api.admin)
    events.subscribe(app, events.order_paid, tasks.defer_confirmation)
