"""Registry: defaults, configuration overrides, webhook lookup and secrets; every class meets its Protocol."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fulfillment.carriers import registry
from fulfillment.carriers.aftership import AfterShipWebhook
from fulfillment.carriers.base import Carrier, TrackingUpdate, TrackingWebhook
from fulfillment.carriers.manual import ManualCarrier


@pytest.mark.parametrize("code", ["korea_post", "dhl_express"])
def test_known_carriers_default_to_manual(code):
    carrier = registry.carrier_for(code, {})

    assert isinstance(carrier, ManualCarrier) and carrier.code == code
    assert isinstance(carrier, Carrier)


def test_unknown_carrier_code_gets_a_generic_manual_carrier():
    carrier = registry.carrier_for("cj_logistics", {})

    assert isinstance(carrier, ManualCarrier) and carrier.code == "cj_logistics"
    assert carrier.normalize_tracking_number("abc-123-456") == "ABC123456"
    assert carrier.tracking_url("ABC123456") is None


def test_configured_adapter_is_used(monkeypatch):
    built = []

    class FakeDhl:
        def __init__(self, code, config):
            built.append((code, config["DHL_API_KEY"]))
            self.code = code

    monkeypatch.setitem(registry.ADAPTERS, "dhl_api", FakeDhl)
    config = {"CARRIER_ADAPTERS": {"dhl_express": "dhl_api"}, "DHL_API_KEY": "k"}

    assert isinstance(registry.carrier_for("dhl_express", config), FakeDhl)
    assert isinstance(registry.carrier_for("korea_post", config), ManualCarrier)
    assert built == [("dhl_express", "k")]


def test_configured_adapter_that_does_not_exist_is_a_configuration_error():
    with pytest.raises(ValueError, match="unknown adapter 'dhl_api'"):
        registry.carrier_for("dhl_express", {"CARRIER_ADAPTERS": {"dhl_express": "dhl_api"}})


def test_webhook_lookup():
    assert isinstance(registry.webhook_for("aftership"), AfterShipWebhook)
    assert registry.webhook_for("trackingmore") is None


@pytest.mark.parametrize("config, secret", [
    ({"TRACKING_WEBHOOK_SECRETS": {"aftership": "from-dict"}, "AFTERSHIP_WEBHOOK_SECRET": "from-key"}, "from-dict"),
    ({"AFTERSHIP_WEBHOOK_SECRET": "from-key"}, "from-key"),
    ({"TRACKING_WEBHOOK_SECRETS": {"other": "x"}, "AFTERSHIP_WEBHOOK_SECRET": "from-key"}, "from-key"),
    ({"TRACKING_WEBHOOK_SECRETS": None, "AFTERSHIP_WEBHOOK_SECRET": ""}, None),
    ({}, None),
])
def test_webhook_secret(config, secret):
    assert registry.webhook_secret("aftership", config) == secret


def test_every_implementation_satisfies_its_protocol():
    assert all(isinstance(adapter("korea_post", {}), Carrier) for adapter in registry.ADAPTERS.values())
    assert all(isinstance(hook, TrackingWebhook) and hook.name == name for name, hook in registry.WEBHOOKS.items())
    assert not isinstance(object(), Carrier) and not isinstance(object(), TrackingWebhook)


def test_tracking_update_keeps_utc_and_refuses_naive_times_and_unknown_types():
    kst = timezone(timedelta(hours=9))
    update = TrackingUpdate("EE123456785KR", "delivered", datetime(2026, 12, 2, 9, 0, tzinfo=kst))

    assert update.occurred_at == datetime(2026, 12, 2, 0, 0, tzinfo=timezone.utc)
    assert update.occurred_at.tzinfo is timezone.utc
    with pytest.raises(ValueError):
        TrackingUpdate("EE123456785KR", "delivered", datetime(2026, 12, 2, 9, 0))
    with pytest.raises(ValueError):
        TrackingUpdate("EE123456785KR", "lost_in_space", datetime(2026, 12, 2, tzinfo=timezone.utc))
