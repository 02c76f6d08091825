import pytest

from tests.shop.catalog.helpers import make_product, variant

BASE = "/api/v1/seller/products"


def _create(client, headers, **overrides):
    body = {"category": "cosmetics", "hs_code": "330499", "brand": "Test", "variants": [variant()]}
    body.update(overrides)
    return client.post(BASE, json=body, headers=headers)


def test_seller_creates_and_reads_a_product(client, factory):
    seller, owner = factory.seller()
    headers = factory.headers(owner)
    response = _create(client, headers, translations={"en": {"title": "Cream"}})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["seller_id"] == seller.id and body["status"] == "draft"
    assert body["variants"][0]["price_krw"] == 25000
    assert client.get(f"{BASE}/{body['id']}", headers=headers).status_code == 200
    assert client.get(BASE, headers=headers).json["total"] == 1


def test_seller_cannot_read_or_change_another_sellers_product(client, factory, db_session):
    seller_a, _ = factory.seller()
    _, owner_b = factory.seller()
    product = make_product(db_session, seller_a)
    other = factory.headers(owner_b)
    pid, vid = product.id, product.variants[0].id
    assert client.get(f"{BASE}/{pid}", headers=other).json["code"] == "not_found"
    assert client.patch(f"{BASE}/{pid}", json={"brand": "X"}, headers=other).status_code == 404
    assert client.put(f"{BASE}/{pid}/translations/en", json={"title": "Mine"}, headers=other).status_code == 404
    assert client.get(f"{BASE}/{pid}/translations", headers=other).status_code == 404
    assert client.delete(f"{BASE}/{pid}/translations/en", headers=other).status_code == 404
    assert client.get(f"{BASE}/{pid}/availability", headers=other).status_code == 404
    assert client.patch(f"{BASE}/{pid}/variants/{vid}", json={"price_krw": 1}, headers=other).status_code == 404
    assert client.put(f"{BASE}/{pid}/variants/{vid}/prices/US", json={"amount": 1}, headers=other).status_code == 404
    assert client.get(BASE, headers=other).json["total"] == 0
    assert product.brand == "Dari Test" and product.variants[0].price_krw == 25000


def test_admin_may_read_any_product_customer_may_not(client, factory, db_session):
    seller, _ = factory.seller()
    product = make_product(db_session, seller)
    assert client.get(f"{BASE}/{product.id}", headers=factory.headers(factory.user("admin"))).status_code == 200
    assert client.get(f"{BASE}/{product.id}", headers=factory.headers(factory.user("customer"))).status_code == 403
    assert client.get(f"{BASE}/{product.id}").status_code == 401


def test_sku_is_unique_per_seller(client, factory, db_session):
    seller, owner = factory.seller()
    _, other_owner = factory.seller()
    headers = factory.headers(owner)
    make_product(db_session, seller, variants=[variant(sku="DUP-1")])
    response = _create(client, headers, variants=[variant(sku="DUP-1")])
    assert response.status_code == 409 and response.json["code"] == "sku_taken"
    both = _create(client, headers, variants=[variant(sku="NEW-1"), variant(sku="NEW-1")])
    assert both.status_code == 409 and both.json["code"] == "sku_taken"
    # another seller may use the same SKU
    assert _create(client, factory.headers(other_owner), variants=[variant(sku="DUP-1")]).status_code == 201
    product = make_product(db_session, seller, variants=[variant(sku="OWN-2")])
    added = client.post(f"{BASE}/{product.id}/variants", json=variant(sku="DUP-1"), headers=headers)
    assert added.status_code == 409 and added.json["code"] == "sku_taken"
    renamed = client.patch(f"{BASE}/{product.id}/variants/{product.variants[0].id}", json={"sku": "DUP-1"},
                           headers=headers)
    assert renamed.status_code == 409 and renamed.json["code"] == "sku_taken"


def test_description_html_is_sanitised(client, factory, db_session):
    seller, owner = factory.seller()
    product = make_product(db_session, seller)
    html = ('<p onclick="steal()">Hello <b>world</b><script>alert(1)</script>'
            '<a href="javascript:alert(1)">bad</a> <a href="https://dari.example">good</a>'
            '<img src="https://x.example/a.png" onerror="steal()"></p>')
    response = client.put(f"{BASE}/{product.id}/translations/de", headers=factory.headers(owner),
                          json={"title": "Hallo", "short_description": "Kurz", "description": html})
    assert response.status_code == 200, response.json
    cleaned = response.json["description"]
    assert "<script" not in cleaned and "alert" not in cleaned and "onclick" not in cleaned
    assert "onerror" not in cleaned and "javascript:" not in cleaned
    assert "<b>world</b>" in cleaned and 'href="https://dari.example"' in cleaned
    assert response.json["locale"] == "de"


def test_translation_status_names_missing_locales(client, factory, db_session):
    seller, owner = factory.seller()
    product = make_product(db_session, seller, locales=("ko",), target_markets=["EU", "JP"])
    body = client.get(f"{BASE}/{product.id}/translation-status", headers=factory.headers(owner)).json
    markets = {m["market"]: m for m in body["markets"]}
    assert set(markets) == {"EU", "JP"}
    assert markets["EU"]["missing"] == ["en", "de", "fr"] and markets["EU"]["listable"] is False
    assert {"locale": "ko", "present": True} in body["locales"]


def test_market_price_override(client, factory, db_session):
    seller, owner = factory.seller()
    product = make_product(db_session, seller)
    url = f"{BASE}/{product.id}/variants/{product.variants[0].id}/prices/jp"
    response = client.put(url, json={"amount": 1980}, headers=factory.headers(owner))
    assert response.status_code == 200, response.json
    assert response.json["market_prices"][0]["price"]["amount"] == 1980
    assert response.json["market_prices"][0]["price"]["currency"] == "JPY"
    assert client.delete(url, headers=factory.headers(owner)).status_code == 204


@pytest.mark.parametrize("field, value", [
    ("price_krw", -1), ("price_krw", 1999.5), ("price_krw", "25000"), ("weight_g", -5), ("sku", "bad sku!"),
])
def test_bad_variant_input_is_422(client, factory, field, value):
    _, owner = factory.seller()
    response = _create(client, factory.headers(owner), variants=[variant(**{field: value})])
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"


@pytest.mark.parametrize("overrides", [{"hs_code": "12345"}, {"hs_code": "12345678901"}, {"hs_code": "33049x"},
                                       {"category": "weapons"}, {"origin_country": "XX"},
                                       {"images": ["javascript:alert(1)"]}, {"unknown": 1},
                                       {"translations": {"xx": {"title": "t"}}}])
def test_bad_product_input_is_422(client, factory, overrides):
    _, owner = factory.seller()
    response = _create(client, factory.headers(owner), **overrides)
    assert response.status_code == 422, response.json


def test_bad_input_gets_4xx_problems(client, factory, db_session):
    seller, owner = factory.seller()
    headers = factory.headers(owner)
    product = make_product(db_session, seller)
    vid = product.variants[0].id
    unknown_locale = client.put(f"{BASE}/{product.id}/translations/xx", json={"title": "t"}, headers=headers)
    assert unknown_locale.status_code == 400 and unknown_locale.json["code"] == "unsupported_locale"
    assert client.get(f"{BASE}/{product.id}?lang=klingon", headers=headers).json["code"] == "unsupported_locale"
    float_money = client.put(f"{BASE}/{product.id}/variants/{vid}/prices/US", json={"amount": 29.99}, headers=headers)
    assert float_money.status_code == 422
    negative = client.put(f"{BASE}/{product.id}/variants/{vid}/prices/US", json={"amount": -1}, headers=headers)
    assert negative.status_code == 422
    unknown_market = client.put(f"{BASE}/{product.id}/variants/{vid}/prices/ZZ", json={"amount": 1}, headers=headers)
    assert unknown_market.status_code == 422 and unknown_market.json["code"] == "unknown_market"
    wrong_currency = client.put(f"{BASE}/{product.id}/variants/{vid}/prices/US", json={"amount": 1, "currency": "EUR"},
                                headers=headers)
    assert wrong_currency.status_code == 422
    huge = client.put(f"{BASE}/{product.id}/translations/en", headers=headers,
                      json={"title": "t", "description": "x" * (2 * 1024 * 1024)})
    assert huge.status_code == 413 and huge.headers["Content-Type"].startswith("application/problem+json")
    long_text = client.put(f"{BASE}/{product.id}/translations/en", headers=headers,
                           json={"title": "t", "description": "x" * 30_000})
    assert long_text.status_code == 422
    assert client.post(BASE, data="not json", headers={**headers, "Content-Type": "application/json"}).status_code \
        in (400, 422)
    targets = client.patch(f"{BASE}/{product.id}", json={"target_markets": ["ZZ"]}, headers=headers)
    assert targets.status_code == 422 and targets.json["code"] == "unknown_market"


def test_market_price_overrides_must_be_chargeable(client, factory, db_session):
    seller, owner = factory.seller()
    headers = factory.headers(owner)
    product = make_product(db_session, seller)
    url = f"{BASE}/{product.id}/variants/{product.variants[0].id}/prices"

    def put(market, amount, lang="en"):
        return client.put(f"{url}/{market}?lang={lang}", json={"amount": amount}, headers=headers)

    fractional_twd = put("TW", 12345)  # NT$123.45: TWD is charged in whole dollars
    assert fractional_twd.status_code == 422 and fractional_twd.json["code"] == "invalid_input"
    assert list(fractional_twd.json["errors"]) == ["amount"]
    message = fractional_twd.json["errors"]["amount"][0]
    assert "TWD" in message and "100" in message
    korean = put("TW", 12345, lang="ko").json["errors"]["amount"][0]
    assert korean != message and "TWD" in korean and "100" in korean
    assert put("TW", 12300).status_code == 200

    too_much = put("US", 100_000_000)  # above Stripe's maximum charge of US$999,999.99
    assert too_much.status_code == 422 and list(too_much.json["errors"]) == ["amount"]
    assert "99999999" in too_much.json["errors"]["amount"][0]
    assert put("US", 99_999_999).status_code == 200
    assert put("TW", 100_000_000).status_code == 422
    assert put("TW", 99_999_900).status_code == 200
    assert put("JP", 99_999_999).status_code == 200 and put("JP", 100_000_000).status_code == 422

    db_session.expire_all()
    stored = db_session.get(type(product), product.id).variants[0]
    prices = {p.market_code: p.amount_minor for p in stored.market_prices}
    assert prices == {"TW": 99_999_900, "US": 99_999_999, "JP": 99_999_999}
