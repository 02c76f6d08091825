"""Shipments: parcels from allocations, warehouse work, customs papers, carriers, tracking (SPEC §5)."""
from __future__ import annotations

MESSAGE_DOMAIN = "fulfillment"


def init_app(app) -> None:
    """Endpoints, the order-event subscribers, the order section, e-mails, periodic jobs, demo parcels."""
    from pathlib import Path

    from i18n.web import add_domain
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder
    from shop.core.jobs.schedule import register_periodic
    from shop.core.notifications import register_templates
    from shop.orders import events
    from shop.orders.views import register_section

    from . import api, creation, demo, models, tasks, views  # noqa: F401 - models: the tables in the metadata

    add_domain(app, MESSAGE_DOMAIN)
    register_templates(app, Path(__file__).resolve().parent / "templates")
    register_blueprints(app, api.admin, api.seller, api.carriers)
    events.subscribe(app, events.order_paid, creation.defer_creation)
    events.subscribe(app, events.order_canceled, creation.cancel_for_order)
    register_section(app, "shipments", views.order_section)
    register_periodic(app, "poll_carrier_tracking", "fulfillment.shipments.tasks.poll_tracking", 15 * 60)
    register_periodic(app, "write_export_list", "fulfillment.shipments.tasks.write_export_list", 60 * 60)
    register_seeder(app, "shipments", demo.seed_shipments, after=("carts",))
