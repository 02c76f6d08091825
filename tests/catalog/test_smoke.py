from tests.catalog.helpers import make_product


def test_smoke(client, factory, db_session):
    seller, owner = factory.seller()
    product = make_product(db_session, seller, category="cosmetics")
    h = factory.headers(owner)
    r = client.get(f"/api/v1/seller/products/{product.id}", headers=h)
    assert r.status_code == 200, r.json
    r = client.get(f"/api/v1/seller/products/{product.id}/availability?lang=ja", headers=h)
    print(r.json)
    assert r.status_code == 200, r.json
    r = client.get("/api/v1/store/products?market=US&lang=ja")
    print(r.json)
    assert r.status_code == 200, r.json
    r = client.get(f"/api/v1/store/products/{product.slug}?market=US")
    print(r.json)
    assert r.status_code == 200, r.json
