"""The ledger: levels always equal the sums of the movements, whatever happens."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from fulfillment.inventory import services
from fulfillment.inventory.errors import InsufficientStock, OutOfStock, ReasonRequired, ReservationExpired
from fulfillment.inventory.models import Reservation, StockLevel, StockMovement
from shop.core.db import utcnow
from shop.core.errors import DomainError

from .inventory_helpers import make_variants, make_warehouse, put_stock, soon


def test_movements_are_append_only(db_session, factory):
    seller, _ = factory.seller()
    (variant_id,) = make_variants(db_session, seller)
    put_stock(db_session, variant_id, make_warehouse(db_session), 3)
    movement = db_session.scalar(select(StockMovement).where(StockMovement.variant_id == variant_id))

    movement.quantity = 300
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(StockMovement, movement.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()


def test_the_database_refuses_impossible_levels(db_session, factory):
    seller, _ = factory.seller()
    (variant_id,) = make_variants(db_session, seller)
    level = put_stock(db_session, variant_id, make_warehouse(db_session), 3)

    for values in ({"on_hand": -1}, {"reserved": -1}, {"reserved": 4}, {"reserved": 2, "allocated": 2}):
        nested = db_session.begin_nested()
        with pytest.raises(Exception) as caught:
            db_session.execute(update(StockLevel).where(StockLevel.id == level.id).values(**values))
            db_session.flush()
        assert "check" in str(caught.value).lower()
        nested.rollback()


def test_write_off_and_adjustment_rules(db_session, factory):
    seller, _ = factory.seller()
    (variant_id,) = make_variants(db_session, seller)
    hub = make_warehouse(db_session)
    put_stock(db_session, variant_id, hub, 5)
    services.reserve(db_session, reference="held", market_code="US", lines=[(variant_id, 4)], expires_at=soon())

    with pytest.raises(ReasonRequired):
        services.adjust(db_session, variant_id=variant_id, warehouse_id=hub.id, quantity=1, reason=" ")
    with pytest.raises(InsufficientStock):  # 4 of the 5 are promised to a customer
        services.write_off(db_session, variant_id=variant_id, warehouse_id=hub.id, quantity=2, reason="broken")
    services.write_off(db_session, variant_id=variant_id, warehouse_id=hub.id, quantity=1, reason="broken")
    services.restock_return(db_session, variant_id=variant_id, warehouse_id=hub.id, quantity=2, reference="rma_1")

    level = db_session.scalar(select(StockLevel).where(StockLevel.variant_id == variant_id))
    assert (level.on_hand, level.reserved, level.available) == (6, 4, 2)
    assert services.check_ledger(db_session) == []


def test_a_seller_warehouse_holds_only_its_sellers_goods(db_session, factory):
    seller, _ = factory.seller()
    other, _ = factory.seller()
    (foreign,) = make_variants(db_session, other)
    own = make_warehouse(db_session, "seller", seller=seller)

    with pytest.raises(DomainError) as caught:
        services.adjust(db_session, variant_id=foreign, warehouse_id=own.id, quantity=1, reason="found")
    assert caught.value.code == "variant_not_found"


@pytest.mark.parametrize("seed", [1, 7, 42, 2024])
def test_levels_equal_the_ledger_after_a_random_sequence_of_operations(db_session, factory, seed):
    rng = random.Random(seed)
    seller, _ = factory.seller()
    variants = make_variants(db_session, seller, 3)
    warehouses = [make_warehouse(db_session, "consolidation"), make_warehouse(db_session, "overseas", market="JP"),
                  make_warehouse(db_session, "seller", seller=seller)]
    references: list[str] = []
    outcomes = {"ok": 0, "refused": 0}

    for step in range(120):
        operation = rng.choice(["receive", "receive", "reserve", "reserve", "reserve", "release", "allocate",
                                "ship", "adjust", "write_off", "restock", "expire", "job"])
        variant_id, warehouse = rng.choice(variants), rng.choice(warehouses)
        try:
            if operation == "receive":
                put_stock(db_session, variant_id, warehouse, rng.randint(1, 6))
            elif operation == "reserve":
                lines = [(rng.choice(variants), rng.randint(1, 4)) for _ in range(rng.randint(1, 3))]
                services.reserve(db_session, reference=f"ord_{step}", market_code=rng.choice(["JP", "US"]),
                                 lines=lines, expires_at=soon())
                references.append(f"ord_{step}")
            elif operation == "release" and references:
                services.release(db_session, reference=rng.choice(references), reason="canceled")
            elif operation == "allocate" and references:
                services.allocate(db_session, reference=rng.choice(references))
            elif operation == "ship" and references:
                services.ship_allocation(db_session, reference=rng.choice(references))
            elif operation == "adjust":
                services.adjust(db_session, variant_id=variant_id, warehouse_id=warehouse.id,
                                quantity=rng.choice([-2, -1, 1, 3]), reason="count")
            elif operation == "write_off":
                services.write_off(db_session, variant_id=variant_id, warehouse_id=warehouse.id,
                                   quantity=rng.randint(1, 2), reason="damaged")
            elif operation == "restock":
                services.restock_return(db_session, variant_id=variant_id, warehouse_id=warehouse.id,
                                        quantity=1, reference=f"rma_{step}")
            elif operation == "expire" and references:
                db_session.execute(update(Reservation).where(Reservation.reference == rng.choice(references))
                                   .values(expires_at=utcnow() - timedelta(seconds=1)))
            elif operation == "job":
                services.release_expired(db_session)
            db_session.commit()
            outcomes["ok"] += 1
        except (OutOfStock, InsufficientStock, ReservationExpired, DomainError):
            db_session.rollback()
            outcomes["refused"] += 1
        assert services.check_ledger(db_session) == [], f"after step {step} ({operation})"

    levels = db_session.scalars(select(StockLevel).execution_options(populate_existing=True)).all()
    assert all(0 <= lvl.reserved + lvl.allocated <= lvl.on_hand for lvl in levels)
    for market in ("JP", "US"):
        reported = services.available_by_variant(db_session, variants, market)
        assert all(value >= 0 for value in reported.values())
    assert outcomes["ok"] > 40 and outcomes["refused"] > 0
