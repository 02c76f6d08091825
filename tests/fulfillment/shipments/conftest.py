from tests.shop.conftest import fake_payments, on_event  # noqa: F401 - fixtures for these tests
