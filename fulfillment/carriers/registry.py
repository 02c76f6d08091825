"""Which implementation serves a carrier code, and which parses a tracking webhook.

``CARRIER_ADAPTERS`` (config: carrier code -> adapter name) chooses among ``ADAPTERS``;
every carrier in ``data/carriers.json`` defaults to ``manual``. A real carrier API is one
new module and one line here (``ADAPTERS["dhl_api"] = DhlCarrier``); each adapter is built
as ``Adapter(code, config)``. A carrier code nobody configured gets a ``ManualCarrier``
with the generic tracking-number format, so an order's carrier never fails to resolve.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from .aftership import AfterShipWebhook
from .base import Carrier, TrackingWebhook
from .manual import ManualCarrier, known_carriers

ADAPTERS: dict[str, Callable[[str, Mapping], Carrier]] = {"manual": ManualCarrier}
WEBHOOKS: dict[str, TrackingWebhook] = {"aftership": AfterShipWebhook()}


def adapter_names(config: Mapping) -> dict[str, str]:
    """Carrier code -> adapter name: ``manual`` for every known carrier, then ``CARRIER_ADAPTERS``."""
    names = dict.fromkeys(known_carriers(), "manual")
    names.update(config.get("CARRIER_ADAPTERS") or {})
    return names


def carrier_for(code: str, config: Mapping) -> Carrier:
    """The ``Carrier`` for ``code`` under ``config``.

    Raises ``ValueError`` when ``CARRIER_ADAPTERS`` names an adapter that does not exist
    (a configuration mistake, not a carrier failure).
    """
    name = adapter_names(config).get(code, "manual")
    try:
        adapter = ADAPTERS[name]
    except KeyError:
        raise ValueError(f"CARRIER_ADAPTERS[{code!r}]: unknown adapter {name!r} "
                         f"(known: {', '.join(sorted(ADAPTERS))})") from None
    return adapter(code, config)


def webhook_for(name: str) -> TrackingWebhook | None:
    """The webhook parser for a provider name (``aftership``), or ``None``."""
    return WEBHOOKS.get(name)


def webhook_secret(name: str, config: Mapping) -> str | None:
    """The signing secret for provider ``name``: ``TRACKING_WEBHOOK_SECRETS[name]``, else
    ``<NAME>_WEBHOOK_SECRET`` (``AFTERSHIP_WEBHOOK_SECRET``); ``None`` when neither is set."""
    secrets = config.get("TRACKING_WEBHOOK_SECRETS") or {}
    return secrets.get(name) or config.get(f"{name.upper()}_WEBHOOK_SECRET") or None
