"""A case is refunded once: twenty requests at once, retries with a key, failures and the audit (both engines)."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from returns.cases import refunding
from returns.cases.models import ReturnCase
from shop.payments import refunds
from shop.payments.models import Refund
from tests.fulfillment.shipments.helpers import staff, warehouse
from tests.returns.cases.test_refunds import payment_of, provider_refunds
from tests.returns.helpers import ask_return, delivered_order, guest, race
from tests.shop.catalog.helpers import certify
from tests.shop.checkout.helpers import make_item, post_event


def inspected_case(client, session, stripe_base, headers, *, units=3, returned=1, market="EU", warranty=False):
    """An order of ``units`` delivered, ``returned`` of them back and inspected; the case as JSON."""
    hub = warehouse(session)
    if warranty:
        item = make_item(session, stock=units + 2, warehouse=hub, category="electronics", hs_code="851830")
        certify(session, item.product, "CE", "EU")
        certify(session, item.product, "GPSR", "EU", business=True)
        session.commit()
    else:
        item = make_item(session, stock=units + 2, warehouse=hub)
    order = delivered_order(client, session, stripe_base, [(item, units)], market=market, days_ago=3)
    line_id = order.lines[0].id
    if warranty:
        opened = client.post(f"/api/v1/store/orders/{order.id}/warranty-claims",
                             json={"order_line_id": line_id, "description": "stopped charging"}, headers=guest(order))
        assert opened.status_code == 201, opened.json
        case = opened.json
        resolved = client.post(f"/api/v1/admin/returns/{case['id']}/resolve", json={"remedy": "refund"},
                               headers=headers)
        assert resolved.status_code == 200, resolved.json
    else:
        case = ask_return(client, order, [(line_id, returned)], "defective").json
    case_line = case["lines"][0]["id"]
    count = case["lines"][0]["quantity"]
    assert client.post(f"/api/v1/admin/returns/{case['id']}/receive", json={"lines": {case_line: count}},
                       headers=headers).status_code == 200
    inspected = client.post(f"/api/v1/admin/returns/{case['id']}/inspect", json={"resellable": {case_line: count}},
                            headers=headers)
    assert inspected.status_code == 200, inspected.json
    return inspected.json


def pay_pending(session, order_id: str) -> None:
    """Run the ``send_refund`` job for every pending refund of the order (as the worker would)."""
    for refund_id in session.scalars(select(Refund.id).where(Refund.order_id == order_id,
                                                             Refund.status == "pending")).all():
        refunds.send_refund(refund_id)
    session.expire_all()


@pytest.mark.live
@pytest.mark.parametrize("warranty", [False, True], ids=["return", "warranty_refund"])
def test_twenty_refund_requests_for_one_case_refund_it_once(app, committed_db, factory_committed, stripe_on,
                                                            warranty):
    session = committed_db
    ops = staff(factory_committed)
    case = inspected_case(app.test_client(), session, stripe_on, ops, warranty=warranty)
    case_id, order_id = case["id"], case["order_id"]
    session.remove()

    results = race(app, f"/api/v1/admin/returns/{case_id}/refund", ops, {})
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: 19}, [body for status, body in results if status not in (200, 409)]
    assert {body["code"] for status, body in results if status == 409} == {"refund_already_requested"}
    (answer,) = [body for status, body in results if status == 200]
    assert answer["status"] == "refunding" and answer["refund_minor"] > 0

    pay_pending(session, order_id)
    (refund,) = session.scalars(select(Refund).where(Refund.order_id == order_id)).all()
    stored = session.get(ReturnCase, case_id)
    assert refund.status == "succeeded" and stored.status == "refunded"
    assert refund.amount_minor == stored.refund_minor == answer["refund_minor"]
    payment = payment_of(session, order_id)
    assert [r["amount"] for r in provider_refunds(stripe_on, payment.intent_id)] == [refund.amount_minor]
    assert refunding.check_case_refunds(session) == [] and refunds.check_refunds(session) == []


@pytest.mark.live
def test_twenty_ops_refunds_with_one_key_refund_the_order_once(app, committed_db, factory_committed, stripe_on):
    session = committed_db
    hub = warehouse(session)
    order = delivered_order(app.test_client(), session, stripe_on, [(make_item(session, stock=5, warehouse=hub), 2)],
                            market="EU", days_ago=3)
    order_id = order.id
    share = payment_of(session, order_id).captured_minor // 10  # ten would fit: only the key keeps it to one
    ops = {**staff(factory_committed), "Idempotency-Key": "goodwill-retry-0001"}
    session.remove()

    results = race(app, f"/api/v1/admin/orders/{order_id}/refunds", ops, {"amount_minor": share, "reason": "goodwill"})
    assert Counter(status for status, _ in results) == {201: 20}, results
    assert {len(body["refunds"]) for _, body in results} == {1}
    pay_pending(session, order_id)
    (refund,) = session.scalars(select(Refund).where(Refund.order_id == order_id)).all()
    assert refund.status == "succeeded" and refund.idempotency_key == "goodwill-retry-0001"
    payment = payment_of(session, order_id)
    assert payment.refund_committed_minor == share
    assert [r["amount"] for r in provider_refunds(stripe_on, payment.intent_id)] == [share]
    assert refunds.check_refunds(session) == []


def test_a_repeat_with_the_same_key_answers_the_case_and_another_key_is_refused(client, db_session, factory,
                                                                                  stripe_on):
    ops = staff(factory)
    case = inspected_case(client, db_session, stripe_on, ops)
    url = f"/api/v1/admin/returns/{case['id']}/refund"
    first = client.post(url, json={}, headers={**ops, "Idempotency-Key": "refund-click-0001"})
    assert first.status_code == 200 and first.json["status"] == "refunding"
    again = client.post(url, json={}, headers={**ops, "Idempotency-Key": "refund-click-0001"})
    assert again.status_code == 200 and again.json["refund_minor"] == first.json["refund_minor"]
    other = client.post(url, json={}, headers={**ops, "Idempotency-Key": "refund-click-0002", "Accept-Language": "ja"})
    assert other.status_code == 409 and other.json["code"] == "refund_already_requested"
    assert other.mimetype == "application/problem+json" and other.headers["Content-Language"] == "ja"
    assert other.json["title"] != "This has already been refunded, or its refund is being paid."
    bad = client.post(url, json={}, headers={**ops, "Idempotency-Key": "no spaces"})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_idempotency_key"
    # The key of this case's refund, sent to refund the order: the same key for another request.
    reused = client.post(f"/api/v1/admin/orders/{case['order_id']}/refunds", json={"amount_minor": 100,
                         "reason": "goodwill"}, headers={**ops, "Idempotency-Key": "refund-click-0001"})
    assert reused.status_code == 422 and reused.json["code"] == "idempotency_key_reused"
    assert len(db_session.scalars(select(Refund).where(Refund.order_id == case["order_id"])).all()) == 1


def test_a_failed_refund_puts_the_case_back_to_be_refunded_again(client, db_session, factory, stripe_on):
    ops = staff(factory)
    case = inspected_case(client, db_session, stripe_on, ops)
    url = f"/api/v1/admin/returns/{case['id']}/refund"
    assert client.post(url, json={}, headers=ops).status_code == 200
    (refund,) = db_session.scalars(select(Refund).where(Refund.order_id == case["order_id"]))
    assert refunds.send_refund(refund.id) == "succeeded"
    db_session.expire_all()
    assert db_session.get(ReturnCase, case["id"]).status == "refunded"
    assert client.post(url, json={}, headers=ops).json["code"] == "refund_already_requested"

    # The provider reverses a refund of another case: that one goes back to ``inspected``.
    second = inspected_case(client, db_session, stripe_on, ops)
    assert client.post(f"/api/v1/admin/returns/{second['id']}/refund", json={}, headers=ops).status_code == 200
    (pending,) = db_session.scalars(select(Refund).where(Refund.order_id == second["order_id"]))
    failed = {"id": "evt_case_refund_failed", "object": "event", "type": "refund.failed", "created": 1,
              "data": {"object": {"id": "re_failed_case_1", "object": "refund", "amount": pending.amount_minor,
                                  "status": "failed", "metadata": {"dari_refund": refunds.refund_key(pending.id)}}}}
    assert post_event(client, failed).json["outcome"] == "refund_failed"
    db_session.expire_all()
    assert db_session.get(ReturnCase, second["id"]).status == "inspected"
    retried = client.post(f"/api/v1/admin/returns/{second['id']}/refund", json={}, headers=ops)
    assert retried.status_code == 200 and retried.json["status"] == "refunding"
    assert refunding.check_case_refunds(db_session) == [] and refunds.check_refunds(db_session) == []


def test_the_audit_finds_a_case_paid_twice_and_only_ops_may_read_it(client, db_session, factory, stripe_on):
    ops = staff(factory)
    case = inspected_case(client, db_session, stripe_on, ops)
    assert client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=ops).status_code == 200
    audit = client.get("/api/v1/admin/returns/refund-audit", headers=ops)
    assert audit.status_code == 200 and audit.json == {"payments": [], "cases": []}
    # What the race used to leave: a second refund under the same case (no purpose, so the index lets it in).
    refunds.request_refund(db_session, case["order_id"], 100, source=f"return:{case['id']}")
    db_session.commit()
    (found,) = client.get("/api/v1/admin/returns/refund-audit", headers=ops).json["cases"]
    assert found["case_id"] == case["id"] and found["refunds"] == 2
    assert found["refunded_minor"] == case_refund(db_session, case["id"]) + 100
    buyer = factory.headers(factory.user("customer"))
    assert client.get("/api/v1/admin/returns/refund-audit", headers=buyer).status_code == 403


def case_refund(session, case_id: str) -> int:
    return session.get(ReturnCase, case_id).refund_minor


def test_the_database_refuses_a_second_active_refund_for_one_purpose(client, db_session, factory, stripe_on):
    from sqlalchemy.exc import IntegrityError

    case = inspected_case(client, db_session, stripe_on, staff(factory))
    assert client.post(f"/api/v1/admin/returns/{case['id']}/refund", json={}, headers=staff(factory)).status_code == 200
    (refund,) = db_session.scalars(select(Refund).where(Refund.order_id == case["order_id"]))
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Refund(payment_id=refund.payment_id, order_id=refund.order_id, amount_minor=1,
                              currency=refund.currency, source=refund.source, purpose=refund.purpose))
        db_session.flush()


def test_flask_refunds_check_exits_1_on_a_case_paid_twice(app, client, db_session, factory, stripe_on):
    from returns.cases.cli import check_command

    runner = app.test_cli_runner()
    assert runner.invoke(check_command).exit_code == 0
    case = inspected_case(client, db_session, stripe_on, staff(factory))
    refunds.request_refund(db_session, case["order_id"], 100, source=f"return:{case['id']}")
    db_session.commit()
    result = runner.invoke(check_command)
    assert result.exit_code == 1 and "1 return cases out of line" in result.output


@pytest.mark.live
def test_twenty_unrepairable_refunds_of_one_claim_refund_it_once(app, committed_db, factory_committed, stripe_on):
    from tests.returns.cases.test_repairs import claim, to_bench

    session = committed_db
    ops = staff(factory_committed)
    client = app.test_client()
    _, order, case = claim(client, session, stripe_on, warehouse(session))
    to_bench(client, ops, case)
    case_id, order_id = case["id"], order.id
    session.remove()

    results = race(app, f"/api/v1/admin/returns/{case_id}/repair/unrepairable", ops, {"remedy": "refund"})
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: 19}, [body for status, body in results if status not in (200, 409)]
    pay_pending(session, order_id)
    (refund,) = session.scalars(select(Refund).where(Refund.order_id == order_id)).all()
    stored = session.get(ReturnCase, case_id)
    assert refund.status == "succeeded" and stored.status == "refunded" and refund.amount_minor == stored.refund_minor
    payment = payment_of(session, order_id)
    assert [r["amount"] for r in provider_refunds(stripe_on, payment.intent_id)] == [refund.amount_minor]
    assert refunding.check_case_refunds(session) == [] and refunds.check_refunds(session) == []
