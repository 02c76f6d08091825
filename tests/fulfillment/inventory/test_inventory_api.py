"""Seller and ops endpoints: ownership, inbound shipments, adjustments, bad input changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fulfillment.inventory import services
from fulfillment.inventory.models import InboundShipment, StockMovement

from .inventory_helpers import level_of, make_variants, make_warehouse, put_stock, soon

INBOUND = "/api/v1/seller/inbound-shipments"


@pytest.fixture
def world(db_session, factory):
    """Two sellers with a variant each, a hub, ops and both sellers' auth headers."""
    seller, owner = factory.seller()
    other, other_owner = factory.seller()
    (mine,) = make_variants(db_session, seller)
    (theirs,) = make_variants(db_session, other)
    hub = make_warehouse(db_session, "consolidation")
    return {
        "seller": seller, "mine": mine, "theirs": theirs, "hub": hub,
        "me": factory.headers(owner), "them": factory.headers(other_owner),
        "ops": factory.headers(factory.user("ops")),
    }


def _counts(session):
    return (session.scalar(select(func.count()).select_from(InboundShipment)),
            session.scalar(select(func.count()).select_from(StockMovement)))


def test_seller_inventory_lists_only_own_levels_with_low_stock_flags(client, db_session, world):
    japan = make_warehouse(db_session, "overseas", market="JP")
    put_stock(db_session, world["mine"], world["hub"], 20)
    put_stock(db_session, world["mine"], japan, 2)
    put_stock(db_session, world["theirs"], world["hub"], 7)

    body = client.get("/api/v1/seller/inventory", headers=world["me"]).get_json()
    low = client.get("/api/v1/seller/inventory?low_stock=true", headers=world["me"]).get_json()

    assert body["total"] == 2
    assert {item["variant_id"] for item in body["items"]} == {world["mine"]}
    by_code = {item["warehouse"]["code"]: item for item in body["items"]}
    assert by_code[japan.code]["low_stock"] is True and by_code[japan.code]["stock_status"] == "low"
    assert by_code[world["hub"].code]["low_stock"] is False and by_code[world["hub"].code]["available"] == 20
    assert [item["warehouse"]["code"] for item in low["items"]] == [japan.code]


def test_seller_sets_the_threshold_of_own_variants_only(client, db_session, world):
    put_stock(db_session, world["mine"], world["hub"], 20)

    mine = client.put(f"/api/v1/seller/inventory/{world['mine']}/settings", json={"low_stock_threshold": 25},
                      headers=world["me"])
    theirs = client.put(f"/api/v1/seller/inventory/{world['theirs']}/settings", json={"low_stock_threshold": 1},
                        headers=world["me"])
    negative = client.put(f"/api/v1/seller/inventory/{world['mine']}/settings", json={"low_stock_threshold": -1},
                          headers=world["me"])

    assert mine.status_code == 200
    assert (theirs.status_code, theirs.get_json()["code"]) == (404, "variant_not_found")
    assert negative.status_code == 422
    (item,) = client.get("/api/v1/seller/inventory", headers=world["me"]).get_json()["items"]
    assert (item["low_stock_threshold"], item["low_stock"]) == (25, True)


def test_ledger_history_per_variant_is_private(client, db_session, world):
    put_stock(db_session, world["mine"], world["hub"], 4)
    services.reserve(db_session, reference="ord_api", market_code="US", lines=[(world["mine"], 1)],
                     expires_at=soon())
    db_session.commit()

    history = client.get(f"/api/v1/seller/inventory/{world['mine']}/movements", headers=world["me"])
    foreign = client.get(f"/api/v1/seller/inventory/{world['mine']}/movements", headers=world["them"])

    assert history.status_code == 200
    assert [item["kind"] for item in history.get_json()["items"]] == ["reservation", "receipt"]
    assert history.get_json()["items"][0]["reference"] == "ord_api"
    assert (foreign.status_code, foreign.get_json()["code"]) == (404, "variant_not_found")


def test_announce_and_receive_an_inbound_shipment(client, db_session, world):
    announced = client.post(INBOUND, json={"warehouse_id": world["hub"].id, "seller_reference": "PO-7",
                                           "lines": [{"variant_id": world["mine"], "quantity": 10}]},
                            headers=world["me"])
    assert announced.status_code == 201
    shipment_id = announced.get_json()["id"]
    assert level_of(db_session, world["mine"], world["hub"]) is None  # nothing on hand before receipt

    received = client.post(f"/api/v1/admin/inbound-shipments/{shipment_id}/receive",
                           json={"lines": [{"variant_id": world["mine"], "received_quantity": 9,
                                            "discrepancy_reason": "one jar broken in transit"}]},
                           headers=world["ops"])
    again = client.post(f"/api/v1/admin/inbound-shipments/{shipment_id}/receive",
                        json={"lines": [{"variant_id": world["mine"], "received_quantity": 10}]},
                        headers=world["ops"])

    body = received.get_json()
    assert received.status_code == 200
    assert (body["status"], body["has_discrepancy"]) == ("received", True)
    assert body["lines"][0]["discrepancy"] == -1
    assert level_of(db_session, world["mine"], world["hub"]).on_hand == 9
    assert (again.status_code, again.get_json()["code"]) == (409, "inbound_not_open")
    seller_view = client.get(f"{INBOUND}/{shipment_id}", headers=world["me"]).get_json()
    assert seller_view["lines"][0]["received_quantity"] == 9
    assert client.get(f"{INBOUND}/{shipment_id}", headers=world["them"]).status_code == 404
    assert services.check_ledger(db_session) == []


@pytest.mark.parametrize("case", ["foreign_variant", "unknown_warehouse", "foreign_warehouse", "negative",
                                  "zero", "float", "no_lines"])
def test_bad_announcements_get_a_problem_and_change_nothing(client, db_session, factory, world, case):
    other_own = make_warehouse(db_session, "seller", seller=factory.seller()[0])
    line = {"variant_id": world["mine"], "quantity": 3}
    body = {"warehouse_id": world["hub"].id, "lines": [line]}
    expected = {"foreign_variant": (404, "variant_not_found"), "unknown_warehouse": (422, "unknown_warehouse"),
                "foreign_warehouse": (422, "unknown_warehouse"), "negative": (422, "validation_error"),
                "zero": (422, "validation_error"), "float": (422, "validation_error"),
                "no_lines": (422, "validation_error")}[case]
    if case == "foreign_variant":
        body["lines"] = [line, {"variant_id": world["theirs"], "quantity": 1}]
    elif case == "unknown_warehouse":
        body["warehouse_id"] = "wh_doesnotexist"
    elif case == "foreign_warehouse":
        body["warehouse_id"] = other_own.id
    elif case in ("negative", "zero", "float"):
        line["quantity"] = {"negative": -3, "zero": 0, "float": 2.5}[case]
    else:
        body["lines"] = []
    before = _counts(db_session)

    response = client.post(INBOUND, json=body, headers=world["me"])

    assert (response.status_code, response.get_json()["code"]) == expected
    assert response.mimetype == "application/problem+json"
    assert _counts(db_session) == before
    if case == "foreign_variant":
        assert response.get_json()["variant_ids"] == [world["theirs"]]


@pytest.fixture
def announced(db_session, world):
    shipment = services.announce_inbound(db_session, seller_id=world["seller"].id, warehouse_id=world["hub"].id,
                                         lines=[{"variant_id": world["mine"], "quantity": 5}])
    db_session.commit()
    return shipment


@pytest.mark.parametrize("lines, field", [
    ([{"received_quantity": 4}], "lines"),                                  # short, no reason
    ([{"received_quantity": 5}, {"extra": True, "received_quantity": 2}], "lines"),  # unannounced, no reason
    ([{"received_quantity": 5}, {"foreign": True, "received_quantity": 1, "discrepancy_reason": "in the box"}],
     "lines"),                                                              # another seller's variant
    ([], None),                                                             # nothing counted
    ([{"received_quantity": -1}], None),                                    # negative
])
def test_bad_receipts_get_a_problem_and_change_nothing(client, db_session, world, announced, lines, field):
    (extra,) = make_variants(db_session, world["seller"])
    payload = []
    for line in lines:
        line = dict(line)
        variant_id = extra if line.pop("extra", False) else world["theirs"] if line.pop("foreign", False) \
            else world["mine"]
        payload.append({"variant_id": variant_id, **line})
    before = _counts(db_session)

    response = client.post(f"/api/v1/admin/inbound-shipments/{announced.id}/receive", json={"lines": payload},
                           headers=world["ops"])

    assert response.status_code == 422
    if field:
        assert response.get_json()["code"] == "receipt_mismatch"
        assert field in response.get_json()["errors"]
    assert _counts(db_session) == before
    db_session.refresh(announced)
    assert announced.status == "announced"
    assert level_of(db_session, world["mine"], world["hub"]) is None


def test_unannounced_lines_are_received_with_a_reason(client, db_session, world, announced):
    (extra,) = make_variants(db_session, world["seller"])

    response = client.post(f"/api/v1/admin/inbound-shipments/{announced.id}/receive", json={"lines": [
        {"variant_id": world["mine"], "received_quantity": 5},
        {"variant_id": extra, "received_quantity": 2, "discrepancy_reason": "sent by mistake"},
    ]}, headers=world["ops"])

    assert response.status_code == 200
    assert level_of(db_session, extra, world["hub"]).on_hand == 2
    lines = {line["variant_id"]: line for line in response.get_json()["lines"]}
    assert (lines[extra]["expected_quantity"], lines[extra]["discrepancy_reason"]) == (0, "sent by mistake")


def test_sellers_cannot_receive_and_can_cancel_their_own(client, db_session, world, announced):
    by_seller = client.post(f"/api/v1/admin/inbound-shipments/{announced.id}/receive",
                            json={"lines": [{"variant_id": world["mine"], "received_quantity": 5}]},
                            headers=world["me"])
    by_other = client.post(f"{INBOUND}/{announced.id}/cancel", headers=world["them"])
    canceled = client.post(f"{INBOUND}/{announced.id}/cancel", headers=world["me"])

    assert by_seller.status_code == 403
    assert by_other.status_code == 404
    assert canceled.get_json()["status"] == "canceled"


def test_adjustments_and_write_offs_need_a_reason(client, db_session, world):
    put_stock(db_session, world["mine"], world["hub"], 10)
    base = {"variant_id": world["mine"], "warehouse_id": world["hub"].id}
    url = "/api/v1/admin/inventory"
    before = _counts(db_session)

    no_reason = client.post(f"{url}/adjustments", json={**base, "quantity": -2}, headers=world["ops"])
    blank = client.post(f"{url}/write-offs", json={**base, "quantity": 1, "reason": "  "}, headers=world["ops"])
    negative = client.post(f"{url}/write-offs", json={**base, "quantity": -1, "reason": "x"}, headers=world["ops"])
    unknown = client.post(f"{url}/adjustments", json={**base, "warehouse_id": "wh_nope", "quantity": 1,
                                                      "reason": "count"}, headers=world["ops"])
    too_many = client.post(f"{url}/write-offs", json={**base, "quantity": 11, "reason": "flood"},
                           headers=world["ops"])
    by_seller = client.post(f"{url}/adjustments", json={**base, "quantity": 1, "reason": "x"}, headers=world["me"])

    assert [r.status_code for r in (no_reason, blank, negative, unknown, too_many, by_seller)] == \
        [422, 422, 422, 422, 409, 403]
    assert unknown.get_json()["code"] == "unknown_warehouse"
    assert too_many.get_json()["code"] == "insufficient_stock"
    assert _counts(db_session) == before

    counted = client.post(f"{url}/adjustments", json={**base, "quantity": -2, "reason": "cycle count"},
                          headers=world["ops"])
    broken = client.post(f"{url}/write-offs", json={**base, "quantity": 3, "reason": "water damage"},
                         headers=world["ops"])
    assert (counted.status_code, counted.get_json()["on_hand_delta"]) == (201, -2)
    assert (broken.status_code, broken.get_json()["kind"]) == (201, "write_off")
    assert level_of(db_session, world["mine"], world["hub"]).on_hand == 5
    report = client.get(f"{url}/reconciliation", headers=world["ops"]).get_json()
    assert report == {"consistent": True, "discrepancies": []}


def test_problems_are_written_in_the_requests_language(client, world):
    response = client.post(f"{INBOUND}?lang=ko", json={"warehouse_id": "wh_nope",
                                                      "lines": [{"variant_id": world["mine"], "quantity": 1}]},
                           headers=world["me"])

    body = response.get_json()
    assert body["code"] == "unknown_warehouse"
    assert body["title"] == "이 창고는 존재하지 않거나 사용할 수 없습니다."
    assert body["errors"]["warehouse_id"] == ["알 수 없거나, 비활성 상태이거나, 사용할 수 없는 창고입니다."]


def test_ops_see_every_sellers_stock_and_reservations(client, db_session, world):
    put_stock(db_session, world["mine"], world["hub"], 3)
    put_stock(db_session, world["theirs"], world["hub"], 4)
    services.reserve(db_session, reference="ord_ops", market_code="JP", lines=[(world["theirs"], 1)],
                     expires_at=soon())
    db_session.commit()

    levels = client.get("/api/v1/admin/inventory", headers=world["ops"]).get_json()
    one_seller = client.get(f"/api/v1/admin/inventory?seller_id={world['seller'].id}", headers=world["ops"])
    reservation = client.get("/api/v1/admin/reservations/ord_ops", headers=world["ops"]).get_json()
    by_seller = client.get("/api/v1/admin/inventory", headers=world["me"])

    assert {world["mine"], world["theirs"]} <= {item["variant_id"] for item in levels["items"]}
    assert [item["variant_id"] for item in one_seller.get_json()["items"]] == [world["mine"]]
    assert (reservation["status"], reservation["lines"][0]["quantity"]) == ("active", 1)
    assert by_seller.status_code == 403
