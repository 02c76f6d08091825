"""Packages register themselves, and an app whose seams are not all provided refuses to start."""
from __future__ import annotations

import pytest

import dari.app
import returns
from dari.app import PACKAGES, create_app
from shop.core.seams import Seam, SeamMissing
from shop.orders.inventory import INVENTORY, InventoryGateway


def make_app(tmp_path, packages, monkeypatch):
    monkeypatch.setattr(dari.app, "PACKAGES", packages)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'packages.db'}", "SECRET_KEY": "k"})


def test_every_package_is_one_line_and_returns_registers_itself(tmp_path, monkeypatch):
    called = []
    monkeypatch.setattr(returns, "init_app", lambda app: called.append(app))

    app = make_app(tmp_path, PACKAGES, monkeypatch)

    assert PACKAGES[-1] == "returns" and called == [app]


def test_an_app_without_inventory_refuses_to_start_naming_the_seam(tmp_path, monkeypatch):
    without = [name for name in PACKAGES if name != "fulfillment.inventory"]

    with pytest.raises(SeamMissing) as caught:
        make_app(tmp_path, without, monkeypatch)

    message = str(caught.value)
    assert "InventoryGateway" in message and "dari.inventory" in message and "shop.checkout" in message


def test_packages_bring_their_routes_jobs_seeders_and_domains(app):
    from shop.core.demo import seeders
    from shop.core.jobs.schedule import periodic_jobs

    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert {"/api/v1/store/carts/<cart_id>/checkout", "/api/v1/admin/payment-alerts",
            "/api/v1/admin/warehouses", "/api/v1/admin/shipments/<shipment_id>/hand-over",
            "/api/v1/carriers/<name>/webhook", "/api/v1/store/orders/<order_id>/returns",
            "/api/v1/admin/return-policy/evaluate", "/api/v1/admin/orders/<order_id>/refunds"} <= routes
    assert {p.name for p in periodic_jobs(app)} == {"relay_outbox", "refresh_exchange_rates", "expire_unpaid_orders",
                                                    "refresh_dated_listings",
                                                    "release_expired_reservations", "low_stock_alerts",
                                                    "poll_carrier_tracking", "write_export_list",
                                                    "flag_overdue_refunds", "settle_repairs", "complete_orders"}
    names = [s.name for s in seeders(app)]
    assert names == ["accounts", "sellers", "markets", "catalog", "inventory", "carts", "shipments", "returns",
                     "storefront"]
    assert app.config["BABEL_DOMAIN"].split(";") == ["messages", "markets", "catalog", "checkout", "inventory",
                                                      "fulfillment", "returns"]


def test_a_seam_refuses_an_implementation_that_breaks_its_contract(app):
    class Half:
        def reserve(self, *args, **kwargs):
            return None

    with pytest.raises(TypeError, match="allocate"):
        INVENTORY.provide(app, Half())


def test_looking_up_a_missing_seam_is_a_clear_error(app):
    seam = Seam("dari.nothing-here", InventoryGateway, "does nothing")

    with app.app_context(), pytest.raises(SeamMissing, match="dari.nothing-here"):
        seam.get()
