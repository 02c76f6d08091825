"""The listing index: equal to a rebuild after any edits, fresh after one job run, paged exactly."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fulfillment.inventory import services as inventory
from fulfillment.inventory.stock import StockProvider
from shop.catalog import listing_freshness, listings
from shop.catalog.models import (
    Certificate,
    ExchangeRate,
    Product,
    ProductTranslation,
    ProductVariant,
    StorefrontListing,
    StorefrontSearchText,
    VariantMarketPrice,
)
from shop.catalog.services import products as product_services
from shop.core.db import utcnow
from shop.markets.models import Market
from shop.sellers.services import change_status
from tests.fulfillment.inventory.inventory_helpers import make_warehouse, put_stock
from tests.shop.catalog.helpers import certify, make_product, run_listing_refresh, variant
from tests.shop.core.jobs.jobs_for_tests import run_worker

STORE = "/api/v1/store/products"


def _index(session) -> tuple[dict, dict]:
    """The listing rows and the search texts, as values."""
    rows = session.execute(select(StorefrontListing)).scalars()
    listing = {(r.market_code, r.product_id): (r.purchasable, r.seller_id, r.category, r.price_minor, r.currency,
                                               r.stock_state, r.listed_at) for r in rows}
    texts = {(t.product_id, t.locale): t.search_text for t in session.scalars(select(StorefrontSearchText))}
    return listing, texts


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def real_stock(app, monkeypatch):
    """The inventory's provider (tests/shop/catalog start without one)."""
    monkeypatch.setitem(app.extensions, "dari.stock", StockProvider())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_leave_the_index_equal_to_a_full_rebuild(db_session, factory, real_stock, seed):
    rng = random.Random(seed)
    sellers = [factory.seller()[0] for _ in range(2)]
    hub = make_warehouse(db_session)
    products = [make_product(db_session, rng.choice(sellers), category=rng.choice(["cosmetics", "electronics",
                                                                                    "household"]),
                             locales=rng.choice([("ko",), ("ko", "en"), ("ko", "en", "ja")]),
                             variants=[variant(price_krw=rng.randrange(5000, 90000)) for _ in range(2)])
                for _ in range(6)]

    def a_variant():
        return rng.choice([v for p in products for v in p.variants])

    def edit_product():
        product = rng.choice(products)
        product.status = rng.choice(["active", "draft", "archived"])

    def edit_category():
        rng.choice(products).category = rng.choice(["cosmetics", "electronics", "household", "food"])

    def edit_price():
        a_variant().price_krw = rng.randrange(1000, 200000)

    def toggle_variant():
        item = a_variant()
        item.active = not item.active

    def set_override():
        product_services.set_market_price(db_session, a_variant(), rng.choice(["JP", "US", "EU"]),
                                          rng.randrange(100, 99999))

    def drop_override():
        row = db_session.scalars(select(VariantMarketPrice)).first()
        if row is not None:
            db_session.delete(row)

    def add_or_drop_text():
        product = rng.choice(products)
        locale = rng.choice(["en", "ja", "zh-Hans"])
        row = db_session.scalar(select(ProductTranslation).where(ProductTranslation.product_id == product.id,
                                                                 ProductTranslation.locale == locale))
        if row is None:
            db_session.add(ProductTranslation(product_id=product.id, locale=locale, title=f"t-{locale}",
                                              search_text=f"t-{locale}"))
        else:
            db_session.delete(row)

    def certificate():
        product = rng.choice(products)
        certify(db_session, product, rng.choice(["NMPA", "FCC", "CPNP"]), rng.choice(["CN", "US", "EU"]),
                business=rng.random() < 0.3, valid_until=rng.choice([None, date.today() + timedelta(days=30)]))

    def review_certificate():
        row = db_session.scalars(select(Certificate)).first()
        if row is not None:
            row.status = rng.choice(["verified", "rejected"])
            row.valid_until = rng.choice([None, date.today() - timedelta(days=1)])

    def seller_status():
        seller = rng.choice(sellers)
        change_status(db_session, seller.id, "suspend" if seller.status == "approved" else "approve")

    def new_rate():
        db_session.add(ExchangeRate(currency=rng.choice(["USD", "JPY", "EUR"]),
                                    rate=str(rng.choice(["0.00072", "0.00075", "0.105", "0.11", "0.00068"])),
                                    source="test", as_of=utcnow() + timedelta(seconds=rng.randrange(1, 10**6))))

    def market_rule():
        market = db_session.get(Market, rng.choice(["US", "JP", "EU"]))
        if rng.random() < 0.5:
            market.price_rounding = rng.choice([{}, {"mode": "step", "step_minor": 100}])
        else:
            rules = dict(market.certificates or {})
            rules["household"] = [] if rules.get("household") else [{"type": "KC", "kind": "product"}]
            market.certificates = rules

    def stock():
        item = a_variant()
        if rng.random() < 0.6:
            put_stock(db_session, item.id, hub, rng.randrange(1, 12))
        else:
            level = inventory.ensure_level(db_session, item.id, hub.id)
            locked = inventory.lock_levels(db_session, [level])[level]
            if locked.on_hand - locked.reserved - locked.allocated > 0:
                inventory.record(db_session, locked, "write_off", locked.on_hand - locked.reserved - locked.allocated,
                                 reason="test", actor="test")

    def threshold():
        inventory.set_low_stock_threshold(db_session, a_variant().id, rng.randrange(0, 10))

    edits = [edit_product, edit_category, edit_price, toggle_variant, set_override, drop_override,
             add_or_drop_text, certificate, review_certificate, seller_status, new_rate, market_rule, stock,
             threshold]
    for _ in range(40):
        rng.choice(edits)()
        db_session.commit()
        run_listing_refresh(db_session)

    refreshed = _index(db_session)
    assert listing_freshness.check_freshness(db_session, sample=100)[1] == []
    listings.rebuild(db_session)
    assert _index(db_session) == refreshed
    assert len(refreshed[0]) == len(products) * len(listings.listing_markets(db_session))
    assert refreshed[1]  # the products' search texts, as the rebuild writes them


def test_a_rolled_back_change_defers_nothing(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    product.status = "draft"
    db_session.flush()
    db_session.rollback()
    assert run_listing_refresh(db_session) == 0


def test_a_refresh_writes_only_rows_that_changed(db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    assert listings.refresh_products(db_session, [product.id]) == 0
    db_session.get(Product, product.id).status = "draft"
    db_session.flush()
    assert listings.refresh_products(db_session, [product.id]) == len(listings.listing_markets(db_session))


def _listed(client, market="US", **query) -> dict:
    response = client.get(STORE, query_string={"market": market, "lang": "en", "per_page": 100, **query})
    assert response.status_code == 200, response.json
    return {item["id"]: item for item in response.json["items"]}


def test_each_kind_of_change_moves_the_product_after_one_job_run(app, client, committed_db, redis_conn, real_stock):
    """Every change a listing depends on reaches the storefront through the outbox and a real RQ worker."""
    from tests.conftest import Factory

    us = committed_db.get(Market, "US")
    rules = us.certificates
    try:
        _each_kind_of_change(client, committed_db, redis_conn, Factory(app, committed_db))
    finally:
        committed_db.rollback()
        committed_db.get(Market, "US").certificates = rules  # markets outlive the test's tables
        committed_db.commit()


def _each_kind_of_change(client, session, redis_conn, factory):
    seller, _ = factory.seller()
    mug = make_product(session, seller, category="household")
    cream = make_product(session, seller, category="cosmetics")
    # the worker's job ends the session (db.session.remove()): keep ids, not objects
    mug_id, cream_id, seller_id = mug.id, cream.id, seller.id
    mug_variant = mug.variants[0].id

    def after_one_job_run(change):
        change()
        session.commit()
        run_worker(redis_conn, "low")
        session.expire_all()

    run_worker(redis_conn, "low")
    assert mug_id in _listed(client) and _listed(client)[mug_id]["stock_state"] == "out"

    # product
    after_one_job_run(lambda: setattr(session.get(Product, mug_id), "status", "draft"))
    assert mug_id not in _listed(client)
    after_one_job_run(lambda: setattr(session.get(Product, mug_id), "status", "active"))
    assert mug_id in _listed(client)

    # variant
    after_one_job_run(lambda: setattr(session.get(ProductVariant, mug_variant), "active", False))
    assert mug_id not in _listed(client)
    after_one_job_run(lambda: setattr(session.get(ProductVariant, mug_variant), "active", True))
    assert mug_id in _listed(client)

    # translation: the only English text goes, and the US (English only) stops selling it
    english = session.scalar(select(ProductTranslation).where(ProductTranslation.product_id == mug_id,
                                                              ProductTranslation.locale == "en"))
    after_one_job_run(lambda: session.delete(english))
    assert mug_id not in _listed(client)
    after_one_job_run(lambda: session.add(ProductTranslation(product_id=mug_id, locale="en", title="Mug",
                                                             search_text="mug")))
    assert mug_id in _listed(client)

    # price override
    after_one_job_run(lambda: product_services.set_market_price(session, session.get(ProductVariant, mug_variant),
                                                                "JP", 1230))
    assert _listed(client, "JP")[mug_id]["price"]["amount"] == 1230

    # exchange rate
    before = _listed(client)[mug_id]["price"]["amount"]
    after_one_job_run(lambda: session.add(ExchangeRate(currency="USD", rate="0.0015", source="test",
                                                       as_of=utcnow())))
    assert _listed(client)[mug_id]["price"]["amount"] > before

    # certificate verified, then expired (CN needs an NMPA filing for cosmetics)
    assert cream_id not in _listed(client, "CN")
    certificate = Certificate(seller_id=seller_id, product_id=cream_id, type="NMPA", number="N-1", market_code="CN",
                              status="pending")
    session.add(certificate)
    session.flush()
    certificate_id = certificate.id
    after_one_job_run(lambda: None)
    assert cream_id not in _listed(client, "CN")
    after_one_job_run(lambda: setattr(session.get(Certificate, certificate_id), "status", "verified"))
    assert cream_id in _listed(client, "CN")
    after_one_job_run(lambda: setattr(session.get(Certificate, certificate_id), "valid_until",
                                      date.today() - timedelta(days=1)))
    assert cream_id not in _listed(client, "CN")

    # seller suspended, approved again
    after_one_job_run(lambda: change_status(session, seller_id, "suspend"))
    assert mug_id not in _listed(client)
    after_one_job_run(lambda: change_status(session, seller_id, "approve"))
    assert mug_id in _listed(client)

    # stock level crossing a state
    hub = make_warehouse(session)
    after_one_job_run(lambda: put_stock(session, mug_variant, session.merge(hub), 40))
    assert _listed(client)[mug_id]["stock_state"] == "in_stock"

    # market rule edit: the US starts to require a KC mark for household goods
    def require_kc():
        market = session.get(Market, "US")
        market.certificates = {**(market.certificates or {}), "household": [{"type": "KC", "kind": "product"}]}

    after_one_job_run(require_kc)
    assert mug_id not in _listed(client)

    # the calendar: a certificate valid until today stops counting tomorrow (the periodic job)
    after_one_job_run(lambda: session.add(Certificate(
        seller_id=seller_id, product_id=mug_id, type="KC", number="K-1", market_code="US", status="verified",
        valid_until=date.today())))
    assert mug_id in _listed(client)
    listings.refresh_dated(session, today=date.today() + timedelta(days=1))
    session.commit()
    assert session.get(StorefrontListing, ("US", mug_id)).purchasable is False
    assert listings.refresh_products(session, [mug_id]) == 1  # today it still counts
    session.commit()
    assert mug_id in _listed(client)


def test_cursor_pages_return_every_product_once_while_products_are_added(client, db_session, factory):
    seller, _ = factory.seller()
    rng = random.Random(7)
    originals = {make_product(db_session, seller, variants=[variant(price_krw=rng.randrange(1000, 99000))]).id
                 for _ in range(23)}
    for sort in ("newest", "price_asc", "price_desc"):
        seen, cursor, pages = [], None, 0
        while True:
            query = {"market": "US", "per_page": 5, "sort": sort, **({"cursor": cursor} if cursor else {})}
            body = client.get(STORE, query_string=query).json
            seen += [item["id"] for item in body["items"]]
            cursor, pages = body["next_cursor"], pages + 1
            # a product added between two pages, at a random price
            make_product(db_session, seller, variants=[variant(price_krw=rng.randrange(1000, 99000))])
            if cursor is None:
                break
        assert len(seen) == len(set(seen)), sort
        assert originals <= set(seen), sort
        assert pages >= 5


def test_a_price_sorted_page_is_sorted_by_the_price_the_buyer_sees(client, db_session, factory):
    seller, _ = factory.seller()
    rng = random.Random(11)
    for _ in range(12):
        product = make_product(db_session, seller, variants=[variant(price_krw=rng.randrange(1000, 99000))
                                                             for _ in range(rng.randrange(1, 3))])
        if rng.random() < 0.4:
            product_services.set_market_price(db_session, product.variants[0], "JP", rng.randrange(100, 9000))
            db_session.commit()
            run_listing_refresh(db_session)
    body = client.get(STORE, query_string={"market": "JP", "sort": "price_asc", "per_page": 8}).json
    listed = [(item["id"], item["price"]["amount"]) for item in body["items"]]
    assert [amount for _, amount in listed] == sorted(amount for _, amount in listed)
    for product_id, amount in listed:
        detail = client.get(f"{STORE}/{product_id}", query_string={"market": "JP"}).json
        assert amount == min(v["price"]["amount"] for v in detail["variants"]) == detail["price"]["amount"]
    rest = client.get(STORE, query_string={"market": "JP", "sort": "price_asc", "per_page": 8,
                                           "cursor": body["next_cursor"]}).json
    assert len(rest["items"]) == 4 and rest["next_cursor"] is None
    assert rest["items"][0]["price"]["amount"] >= listed[-1][1]


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJuZXdlc3QiLDEsImEiXQ"])
def test_bad_cursors_are_4xx(client, db_session, cursor):
    response = client.get(STORE, query_string={"market": "US", "cursor": cursor, "lang": "de"})
    assert response.status_code == 422 and response.json["code"] == "validation_error"
    assert "cursor" in response.json["errors"]


def test_a_cursor_of_another_order_is_refused(client, db_session, factory):
    seller, _ = factory.seller()
    for _ in range(3):
        make_product(db_session, seller)
    cursor = client.get(STORE, query_string={"market": "US", "per_page": 1}).json["next_cursor"]
    assert cursor
    response = client.get(STORE, query_string={"market": "US", "per_page": 1, "cursor": cursor, "sort": "price_asc"})
    assert response.status_code == 422 and "cursor" in response.json["errors"]


def test_ops_see_drift_between_the_index_and_the_live_rule(client, db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    ops = factory.user("ops")
    url = "/api/v1/admin/storefront/freshness"
    body = client.get(url, headers=factory.headers(ops)).json
    assert body["products_checked"] == 1 and body["drifted"] == []

    db_session.get(StorefrontListing, ("US", product.id)).price_minor = 1  # a row that went wrong
    db_session.commit()
    body = client.get(url, headers=factory.headers(ops)).json
    assert [(d["market_code"], d["product_id"], d["stored"]["price_minor"]) for d in body["drifted"]] == \
        [("US", product.id, 1)]
    assert body["drifted"][0]["live"]["price_minor"] != 1

    assert client.get(url, headers=factory.headers(factory.user())).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(url, query_string={"sample": 0}, headers=factory.headers(ops)).status_code == 422


def test_rebuild_and_check_commands(app, db_session, factory):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    db_session.execute(StorefrontListing.__table__.delete())
    db_session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["storefront", "check"])
    assert result.exit_code == 1 and "11 rows differ" in result.output  # every row is missing
    result = runner.invoke(args=["storefront", "rebuild", "--market", "jp"])
    assert result.exit_code == 0 and "1 listing rows rebuilt in JP" in result.output, result.output
    assert db_session.get(StorefrontListing, ("JP", product.id)) is not None
    assert runner.invoke(args=["storefront", "rebuild"]).exit_code == 0
    result = runner.invoke(args=["storefront", "check"])
    assert result.exit_code == 0 and "0 rows differ" in result.output


def test_totals_above_the_threshold_are_the_databases_flagged_estimate(app, client, db_session, factory,
                                                                      monkeypatch):
    seller, _ = factory.seller()
    for _ in range(3):
        make_product(db_session, seller)
    body = client.get(STORE, query_string={"market": "US"}).json
    assert body["total"] == 3 and body["total_is_estimate"] is False

    monkeypatch.setitem(app.config, "STOREFRONT_EXACT_TOTAL_MAX", 0)
    body = client.get(STORE, query_string={"market": "US"}).json
    assert len(body["items"]) == 3
    if db_session.get_bind().dialect.name == "postgresql":
        assert body["total_is_estimate"] is True and body["total"] >= 1  # the planner's guess, flagged
    else:
        assert body["total_is_estimate"] is False and body["total"] == 3  # SQLite has no estimate: it counts


def test_concurrent_refreshes_of_the_same_rows_end_equal_to_a_rebuild(app, committed_db):
    """Eight jobs refresh the same products at once, each in its own transaction: the rows they
    insert or update meet in the upsert and the row locks, and none fails (PostgreSQL and SQLite)."""
    from collections import Counter

    from tests.conftest import Factory
    from tests.fulfillment.inventory.test_inventory_concurrency import _race

    seller, _ = Factory(app, committed_db).seller()
    ids = [make_product(committed_db, seller).id for _ in range(3)]
    committed_db.execute(StorefrontListing.__table__.delete())  # the racers insert every row
    committed_db.commit()

    outcomes = _race(app, [lambda session: listings.refresh_products(session, ids)] * 8)

    assert outcomes == Counter({"ok": 8})
    committed_db.expire_all()
    refreshed = _index(committed_db)
    assert len(refreshed[0]) == 3 * len(listings.listing_markets(committed_db))
    listings.rebuild(committed_db)
    assert _index(committed_db) == refreshed
    committed_db.rollback()
