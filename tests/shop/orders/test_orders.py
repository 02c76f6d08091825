"""Reading orders: the customer's own (others get 404), guests by token, sellers' lines, ops filters."""
from __future__ import annotations

from shop.orders.models import Order
from tests.shop.checkout.helpers import checkout, make_item, ready_cart


def order_for(client, db_session, headers=None, variant=None, market="US"):
    variant = variant or make_item(db_session)
    cart = ready_cart(client, market, variant.id, headers=headers)
    response = checkout(client, cart["id"], headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_customer_lists_and_reads_own_orders(client, db_session, factory, stripe_on):
    alice = factory.user()
    body = order_for(client, db_session, factory.headers(alice))

    listing = client.get("/api/v1/store/orders", headers=factory.headers(alice)).json
    one = client.get(f"/api/v1/store/orders/{body['order']['id']}", headers=factory.headers(alice))

    assert [o["id"] for o in listing["items"]] == [body["order"]["id"]]
    assert listing["total"] == 1 and listing["page"] == 1 and "per_page" in listing
    assert one.status_code == 200 and one.json["payment"]["status"] == "requires_payment"


def test_a_customer_reading_anothers_order_gets_404(client, db_session, factory, stripe_on):
    alice, bob = factory.user(), factory.user()
    body = order_for(client, db_session, factory.headers(alice))

    response = client.get(f"/api/v1/store/orders/{body['order']['id']}", headers=factory.headers(bob))

    assert response.status_code == 404 and response.json["code"] == "not_found"
    assert client.get("/api/v1/store/orders", headers=factory.headers(bob)).json["items"] == []
    assert client.get("/api/v1/store/orders").status_code == 401


def test_guest_reads_the_order_with_its_access_token_only(client, db_session, stripe_on):
    body = order_for(client, db_session)
    url = f"/api/v1/store/orders/{body['order']['id']}"

    assert client.get(url, headers={"X-Order-Token": body["access_token"]}).status_code == 200
    assert client.get(url).status_code == 404
    wrong = body["access_token"][:-1] + ("1" if body["access_token"][-1] == "0" else "0")
    assert client.get(url, headers={"X-Order-Token": wrong}).status_code == 404


def test_seller_sees_only_its_own_lines(client, db_session, factory, stripe_on):
    seller_a, owner_a = factory.seller()
    seller_b, owner_b = factory.seller()
    a_item = make_item(db_session, seller_a)
    b_item = make_item(db_session, seller_b)
    cart = ready_cart(client, "US", a_item.id)
    client.post(f"/api/v1/store/carts/{cart['id']}/lines", json={"variant_id": b_item.id, "quantity": 2})
    order_id = checkout(client, cart["id"]).json["order"]["id"]

    seen_a = client.get(f"/api/v1/seller/orders/{order_id}", headers=factory.headers(owner_a)).json
    seen_b = client.get("/api/v1/seller/orders", headers=factory.headers(owner_b)).json["items"][0]

    assert [ln["variant_id"] for ln in seen_a["lines"]] == [a_item.id]
    assert [ln["variant_id"] for ln in seen_b["lines"]] == [b_item.id]
    assert "total" not in seen_a and "email" not in seen_a
    seller_c, owner_c = factory.seller()
    assert client.get(f"/api/v1/seller/orders/{order_id}", headers=factory.headers(owner_c)).status_code == 404


def test_ops_filter_orders_by_status_market_seller_and_date(client, db_session, factory, stripe_on):
    seller, _ = factory.seller()
    us = order_for(client, db_session, variant=make_item(db_session, seller))
    jp = order_for(client, db_session, market="JP")
    ops = factory.headers(factory.user("ops"))

    def ids(query):
        response = client.get(f"/api/v1/admin/orders?{query}", headers=ops)
        assert response.status_code == 200, response.json
        return {o["id"] for o in response.json["items"]}

    assert {us["order"]["id"], jp["order"]["id"]} <= ids("status=pending_payment")
    assert jp["order"]["id"] in ids("market=JP") and us["order"]["id"] not in ids("market=JP")
    assert ids(f"seller={seller.id}") == {us["order"]["id"]}
    created = db_session.get(Order, us["order"]["id"]).created_at
    assert us["order"]["id"] not in ids("created_to=" + created.replace(year=created.year - 1).isoformat()
                                        .replace("+00:00", "Z"))
    assert client.get("/api/v1/admin/orders?status=bogus", headers=ops).status_code == 422
    assert client.get("/api/v1/admin/orders", headers=factory.headers(factory.user())).status_code == 403


def test_a_non_ascii_or_malformed_guest_token_is_404_not_500(client, db_session, stripe_on):
    body = order_for(client, db_session)
    url = f"/api/v1/store/orders/{body['order']['id']}"

    for response in (client.get(url, headers={"X-Order-Token": "é"}),
                     client.get(url, headers={"X-Order-Token": "\u00e9" + body["access_token"]}),
                     client.get(url, headers={"X-Order-Token": "\u20ac" + body["access_token"][1:]}),
                     client.get(url, headers={"X-Order-Token": "x" * 5000})):
        assert response.status_code == 404 and response.json["code"] == "not_found"
    assert client.get(url, headers={"X-Order-Token": body["access_token"]}).status_code == 200


def test_the_token_in_the_query_string_never_opens_an_order(client, db_session, factory, stripe_on):
    body = order_for(client, db_session)
    url = f"/api/v1/store/orders/{body['order']['id']}"

    for response in (client.get(f"{url}?access_token={body['access_token']}"),
                     client.get(f"{url}?access_token={body['access_token']}",
                                headers={"X-Order-Token": body["access_token"]}),
                     client.get(f"{url}?access_token=%ED%A0%80"),
                     client.get(f"{url}?access_token=")):
        assert response.status_code == 400, response.json
        assert response.json["code"] == "credential_in_query"
        assert "X-Order-Token" in response.json["detail"]
        assert "order" not in response.json and body["order"]["number"] not in response.get_data(as_text=True)
    assert client.get(url, headers={"X-Order-Token": body["access_token"]}).status_code == 200


def test_the_query_parameter_is_not_documented(client, db_session):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/store/orders/{order_id}"]["get"]
    names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
    assert ("header", "X-Order-Token") in names
    assert not any(name == "access_token" for _, name in names)
