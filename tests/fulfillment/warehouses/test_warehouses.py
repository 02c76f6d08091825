"""Warehouses: admin CRUD, the markets each kind serves, sellers' view."""
from __future__ import annotations

import pytest

from fulfillment.warehouses.models import Warehouse
from tests.fulfillment.inventory.inventory_helpers import make_variants, make_warehouse, put_stock

URL = "/api/v1/admin/warehouses"
ADDRESS = {"name": "Dari Hub", "line1": "1 Gonghang-ro", "city": "Incheon", "country": "KR"}


@pytest.fixture
def admin(factory):
    return factory.headers(factory.user("admin"))


def test_admin_creates_each_kind(client, factory, admin):
    seller, _ = factory.seller()

    hub = client.post(URL, json={"code": "icn-hub", "name": "Incheon bonded hub", "kind": "consolidation",
                                 "address": ADDRESS}, headers=admin)
    japan = client.post(URL, json={"code": "JP-OSAKA", "name": "Osaka FC", "kind": "overseas",
                                   "country": "JP", "market_code": "JP"}, headers=admin)
    own = client.post(URL, json={"code": "SELLER-1", "name": "Own stockroom", "kind": "seller",
                                 "seller_id": seller.id}, headers=admin)

    assert (hub.status_code, japan.status_code, own.status_code) == (201, 201, 201)
    assert hub.get_json()["code"] == "ICN-HUB"
    assert (hub.get_json()["country"], hub.get_json()["serves_every_market"]) == ("KR", True)
    assert (japan.get_json()["market_code"], japan.get_json()["serves_every_market"]) == ("JP", False)
    assert own.get_json()["seller_id"] == seller.id


@pytest.mark.parametrize("body, field", [
    ({"kind": "overseas", "country": "JP"}, "market_code"),
    ({"kind": "overseas", "country": "US", "market_code": "JP"}, "country"),
    ({"kind": "overseas", "country": "KR", "market_code": "JP"}, "country"),
    ({"kind": "consolidation", "market_code": "US"}, "market_code"),
    ({"kind": "consolidation", "country": "JP"}, "country"),
    ({"kind": "seller"}, "seller_id"),
    ({"kind": "consolidation", "seller_id": "sel_nobody"}, "seller_id"),
])
def test_inconsistent_warehouses_are_rejected(client, db_session, admin, body, field):
    response = client.post(URL, json={"code": "BAD-1", "name": "Bad", **body}, headers=admin)

    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid_warehouse"
    assert field in response.get_json()["errors"]
    assert db_session.query(Warehouse).filter_by(code="BAD-1").count() == 0


def test_codes_are_unique_and_only_admins_create(client, factory, admin):
    assert client.post(URL, json={"code": "DUP", "name": "A", "kind": "consolidation"},
                       headers=admin).status_code == 201
    duplicate = client.post(URL, json={"code": "dup", "name": "B", "kind": "consolidation"}, headers=admin)
    by_ops = client.post(URL, json={"code": "OPS", "name": "C", "kind": "consolidation"},
                         headers=factory.headers(factory.user("ops")))
    by_seller = client.get(URL, headers=factory.headers(factory.seller()[1]))

    assert (duplicate.status_code, duplicate.get_json()["code"]) == (409, "warehouse_code_taken")
    assert by_ops.status_code == 403
    assert by_seller.status_code == 403


def test_update_deactivate_and_delete(client, db_session, factory, admin):
    seller, _ = factory.seller()
    (variant_id,) = make_variants(db_session, seller)
    empty = make_warehouse(db_session)
    used = make_warehouse(db_session)
    put_stock(db_session, variant_id, used, 1)

    renamed = client.patch(f"{URL}/{used.id}", json={"name": "Renamed", "active": False}, headers=admin)
    kind_change = client.patch(f"{URL}/{used.id}", json={"kind": "overseas"}, headers=admin)
    in_use = client.delete(f"{URL}/{used.id}", headers=admin)
    deleted = client.delete(f"{URL}/{empty.id}", headers=admin)

    assert (renamed.status_code, renamed.get_json()["active"], renamed.get_json()["name"]) == (200, False, "Renamed")
    assert kind_change.status_code == 422
    assert (in_use.status_code, in_use.get_json()["code"]) == (409, "warehouse_in_use")
    assert deleted.status_code == 204
    assert client.get(f"{URL}/{empty.id}", headers=admin).get_json()["code"] == "warehouse_not_found"


def test_list_by_market_shows_korea_and_that_markets_centre(client, db_session, admin):
    hub = make_warehouse(db_session, "consolidation")
    japan = make_warehouse(db_session, "overseas", market="JP")
    usa = make_warehouse(db_session, "overseas", market="US")

    codes = {item["code"] for item in client.get(f"{URL}?market=jp&per_page=100", headers=admin).get_json()["items"]}

    assert {hub.code, japan.code} <= codes
    assert usa.code not in codes


def test_sellers_see_shared_and_their_own_warehouses_only(client, db_session, factory):
    seller, owner = factory.seller()
    other, _ = factory.seller()
    mine = make_warehouse(db_session, "seller", seller=seller)
    theirs = make_warehouse(db_session, "seller", seller=other)
    shared = make_warehouse(db_session, "consolidation")
    closed = make_warehouse(db_session, "consolidation", active=False)

    response = client.get("/api/v1/seller/warehouses?per_page=100", headers=factory.headers(owner))

    ids = {item["id"] for item in response.get_json()["items"]}
    assert {mine.id, shared.id} <= ids
    assert theirs.id not in ids and closed.id not in ids
