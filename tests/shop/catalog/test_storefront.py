import pytest
from sqlalchemy import event

from shop.catalog.listings import note_stock_change
from shop.catalog.services import collections as collection_services
from shop.catalog.services import storefront
from shop.core.db import db
from tests.shop.catalog.helpers import certify, make_product, run_listing_refresh, variant
from tests.shop.catalog.test_availability import FakeStock

STORE = "/api/v1/store/products"
TEXTS = {
    "ko": ("녹차수분크림 골드", "제주 유기농 녹차 추출물"),
    "en": ("Green Tea Moisture Cream Gold", "Organic Jeju green tea extract"),
    "ja": ("緑茶モイスチャークリーム ゴールド", "済州産オーガニック緑茶エキス"),
    "zh-Hans": ("绿茶保湿霜金装", "济州有机绿茶提取物"),
}


def _ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_fallback_chain_and_indicator(client, factory, db_session):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, locales=("ko", "en", "ja"), texts=TEXTS)
    # ja requested in the US: ja exists
    item = client.get(f"{STORE}?market=US&lang=ja").json["items"][0]
    assert item["title"] == TEXTS["ja"][0] and item["fallback_used"] is False and item["text_locale"] == "ja"
    # de requested in JP: de missing → JP default (ja)
    item = client.get(f"{STORE}?market=JP&lang=de").json["items"][0]
    assert item["text_locale"] == "ja" and item["fallback_used"] is True and item["locale"] == "de"
    # vi requested in the US: → en
    assert client.get(f"{STORE}?market=US&lang=vi").json["items"][0]["text_locale"] == "en"
    # market default used when no lang: CN → zh-Hans missing → en
    response = client.get(f"{STORE}/{product.slug}?market=CN")
    assert response.headers["Content-Language"] == "zh-Hans"
    assert response.json["text_locale"] == "en" and response.json["fallback_used"] is True


def test_korean_only_text_falls_back_to_ko_for_display_but_is_not_sold_abroad(client, factory, db_session):
    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko",), texts=TEXTS)
    assert client.get(f"{STORE}?market=US").json["total"] == 0


@pytest.mark.parametrize("lang, q", [("ko", "수분크림"), ("ko", "녹차"), ("ja", "モイスチャー"), ("ja", "緑茶"),
                                     ("zh-Hans", "保湿霜"), ("zh-Hans", "有机绿茶"), ("de", "moisture"),
                                     ("de", "GREEN TEA"), ("ja", "녹차"), ("en", "hanbit lab")])
def test_search_matches_served_locale_korean_english_and_cjk_substrings(client, factory, db_session, lang, q):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, locales=("ko", "en", "ja", "zh-Hans"), texts=TEXTS, brand="Hanbit Lab")
    make_product(db_session, seller, locales=("en",), texts={"en": ("Bamboo Spoon", "A spoon")})
    assert _ids(client.get(STORE, query_string={"market": "SG", "lang": lang, "q": q})) == [product.id]


def test_search_ignores_other_locales_and_escapes_wildcards(client, factory, db_session):
    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko", "en", "ja", "zh-Hans"), texts=TEXTS)
    # Chinese text is not searched when Japanese is served
    assert _ids(client.get(STORE, query_string={"market": "US", "lang": "ja", "q": "保湿霜"})) == []
    assert _ids(client.get(STORE, query_string={"market": "US", "q": "%"})) == []
    assert _ids(client.get(STORE, query_string={"market": "US", "q": "_"})) == []


def test_only_purchasable_products_are_listed(client, factory, db_session):
    seller, _ = factory.seller()
    blocked = make_product(db_session, seller, category="cosmetics")
    sold = make_product(db_session, seller, category="cosmetics")
    certify(db_session, sold, "NMPA", "CN")
    make_product(db_session, seller, status="draft")
    assert _ids(client.get(f"{STORE}?market=CN")) == [sold.id]
    assert set(_ids(client.get(f"{STORE}?market=US"))) == {blocked.id, sold.id}
    assert client.get(f"{STORE}/{blocked.id}?market=CN").status_code == 404
    assert client.get(f"{STORE}/{blocked.slug}?market=US").status_code == 200


def test_price_in_market_currency_filters_and_sorts(client, factory, db_session):
    seller, _ = factory.seller()
    cheap = make_product(db_session, seller, variants=[variant(price_krw=10000)])
    dear = make_product(db_session, seller, variants=[variant(price_krw=50000), variant(price_krw=90000)])
    body = client.get(f"{STORE}?market=JP&sort=price_asc").json
    assert [i["id"] for i in body["items"]] == [cheap.id, dear.id]
    assert body["items"][1]["price"]["currency"] == "JPY" and body["items"][1]["price"]["amount"] == 5310
    assert "formatted" in body["items"][1]["price"]
    assert _ids(client.get(f"{STORE}?market=JP&sort=price_desc")) == [dear.id, cheap.id]
    assert _ids(client.get(f"{STORE}?market=JP&min_price=2000")) == [dear.id]
    assert _ids(client.get(f"{STORE}?market=JP&max_price=2000")) == [cheap.id]
    assert client.get(f"{STORE}?market=JP&min_price=2000").json["total"] == 1
    detail = client.get(f"{STORE}/{dear.id}?market=US").json
    assert [v["price"]["amount"] for v in detail["variants"]] == [3499, 6199]


def test_stock_state_follows_the_provider(client, factory, db_session, app, monkeypatch):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    vid = product.variants[0].id
    assert client.get(f"{STORE}?market=JP").json["items"][0]["stock_state"] == "in_stock"
    monkeypatch.setitem(app.extensions, "dari.stock", FakeStock({(vid, "JP"): 2, (vid, "US"): 50}))
    # the stock ledger reports its changes so (the fake provider has no ledger)
    note_stock_change(db_session, [vid])
    db_session.commit()
    run_listing_refresh(db_session)
    assert client.get(f"{STORE}?market=JP").json["items"][0]["stock_state"] == "low"
    assert client.get(f"{STORE}?market=US").json["items"][0]["stock_state"] == "in_stock"
    assert client.get(f"{STORE}?market=EU").json["items"][0]["stock_state"] == "out"


def test_filters_category_seller_collection(client, factory, db_session):
    seller, _ = factory.seller()
    other, _ = factory.seller()
    mug = make_product(db_session, seller, category="household")
    shirt = make_product(db_session, other, category="fashion")
    assert _ids(client.get(f"{STORE}?market=US&category=fashion")) == [shirt.id]
    assert _ids(client.get(f"{STORE}?market=US&seller={seller.id}")) == [mug.id]
    collection_services.create_collection(db_session, {"slug": "k-culture", "titles": {"en": "K-Culture"},
                                                       "product_ids": [shirt.id, mug.id]})
    db_session.commit()
    assert _ids(client.get(f"{STORE}?market=US&collection=k-culture")) == [shirt.id, mug.id]
    assert client.get(f"{STORE}?market=US&collection=nope").status_code == 404


def test_list_issues_a_constant_number_of_queries(client, factory, db_session, app, monkeypatch):
    seller, _ = factory.seller()
    for _ in range(22):
        make_product(db_session, seller, locales=("ko", "en", "ja"), texts=TEXTS,
                     variants=[variant(), variant()])
    monkeypatch.setitem(app.extensions, "dari.stock", FakeStock({}))
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    def run(query):
        statements.clear()
        storefront._ESTIMATES.clear()  # every request asks the planner (PostgreSQL): the worst case, alike
        response = client.get(STORE, query_string=query)
        assert response.status_code == 200
        return len(statements), len(response.json["items"])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for extra in ({}, {"sort": "price_asc"}, {"q": "緑茶", "lang": "ja"}):
            small = run({"market": "JP", "per_page": 2, **extra})
            large = run({"market": "JP", "per_page": 20, **extra})
            assert small[1] == 2 and large[1] == 20
            assert small[0] == large[0], extra
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("query, code", [
    ({"market": "ZZ"}, "unknown_market"), ({}, "validation_error"),
    ({"market": "US", "lang": "xx"}, "unsupported_locale"),
    ({"market": "US", "min_price": "1.5"}, "validation_error"),
    ({"market": "US", "min_price": "-1"}, "validation_error"),
    ({"market": "US", "sort": "random"}, "validation_error"),
    ({"market": "US", "per_page": "1000"}, "validation_error"),
    ({"market": "US", "q": "x" * 101}, "validation_error"),
    ({"market": "US", "min_price": 5, "max_price": 1}, "invalid_input"),
])
def test_bad_store_queries_are_4xx(client, db_session, query, code):
    response = client.get(STORE, query_string=query)
    assert 400 <= response.status_code < 500 and response.json["code"] == code


def test_store_collections_are_localised_and_ordered(client, db_session):
    collection_services.create_collection(db_session, {"slug": "b-hall", "titles": {"en": "B", "ja": "ビー"},
                                                       "position": 2})
    collection_services.create_collection(db_session, {"slug": "a-hall", "titles": {"ko": "가"}, "position": 1})
    collection_services.create_collection(db_session, {"slug": "hidden", "titles": {"en": "H"}, "active": False})
    db_session.commit()
    body = client.get("/api/v1/store/collections?market=JP").json
    assert [c["slug"] for c in body] == ["a-hall", "b-hall"]
    assert body[0]["title"] == "가" and body[0]["fallback_used"] is True
    assert body[1]["title"] == "ビー" and body[1]["fallback_used"] is False


@pytest.mark.postgres_only
def test_postgres_search_is_backed_by_a_trigram_index(db_session):
    from sqlalchemy import text

    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    for index in ("ix_product_translations_search_trgm", "ix_storefront_search_texts_trgm"):
        definition = db_session.scalar(text(f"SELECT indexdef FROM pg_indexes WHERE indexname = '{index}'"))
        assert definition and "gin_trgm_ops" in definition
