import pytest

from tests.conftest import Factory
from tests.shop.conftest import fake_payments, on_event, stripe_on  # noqa: F401 - fixtures for these tests
from tests.shop.payments.stripe_fixtures import localstripe  # noqa: F401


@pytest.fixture
def factory_committed(app, committed_db):
    """Users and tokens with real commits (for tests with threads or a worker)."""
    return Factory(app, committed_db)
