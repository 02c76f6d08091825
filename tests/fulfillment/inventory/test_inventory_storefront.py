"""Stock reaches the catalog: availability reasons, in stock / low / out, and the demo stock."""
from __future__ import annotations

from sqlalchemy import func, select

from fulfillment.inventory import services
from fulfillment.inventory.models import InboundShipment, StockLevel
from fulfillment.warehouses.models import Warehouse
from shop.catalog.availability import product_availability
from shop.catalog.models import ProductVariant
from shop.catalog.services import storefront
from shop.catalog.stock import product_stock_state, stock_levels
from tests.shop.catalog.helpers import make_product, run_listing_refresh, variant

from .inventory_helpers import make_warehouse, put_stock, soon


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


def test_storefront_reads_issue_a_constant_number_of_statements_with_real_stock(app, client, db_session, factory):
    """With the inventory provider registered, stock states cost the same for 2 products as for 20.

    (tests/shop/catalog removes the provider, so its constant-query test cannot see this.)

    Stock (and so thresholds) is real for every listed product: some variants are
    out, some low under the default threshold, some under their own threshold.
    """
    from sqlalchemy import event

    from shop.core.db import db
    from tests.shop.catalog.test_storefront import STORE, TEXTS

    assert app.extensions.get("dari.stock") is not None  # the real provider, not the catalog tests' absence
    seller, _ = factory.seller()
    hub = make_warehouse(db_session)
    expected = {}

    def best(states):
        return next((s for s in ("in_stock", "low") if s in states), "out")

    for n in range(22):
        product = make_product(db_session, seller, locales=("ko", "en", "ja"), texts=TEXTS,
                               variants=[variant(), variant()])
        first, second = product.variants
        put_stock(db_session, first.id, hub, 3 + n)  # low while at or under the default threshold of 5
        if n % 3 == 0:
            services.set_low_stock_threshold(db_session, first.id, 30)  # low through its own threshold
        if n % 2:
            put_stock(db_session, second.id, hub, 50)  # in stock; otherwise out
        db_session.commit()
        run_listing_refresh(db_session)  # the worker's job: the stock ledger deferred it
        states = {first.id: "low" if 3 + n <= (30 if n % 3 == 0 else 5) else "in_stock",
                  second.id: "in_stock" if n % 2 else "out"}
        expected[product.id] = states
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    def run(url, query):
        statements.clear()
        storefront._ESTIMATES.clear()  # every request asks the planner (PostgreSQL): the worst case, alike
        response = client.get(url, query_string=query)
        assert response.status_code == 200, response.json
        body = response.json
        for item in body.get("items", [body]):
            states = expected[item["id"]]
            assert item["stock_state"] == best(states.values())
            if "variants" in item:
                assert {v["id"]: v["stock_state"] for v in item["variants"]} == states
        settings_reads = [s for s in statements if "variant_stock_settings" in s]
        assert len(settings_reads) <= 1, settings_reads
        return len(statements), len(body.get("items", [body]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for extra in ({}, {"sort": "price_asc"}, {"q": "緑茶", "lang": "ja"}):
            small = run(STORE, {"market": "US", "per_page": 2, **extra})
            large = run(STORE, {"market": "US", "per_page": 20, **extra})
            assert small[1] == 2 and large[1] == 20
            assert small[0] == large[0], extra
        # a list reads its page from the listing index (market, count, page, products, texts);
        # a product page prices and stocks its variants live (+ variants, rate, stock, thresholds)
        assert small[0] <= 6
        one_variant, _ = run(f"{STORE}/{next(iter(expected))}", {"market": "US"})
        assert one_variant <= 8
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
