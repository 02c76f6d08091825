"""Storefront answers as HTTP caches want them: UTF-8 JSON, ETag and 304, Cache-Control, Vary."""
from __future__ import annotations

from tests.shop.catalog.helpers import make_product
from tests.shop.catalog.test_storefront import STORE, TEXTS


def test_json_carries_cjk_text_as_utf8_not_escapes(client, factory, db_session):
    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko", "en", "ja"), texts=TEXTS)
    response = client.get(f"{STORE}?market=JP&lang=ja")
    assert response.status_code == 200
    assert TEXTS["ja"][0].encode() in response.data and b"\\u" not in response.data
    assert response.json["items"][0]["title"] == TEXTS["ja"][0]


def test_anonymous_reads_revalidate_by_etag(client, factory, db_session):
    seller, _ = factory.seller()
    product = make_product(db_session, seller, locales=("ko", "en"), texts=TEXTS)
    for url in (f"{STORE}?market=US&lang=en", f"{STORE}/{product.slug}?market=US&lang=en"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"]
        assert first.cache_control.public and first.cache_control.max_age == 60
        assert "Accept-Language" in first.headers["Vary"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.data == first.data


def test_vary_names_each_header_once(client, factory, db_session):
    """The storefront and the locale hook both name Accept-Language; the header says it once."""
    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko", "en"), texts=TEXTS)
    store = client.get(f"{STORE}?market=US&lang=en")
    assert store.status_code == 200
    assert store.headers.getlist("Vary") == ["Accept-Language, Accept-Encoding"]
    problem = client.get(f"{STORE}/no-such-product?market=US")
    assert problem.status_code == 404
    assert problem.headers.getlist("Vary") == ["Accept-Language"]


def test_a_changed_answer_gets_a_new_etag(client, factory, db_session):
    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko", "en"), texts=TEXTS)
    before = client.get(f"{STORE}?market=US&lang=en")
    make_product(db_session, seller, locales=("ko", "en"), texts=TEXTS)
    after = client.get(f"{STORE}?market=US&lang=en", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]


def test_reads_with_credentials_and_errors_are_not_shared(client, factory, db_session):
    headers = factory.headers(factory.user())
    response = client.get(f"{STORE}?market=US", headers=headers)
    assert response.status_code == 200 and response.cache_control.private and "ETag" not in response.headers
    missing = client.get(f"{STORE}/no-such-product?market=US")
    assert missing.status_code == 404 and not missing.cache_control.public and "ETag" not in missing.headers


def test_the_written_out_answers_are_what_the_documented_schemas_dump(app, factory, db_session):
    """The list and product page skip marshmallow; what they write must stay what the schemas say."""
    from shop.catalog.services import storefront
    from shop.catalog.store_schemas import (
        StoreProductDetailSchema,
        StoreProductPageSchema,
        store_page_json,
        store_product_json,
    )
    from shop.markets.services import get_market
    from tests.shop.catalog.helpers import TEXTS, make_product, variant

    seller, _ = factory.seller()
    make_product(db_session, seller, locales=("ko", "en", "ja"), texts=TEXTS, variants=[variant(), variant()])
    make_product(db_session, seller, locales=("ko",), texts=TEXTS)  # not sold abroad
    make_product(db_session, seller, locales=("ko", "en"), texts=TEXTS, attributes={"volume": "50ml"})
    for lang in ("ja", "de", "ko"):
        with app.test_request_context(f"/api/v1/store/products?market=JP&lang={lang}"):
            market = get_market(db_session, "JP")
            page = storefront.search_products(db_session, market, lang, per_page=1)
            assert page["items"] and page["next_cursor"]
            assert store_page_json(page) == StoreProductPageSchema().dump(page)
            for view in storefront.search_products(db_session, market, lang)["items"]:
                detail = storefront.get_store_product(db_session, market, lang, view.product.id)
                assert store_product_json(detail, detail=True) == StoreProductDetailSchema().dump(detail)


def test_a_country_code_names_its_market_and_an_unknown_one_lists_the_markets(client, db_session):
    german = client.get("/api/v1/store/products?market=DE", headers={"Accept-Language": "de"})
    assert german.status_code == 200, german.json
    assert german.headers["Content-Language"] == "de"
    assert client.get("/api/v1/store/markets/fr").json["code"] == "EU"
    unknown = client.get("/api/v1/store/products?market=ZZ", headers={"Accept-Language": "de"})
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_market"
    assert {"EU", "JP", "US"} <= set(unknown.json["markets"])
    assert "EU" in unknown.json["detail"] and unknown.headers["Content-Language"] == "de"
