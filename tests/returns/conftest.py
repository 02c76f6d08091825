from tests.shop.conftest import fake_payments, on_event, stripe_on  # noqa: F401 - fixtures for these tests
from tests.shop.payments.stripe_fixtures import localstripe  # noqa: F401
