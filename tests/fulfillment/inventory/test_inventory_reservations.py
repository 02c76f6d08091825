"""Reservations: all or nothing, warehouse preference, idempotency, expiry, allocation, shipping."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fulfillment.inventory import services
from fulfillment.inventory.errors import (
    InvalidQuantity,
    OutOfStock,
    ReservationClosed,
    ReservationExpired,
    ReservationMismatch,
    ReservationNotFound,
)
from fulfillment.inventory.models import Reservation, StockMovement
from fulfillment.inventory.tasks import release_expired_reservations
from shop.core.db import utcnow
from shop.core.errors import InvalidInput, render_domain_error

from .inventory_helpers import level_of, make_variants, make_warehouse, put_stock, soon


@pytest.fixture
def stocked(db_session, factory):
    """One seller, two variants, 5 + 3 units in the consolidation warehouse."""
    seller, _ = factory.seller()
    v1, v2 = make_variants(db_session, seller, 2)
    hub = make_warehouse(db_session, "consolidation")
    put_stock(db_session, v1, hub, 5)
    put_stock(db_session, v2, hub, 3)
    return seller, v1, v2, hub


def _expire(session, reference):
    reservation = session.scalar(select(Reservation).where(Reservation.reference == reference))
    reservation.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    return reservation


def test_reserve_holds_stock_and_writes_the_ledger(db_session, stocked):
    _, v1, v2, hub = stocked

    reservation = services.reserve(db_session, reference="ord_1", market_code="US",
                                   lines=[(v1, 2), (v2, 3)], expires_at=soon(), actor="usr_x")

    assert reservation.status == "active"
    assert sorted((line.variant_id, line.quantity) for line in reservation.lines) == sorted([(v1, 2), (v2, 3)])
    assert (level_of(db_session, v1, hub).reserved, level_of(db_session, v2, hub).reserved) == (2, 3)
    assert services.available_by_variant(db_session, [v1, v2], "US") == {v1: 3, v2: 0}
    kinds = db_session.scalars(select(StockMovement.kind).where(StockMovement.reference == "ord_1")).all()
    assert sorted(kinds) == ["reservation", "reservation"]
    assert services.check_ledger(db_session) == []


def test_reserve_is_all_or_nothing(db_session, stocked):
    _, v1, v2, hub = stocked

    with pytest.raises(OutOfStock) as caught:
        services.reserve(db_session, reference="ord_2", market_code="US", lines=[(v1, 1), (v2, 4)],
                         expires_at=soon())

    assert caught.value.variant_ids == [v2]
    assert caught.value.extra() == {"lines": [{"variant_id": v2, "requested": 4, "available": 3}]}
    assert level_of(db_session, v1, hub).reserved == 0
    assert db_session.scalar(select(func.count()).select_from(Reservation)) == 0


def test_quantities_of_one_variant_are_summed_before_checking(db_session, stocked):
    _, v1, _, _ = stocked

    with pytest.raises(OutOfStock) as caught:
        services.reserve(db_session, reference="ord_3", market_code="US", lines=[(v1, 3), (v1, 3)],
                         expires_at=soon())

    assert caught.value.variant_ids == [v1]


def test_out_of_stock_renders_as_a_409_problem_with_the_lines(app, db_session, stocked):
    _, v1, _, _ = stocked
    with pytest.raises(OutOfStock) as caught:
        services.reserve(db_session, reference="ord_4", market_code="JP", lines=[(v1, 9)], expires_at=soon())

    with app.test_request_context("/?lang=ja"):
        response = render_domain_error(caught.value)
    body = response.get_json()
    assert response.status_code == 409
    assert body["code"] == "out_of_stock"
    assert body["lines"] == [{"variant_id": v1, "requested": 9, "available": 5}]
    assert "JP" in body["detail"]


@pytest.mark.parametrize("lines", [[], [("var_x", 0)], [("var_x", -1)], [("var_x", 1.5)], [("var_x", True)]])
def test_bad_lines_are_rejected(db_session, lines):
    with pytest.raises(InvalidQuantity):
        services.reserve(db_session, reference="ord_bad", market_code="US", lines=lines, expires_at=soon())


def test_expiry_must_be_in_the_future(db_session, stocked):
    _, v1, _, _ = stocked
    with pytest.raises(InvalidInput):
        services.reserve(db_session, reference="ord_past", market_code="US", lines=[(v1, 1)],
                         expires_at=utcnow() - timedelta(seconds=1))


def test_same_reference_returns_the_same_reservation(db_session, stocked):
    _, v1, _, hub = stocked
    first = services.reserve(db_session, reference="ord_5", market_code="US", lines=[(v1, 2)], expires_at=soon())

    again = services.reserve(db_session, reference="ord_5", market_code="US", lines=[(v1, 1), (v1, 1)],
                             expires_at=soon())

    assert again.id == first.id
    assert level_of(db_session, v1, hub).reserved == 2
    with pytest.raises(ReservationMismatch):
        services.reserve(db_session, reference="ord_5", market_code="US", lines=[(v1, 3)], expires_at=soon())


def test_destination_centre_first_then_consolidation_then_seller(db_session, factory):
    seller, _ = factory.seller()
    (v1,) = make_variants(db_session, seller)
    own = make_warehouse(db_session, "seller", seller=seller)
    hub = make_warehouse(db_session, "consolidation")
    japan = make_warehouse(db_session, "overseas", market="JP")
    for warehouse in (own, hub, japan):
        put_stock(db_session, v1, warehouse, 4)

    to_japan = services.reserve(db_session, reference="jp", market_code="JP", lines=[(v1, 3)], expires_at=soon())
    to_us = services.reserve(db_session, reference="us", market_code="US", lines=[(v1, 3)], expires_at=soon())
    split = services.reserve(db_session, reference="us2", market_code="US", lines=[(v1, 3)], expires_at=soon())

    assert [line.warehouse_id for line in to_japan.lines] == [japan.id]
    assert [line.warehouse_id for line in to_us.lines] == [hub.id]  # the JP centre does not ship to the US
    assert {line.warehouse_id: line.quantity for line in split.lines} == {own.id: 3}
    assert services.available_by_variant(db_session, [v1], "US") == {v1: 2}
    assert services.available_by_variant(db_session, [v1], "JP") == {v1: 3}


def test_one_warehouse_for_the_whole_order_when_possible_else_split(db_session, factory):
    seller, _ = factory.seller()
    v1, v2 = make_variants(db_session, seller, 2)
    hub = make_warehouse(db_session, "consolidation")
    japan = make_warehouse(db_session, "overseas", market="JP")
    put_stock(db_session, v1, japan, 5)
    put_stock(db_session, v1, hub, 5)
    put_stock(db_session, v2, hub, 5)

    whole = services.reserve(db_session, reference="a", market_code="JP", lines=[(v1, 2), (v2, 2)],
                             expires_at=soon())
    spread = services.reserve(db_session, reference="b", market_code="JP", lines=[(v1, 7)], expires_at=soon())

    assert {line.warehouse_id for line in whole.lines} == {hub.id}
    assert {line.warehouse_id: line.quantity for line in spread.lines} == {japan.id: 5, hub.id: 2}
    assert services.check_ledger(db_session) == []


def test_inactive_warehouses_are_not_drawn_from(db_session, factory):
    seller, _ = factory.seller()
    (v1,) = make_variants(db_session, seller)
    closed = make_warehouse(db_session, "consolidation")
    put_stock(db_session, v1, closed, 5)
    closed.active = False
    db_session.flush()

    assert services.available_by_variant(db_session, [v1], "US") == {v1: 0}
    with pytest.raises(OutOfStock):
        services.reserve(db_session, reference="c", market_code="US", lines=[(v1, 1)], expires_at=soon())


def test_release_is_idempotent_and_frees_the_stock(db_session, stocked):
    _, v1, _, hub = stocked
    services.reserve(db_session, reference="ord_6", market_code="US", lines=[(v1, 4)], expires_at=soon())

    services.release(db_session, reference="ord_6", reason="payment failed")
    services.release(db_session, reference="ord_6", reason="payment failed")
    services.release(db_session, reference="never-reserved", reason="nothing")

    assert level_of(db_session, v1, hub).reserved == 0
    assert services.get_reservation(db_session, "ord_6").status == "released"
    assert services.check_ledger(db_session) == []
    with pytest.raises(ReservationClosed):
        services.allocate(db_session, reference="ord_6")


def test_allocate_moves_reserved_to_allocated_and_ship_takes_it_off_hand(db_session, stocked):
    _, v1, _, hub = stocked
    services.reserve(db_session, reference="ord_7", market_code="US", lines=[(v1, 2)], expires_at=soon())

    services.allocate(db_session, reference="ord_7", actor="stripe")
    services.allocate(db_session, reference="ord_7", actor="stripe")
    level = level_of(db_session, v1, hub)
    assert (level.on_hand, level.reserved, level.allocated, level.available) == (5, 0, 2, 3)

    assert services.ship_allocation(db_session, reference="ord_7") == 2
    assert services.ship_allocation(db_session, reference="ord_7") == 0
    level = level_of(db_session, v1, hub)
    assert (level.on_hand, level.reserved, level.allocated) == (3, 0, 0)
    assert services.get_reservation(db_session, "ord_7").status == "shipped"
    assert services.check_ledger(db_session) == []


def test_release_after_allocation_returns_the_units(db_session, stocked):
    _, v1, _, hub = stocked
    services.reserve(db_session, reference="ord_8", market_code="US", lines=[(v1, 2)], expires_at=soon())
    services.allocate(db_session, reference="ord_8")

    services.release(db_session, reference="ord_8", reason="canceled by ops")

    level = level_of(db_session, v1, hub)
    assert (level.on_hand, level.reserved, level.allocated) == (5, 0, 0)
    assert services.check_ledger(db_session) == []


def test_allocate_unknown_reference(db_session):
    with pytest.raises(ReservationNotFound):
        services.allocate(db_session, reference="nope")


def test_expired_reservation_stops_counting_before_the_job_runs(db_session, stocked):
    _, v1, _, hub = stocked
    services.reserve(db_session, reference="late", market_code="US", lines=[(v1, 5)], expires_at=soon())
    assert services.available_by_variant(db_session, [v1], "US") == {v1: 0}

    _expire(db_session, "late")  # the expiry passed; release_expired has not run

    assert services.available_by_variant(db_session, [v1], "US") == {v1: 5}
    (item,) = services.list_levels(db_session, variant_id=v1)["items"]
    assert (item.reserved, item.available, item.stock_status) == (0, 5, "low")  # threshold 5
    taken = services.reserve(db_session, reference="early", market_code="US", lines=[(v1, 4)], expires_at=soon())
    assert taken.status == "active"
    level = level_of(db_session, v1, hub)
    assert (level.reserved, level.available) == (4, 1)
    with pytest.raises(ReservationExpired):
        services.allocate(db_session, reference="late")
    assert services.check_ledger(db_session) == []


def test_a_late_payment_still_allocates_while_the_stock_is_untouched(db_session, stocked):
    _, v1, _, hub = stocked
    services.reserve(db_session, reference="slow", market_code="US", lines=[(v1, 2)], expires_at=soon())
    _expire(db_session, "slow")

    services.allocate(db_session, reference="slow")

    assert level_of(db_session, v1, hub).allocated == 2
    assert services.release_expired(db_session) == 0


def test_release_expired_job(app, db_session, stocked):
    _, v1, v2, hub = stocked
    services.reserve(db_session, reference="r1", market_code="US", lines=[(v1, 1)], expires_at=soon())
    services.reserve(db_session, reference="r2", market_code="US", lines=[(v2, 2)], expires_at=soon())
    _expire(db_session, "r1")

    assert release_expired_reservations() == 1  # the periodic job, on the request/job session
    assert services.release_expired(db_session) == 0
    assert services.release_expired(db_session, now=utcnow() + timedelta(hours=1)) == 1

    assert (level_of(db_session, v1, hub).reserved, level_of(db_session, v2, hub).reserved) == (0, 0)
    assert services.get_reservation(db_session, "r1").status == "expired"
    with pytest.raises(ReservationExpired):
        services.allocate(db_session, reference="r2")
    assert services.check_ledger(db_session) == []
    periodic = app.extensions["dari.periodic"]["release_expired_reservations"]
    assert periodic.task == "fulfillment.inventory.tasks.release_expired_reservations"
    assert periodic.interval_seconds == 60


def test_an_expired_reference_can_be_reserved_again_after_the_job(db_session, stocked):
    _, v1, _, _ = stocked
    services.reserve(db_session, reference="again", market_code="US", lines=[(v1, 1)], expires_at=soon())
    _expire(db_session, "again")
    with pytest.raises(ReservationExpired):
        services.reserve(db_session, reference="again", market_code="US", lines=[(v1, 1)], expires_at=soon())
    services.release_expired(db_session)

    fresh = services.reserve(db_session, reference="again", market_code="US", lines=[(v1, 1)], expires_at=soon())

    assert fresh.status == "active"


def test_the_app_exposes_the_gateway_and_the_stock_provider(app):
    from shop.catalog.stock import StockProvider

    gateway = app.extensions["dari.inventory"]
    assert gateway.reserve is services.reserve
    assert gateway.release is services.release
    assert gateway.allocate is services.allocate
    assert isinstance(app.extensions["dari.stock"], StockProvider)
