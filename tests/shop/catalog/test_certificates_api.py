from shop.catalog.availability import product_availability
from tests.shop.catalog.helpers import make_product

SELLER = "/api/v1/seller/certificates"
ADMIN = "/api/v1/admin/certificates"


def test_seller_records_ops_verify_then_it_counts(client, factory, db_session):
    seller, owner = factory.seller()
    product = make_product(db_session, seller, category="cosmetics")
    headers = factory.headers(owner)
    created = client.post(SELLER, headers=headers, json={
        "type": "NMPA", "number": "国妆网备进字J2026001234", "market": "cn", "product_id": product.id,
        "valid_from": "2025-01-01", "valid_until": "2099-12-31", "document_url": "https://docs.example/nmpa.pdf"})
    assert created.status_code == 201, created.json
    assert created.json["status"] == "pending" and created.json["market"] == "CN"
    assert product_availability(db_session, product, ["CN"])["CN"] != []
    assert client.post(f"{ADMIN}/{created.json['id']}/verify", headers=headers, json={}).status_code == 403
    ops = factory.headers(factory.user("ops"))
    queue = client.get(f"{ADMIN}?status=pending", headers=ops).json
    assert created.json["id"] in [c["id"] for c in queue["items"]]
    verified = client.post(f"{ADMIN}/{created.json['id']}/verify", headers=ops, json={"note": "checked"})
    assert verified.status_code == 200 and verified.json["status"] == "verified"
    db_session.expire_all()
    assert product_availability(db_session, product, ["CN"])["CN"] == []
    again = client.post(f"{ADMIN}/{created.json['id']}/verify", headers=ops, json={})
    assert again.status_code == 409 and again.json["code"] == "invalid_certificate_transition"
    # a change sends it back to review
    changed = client.patch(f"{SELLER}/{created.json['id']}", headers=headers, json={"number": "NEW-1"})
    assert changed.json["status"] == "pending"
    rejected = client.post(f"{ADMIN}/{created.json['id']}/reject", headers=ops, json={"note": "illegible"})
    assert rejected.json["status"] == "rejected" and rejected.json["review_note"] == "illegible"


def test_seller_cannot_see_or_change_another_sellers_certificate(client, factory, db_session):
    seller_a, owner_a = factory.seller()
    _, owner_b = factory.seller()
    product = make_product(db_session, seller_a)
    created = client.post(SELLER, headers=factory.headers(owner_a),
                          json={"type": "CE", "number": "DoC-1", "market": "EU", "product_id": product.id}).json
    other = factory.headers(owner_b)
    assert client.get(f"{SELLER}/{created['id']}", headers=other).status_code == 404
    assert client.patch(f"{SELLER}/{created['id']}", headers=other, json={"number": "X"}).status_code == 404
    assert client.delete(f"{SELLER}/{created['id']}", headers=other).status_code == 404
    assert client.get(SELLER, headers=other).json["total"] == 0
    # nor attach one to another seller's product
    response = client.post(SELLER, headers=other, json={"type": "CE", "number": "D", "market": "EU",
                                                        "product_id": product.id})
    assert response.status_code == 404


def test_bad_certificate_input(client, factory):
    _, owner = factory.seller()
    headers = factory.headers(owner)
    base = {"type": "CE", "number": "1", "market": "EU"}
    assert client.post(SELLER, headers=headers, json={**base, "type": "MADE_UP"}).status_code == 422
    assert client.post(SELLER, headers=headers, json={**base, "market": "ZZ"}).json["code"] == "unknown_market"
    assert client.post(SELLER, headers=headers, json={**base, "valid_from": "2030-01-01",
                                                      "valid_until": "2020-01-01"}).status_code == 422
    assert client.post(SELLER, headers=headers, json={**base, "document_url": "javascript:x"}).status_code == 422
