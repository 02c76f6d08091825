"""Stock reaches the catalog: availability reasons, in stock / low / out, and the demo stock."""
from __future__ import annotations

from sqlalchemy import func, select

from fulfillment.inventory import services
from fulfillment.inventory.models import InboundShipment, StockLevel
from fulfillment.warehouses.models import Warehouse
from shop.catalog.availability import product_availability
from shop.catalog.models import ProductVariant
from shop.catalog.stock import product_stock_state, stock_levels

from .inventory_helpers import make_warehouse, put_stock, soon
from tests.catalog.helpers import make_product, variant


def test_a_market_without_serving_stock_says_no_stock(app, client, db_session, factory):
    seller, owner = factory.seller()
    product = make_product(db_session, seller, variants=[variant()])
    (variant_id,) = [v.id for v in product.variants]
    put_stock(db_session, variant_id, make_warehouse(db_session, "overseas", market="US"), 4)

    reasons = product_availability(db_session, product, ["US", "JP"])
    response = client.get(f"/api/v1/seller/products/{product.id}/availability?lang=en",
                          headers=factory.headers(owner))

    assert "no_stock" not in [reason.code for reason in reasons["US"]]
    assert "no_stock" in [reason.code for reason in reasons["JP"]]
    assert response.status_code == 200
    assert "JP: no stock" in response.get_data(as_text=True)


def test_in_stock_low_and_out_follow_real_stock(app, db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, variants=[variant()])
    (item,) = product.variants
    hub = make_warehouse(db_session)

    def state():
        with app.test_request_context():
            return product_stock_state([item], stock_levels(db_session, [item.id], "GB"))

    assert state() == "out"
    put_stock(db_session, item.id, hub, 4)
    assert state() == "low"  # at or under the default threshold of 5
    services.set_low_stock_threshold(db_session, item.id, 2)
    assert state() == "in_stock"
    services.reserve(db_session, reference="gb-1", market_code="GB", lines=[(item.id, 4)], expires_at=soon())
    assert state() == "out"


def test_demo_seed_stocks_the_hub_and_overseas_centres(app, db_session):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output

    kinds = dict(db_session.execute(
        select(Warehouse.code, Warehouse.kind).join(StockLevel, StockLevel.warehouse_id == Warehouse.id)
        .where(StockLevel.on_hand > 0).distinct()).all())
    assert kinds["ICN-BONDED"] == "consolidation"
    assert kinds["JP-TOKYO-FC"] == "overseas" and kinds["US-LAX-FC"] == "overseas"
    assert "seller" in kinds.values()
    assert db_session.scalar(select(func.count()).select_from(InboundShipment)
                             .where(InboundShipment.status == "received")) > 0
    assert services.check_ledger(db_session) == []
    variant_ids = db_session.scalars(select(ProductVariant.id)).all()
    japan = services.available_by_variant(db_session, variant_ids, "JP")
    assert any(japan.values()) and not all(japan.values())  # some variants are out on purpose
