"""Returns, refunds and warranty claims (SPEC §6). Not built yet: later issues fill this package.

It registers itself like every package (one line in ``shop.app.PACKAGES``); its ``init_app``
is where its models, endpoints, jobs, seeders and order-event subscribers will be added.
"""
from __future__ import annotations


def init_app(app) -> None:
    """Nothing to register yet."""
