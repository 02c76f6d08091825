import pytest


def test_store_lists_every_market_with_rules_and_sources(client, db_session):
    response = client.get("/api/v1/store/markets?lang=ko")
    assert response.status_code == 200
    markets = {m["code"]: m for m in response.json["items"]}
    assert {"US", "CN", "JP", "EU", "GB", "AU", "CA", "SG", "VN", "TW", "HK"} <= set(markets)
    assert markets["JP"]["currency"] == "JPY" and markets["JP"]["currency_digits"] == 0
    assert markets["EU"]["returns"]["withdrawal_days"] == 14
    assert markets["EU"]["returns"]["sources"]
    assert markets["JP"]["name"] == "일본"


def test_unknown_market_is_a_422(client, db_session):
    response = client.get("/api/v1/store/markets/XX")
    assert response.status_code == 422
    assert response.json["code"] == "unknown_market"


@pytest.mark.parametrize("change, field", [
    ({"price_rounding": {"mode": "step", "step_minor": "abc"}}, "price_rounding"),
    ({"price_rounding": {"mode": "charm", "ending_minor": None}}, "price_rounding"),
    ({"price_rounding": {"mode": "charm"}}, "price_rounding"),
    ({"import": {"tax_rate": "abc"}}, "import_rules"),
    ({"import": {"tax_rate": 0.2}}, "import_rules"),
    ({"import": {"de_minimis": "x"}}, "import_rules"),
    ({"import": {"surcharges": "x"}}, "import_rules"),
    ({"import": {"surcharges": [{"code": "X", "kind": "fixed"}]}}, "import_rules"),
    ({"certificates": {"cosmetics": "x"}}, "certificates"),
    ({"certificates": {"cosmetics": [{"kind": "product"}]}}, "certificates"),
    ({"certificates": {"spaceships": []}}, "certificates"),
    ({"countries": ["FR"]}, "countries"),
    ({"default_locale": "ja"}, "default_locale"),
])
def test_admin_edits_that_would_break_the_store_are_refused(client, db_session, factory, change, field):
    admin = factory.headers(factory.user("admin"))
    response = client.patch("/api/v1/admin/markets/US", json=change, headers=admin)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    assert field in errors or "import" in errors
    # the storefront still works
    assert client.get("/api/v1/store/products?market=US").status_code == 200


def test_admin_edit_is_kept_and_marked(client, db_session, factory):
    admin = factory.headers(factory.user("admin"))
    response = client.patch("/api/v1/admin/markets/JP", json={"price_rounding": {"mode": "step", "step_minor": 100}},
                            headers=admin)
    assert response.status_code == 200
    assert response.json["edited"] is True
    assert response.json["price_rounding"] == {"mode": "step", "step_minor": 100}
    synced = client.post("/api/v1/admin/markets/sync", headers=admin)
    assert synced.status_code == 200
    jp = next(m for m in synced.json["items"] if m["code"] == "JP")
    assert jp["price_rounding"] == {"mode": "step", "step_minor": 100}
