"""Orders: snapshots of what was bought, their states, and the confirmation e-mail.

``init_app`` registers the periodic job that cancels unpaid orders whose reservations expired.
"""


def init_app(app) -> None:
    from shop.jobs.schedule import register_periodic

    register_periodic(app, "expire_unpaid_orders", "shop.orders.tasks.expire_unpaid_orders", 60)
