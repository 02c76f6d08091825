"""Accounts: users, roles, passwords, bearer tokens and the login throttle."""
from __future__ import annotations


def init_app(app) -> None:
    """The auth endpoints, ``flask users``, demo staff and customers."""
    from shop.accounts.demo import DEMO_PASSWORD, STAFF
    from shop.core.api import register_blueprints
    from shop.core.demo import register_seeder

    from . import api, demo, models  # noqa: F401 - models: the tables in the metadata
    from .cli import users_cli

    register_blueprints(app, api.blp)
    app.cli.add_command(users_cli)
    note = "\n".join([f"staff and customers sign in with password {DEMO_PASSWORD!r}"]
                     + [f"  {role}: {email}" for email, role in STAFF])
    register_seeder(app, "accounts", demo.seed_accounts, note=note)
