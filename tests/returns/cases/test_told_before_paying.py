"""Told before paying: a cart line shows what it could not be returned for, the buyer acknowledges it per
line, the order keeps it, and a later change-of-mind return is decided on it (both engines)."""
from __future__ import annotations

from sqlalchemy import select

from returns.cases.models import ReturnCase
from returns.cases.return_terms import PolicyReturnTerms
from shop.orders.models import OrderLine
from shop.orders.return_terms import RETURN_TERMS, ReturnTerms
from tests.fulfillment.shipments.helpers import warehouse
from tests.returns.helpers import ask_return, delivered_order, guest
from tests.shop.catalog.helpers import certify
from tests.shop.checkout.helpers import make_item


def cosmetic(session):
    item = make_item(session, stock=5, warehouse=warehouse(session), category="cosmetics", hs_code="330499")
    certify(session, item.product, "CPNP", "EU")
    session.commit()
    return item


def new_cart(client, market="EU", **headers):
    cart = client.post("/api/v1/store/carts", json={"market": market}, headers=headers)
    assert cart.status_code == 201, cart.json
    return cart.json["id"]


def test_the_cart_shows_each_lines_exclusions_and_records_the_acknowledgement(client, db_session):
    item = cosmetic(db_session)
    plain = make_item(db_session, stock=5, warehouse=warehouse(db_session))
    cart_id = new_cart(client)
    for variant in (item, plain):
        assert client.post(f"/api/v1/store/carts/{cart_id}/lines", json={"variant_id": variant.id, "quantity": 1}
                           ).status_code == 201
    cart = client.get(f"/api/v1/store/carts/{cart_id}", headers={"Accept-Language": "de"}).json
    by_variant = {line["variant_id"]: line for line in cart["lines"]}
    (hygiene,) = [e for e in by_variant[item.id]["return_exclusions"] if e["code"] == "unsealed_hygiene"]
    assert hygiene["when"] == "opened" and "EU-CRD6K" in hygiene["sources"]
    assert hygiene["text"] and hygiene["text"] != "sealed health or hygiene goods, once unsealed"  # German
    assert by_variant[plain.id]["return_exclusions"] == [] and by_variant[item.id]["return_acknowledgement"] is None

    line_id = by_variant[item.id]["id"]
    url = f"/api/v1/store/carts/{cart_id}/lines/{line_id}/return-acknowledgement"
    acknowledged = client.put(url)
    assert acknowledged.status_code == 200, acknowledged.json
    record = {line["id"]: line for line in acknowledged.json["lines"]}[line_id]["return_acknowledgement"]
    assert "unsealed_hygiene" in record["exclusions"] and record["acknowledged_at"] and "/" in record["version"]
    assert client.delete(url).status_code == 200
    withdrawn = {line["id"]: line for line in client.get(f"/api/v1/store/carts/{cart_id}").json["lines"]}
    assert withdrawn[line_id]["return_acknowledgement"] is None

    nothing = client.put(f"/api/v1/store/carts/{cart_id}/lines/{by_variant[plain.id]['id']}/return-acknowledgement",
                         headers={"Accept-Language": "ja"})
    assert nothing.status_code == 422 and nothing.json["code"] == "nothing_to_acknowledge"
    assert nothing.headers["Content-Language"] == "ja" and nothing.mimetype == "application/problem+json"
    assert "change of mind" not in nothing.json["title"]
    unknown = client.put(f"/api/v1/store/carts/{cart_id}/lines/cl_nope/return-acknowledgement")
    assert unknown.status_code == 404


def test_an_acknowledged_exclusion_refuses_the_return_citing_it(client, db_session, stripe_on):
    item = cosmetic(db_session)
    order = delivered_order(client, db_session, stripe_on, [(item, 2)], market="EU", days_ago=3, acknowledge=True)
    line = db_session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert "unsealed_hygiene" in line.return_acknowledgement["exclusions"]
    shown = client.get(f"/api/v1/store/orders/{order.id}", headers=guest(order, **{"Accept-Language": "fr"})).json
    assert {e["code"] for e in shown["lines"][0]["return_exclusions"]} >= {"unsealed_hygiene"}

    refused = ask_return(client, order, [(line.id, 1)], opened=True)
    assert refused.status_code == 201 and refused.json["status"] == "rejected"
    codes = [r["code"] for r in refused.json["lines"][0]["decision"]["reasons"]]
    assert "excluded_category" in codes and "exclusion_acknowledged" in codes
    # Unopened, the same goods go back for a change of mind.
    assert ask_return(client, order, [(line.id, 1)], opened=False).json["status"] == "approved"


def test_a_buyer_never_told_may_return_opened_goods(client, db_session, stripe_on):
    item = cosmetic(db_session)
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="EU", days_ago=3)
    assert db_session.scalar(select(OrderLine.return_acknowledgement).where(OrderLine.order_id == order.id)) is None
    accepted = ask_return(client, order, [(order.lines[0].id, 1)], opened=True)
    assert accepted.status_code == 201 and accepted.json["status"] == "approved"
    codes = [r["code"] for r in accepted.json["lines"][0]["decision"]["reasons"]]
    assert "exclusion_needs_notice" in codes and "excluded_category" not in codes
    assert db_session.scalar(select(ReturnCase.status).where(ReturnCase.order_id == order.id)) == "approved"


def test_the_policy_terms_meet_the_checkout_contract(app, db_session):
    terms = RETURN_TERMS.get(app)
    assert isinstance(terms, ReturnTerms) and isinstance(terms, PolicyReturnTerms)
    with app.test_request_context():
        assert [e.code for e in terms.exclusions(db_session, "EU", "food")] == ["perishable"]
        assert terms.exclusions(db_session, "US", "cosmetics") == []
        assert terms.version(db_session, "EU").count("/") == 1
