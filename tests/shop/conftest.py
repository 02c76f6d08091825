"""Fixtures shared by tests/shop/checkout, orders and payments: Stripe against a session localstripe."""
from __future__ import annotations

import pytest

from tests.shop.payments.stripe_fixtures import SECRET_KEY, WEBHOOK_SECRET, localstripe  # noqa: F401


@pytest.fixture
def stripe_on(app, localstripe, monkeypatch):  # noqa: F811
    """Stripe configured against the session's localstripe."""
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", localstripe)
    return localstripe
