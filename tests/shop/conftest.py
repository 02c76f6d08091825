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


@pytest.fixture
def fake_payments(app, monkeypatch):
    """A controllable in-memory ``PaymentGateway`` in place of Stripe (``tests.fakes.FakePayments``)."""
    from tests.fakes import FakePayments

    fake = FakePayments()
    monkeypatch.setitem(app.extensions, "dari.payments", fake)
    return fake


@pytest.fixture
def on_event(app):
    """``on_event(signal)``: record what a lifecycle event is sent with, for this test only."""
    connected = []

    def listen(signal):
        seen = []

        def handler(sender, **kwargs):
            seen.append(kwargs)

        signal.connect(handler, sender=app, weak=False)
        connected.append((signal, handler))
        return seen

    yield listen
    for signal, handler in connected:
        signal.disconnect(handler, sender=app)
