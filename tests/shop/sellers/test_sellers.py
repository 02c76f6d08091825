import pytest

from shop.sellers import brn
from tests.conftest import PASSWORD


@pytest.mark.parametrize("number, valid", [
    ("123-45-67891", True),      # the worked example of the reference facts
    ("1234567891", True),
    ("123-45-67890", False),
    ("220-81-00016", True),
    ("220-81-00017", False),
    ("12345678", False),          # too short
    ("12345678901", False),       # too long
    ("12a4567891", False),
    ("１２３４５６７８９１", False),  # full-width digits are not accepted
])
def test_business_number_check_digit(number, valid):
    assert brn.is_valid(number) is valid


def apply_payload(**overrides):
    payload = {
        "legal_name": "주식회사 다리테스트", "business_number": "123-45-67891", "contact_email": "hi@dari.kr",
        "owner_email": "owner@dari.kr", "owner_password": PASSWORD,
        "display_names": {"ko": "다리테스트", "en": "Dari Test"}, "categories": ["cosmetics"],
    }
    payload.update(overrides)
    return payload


def test_apply_creates_pending_seller_and_owner(client, db_session):
    response = client.post("/api/v1/sellers/apply", json=apply_payload())
    assert response.status_code == 201
    assert response.json["seller"]["status"] == "pending"
    assert response.json["seller"]["business_number"] == "123-45-67891"
    assert response.json["owner"]["role"] == "seller"
    assert response.json["owner"]["seller_role"] == "owner"


@pytest.mark.parametrize("lang", ["ko", "ja", "de", "en"])
def test_invalid_business_number_is_422_naming_the_field(client, db_session, lang):
    response = client.post(f"/api/v1/sellers/apply?lang={lang}", json=apply_payload(business_number="123-45-67890"))
    assert response.status_code == 422
    assert response.json["code"] == "invalid_business_number"
    assert list(response.json["errors"]) == ["business_number"]
    assert response.headers["Content-Language"] == lang


def test_invalid_application_writes_nothing(client, db_session):
    from shop.accounts.models import User
    from shop.sellers.models import Seller

    client.post("/api/v1/sellers/apply", json=apply_payload(business_number="123-45-67890"))
    client.post("/api/v1/sellers/apply", json=apply_payload(owner_password="short"))
    assert db_session.query(Seller).count() == 0
    assert db_session.query(User).count() == 0


def test_duplicate_business_number(client, db_session):
    assert client.post("/api/v1/sellers/apply", json=apply_payload()).status_code == 201
    again = client.post("/api/v1/sellers/apply", json=apply_payload(owner_email="other@dari.kr"))
    assert again.status_code == 409
    assert again.json["code"] == "business_number_taken"


def test_admin_approves_and_suspends(client, db_session, factory):
    seller, owner = factory.seller(status="pending")
    admin = factory.headers(factory.user("admin"))
    ops = factory.headers(factory.user("ops"))

    listed = client.get("/api/v1/admin/sellers?status=pending", headers=ops)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json["items"]] == [seller.id]
    assert listed.json["total"] == 1

    # ops may look but only admins decide
    assert client.post(f"/api/v1/admin/sellers/{seller.id}/approve", json={}, headers=ops).status_code == 403
    approved = client.post(f"/api/v1/admin/sellers/{seller.id}/approve", json={}, headers=admin)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    again = client.post(f"/api/v1/admin/sellers/{seller.id}/approve", json={}, headers=admin)
    assert again.status_code == 409 and again.json["code"] == "invalid_seller_transition"
    suspended = client.post(f"/api/v1/admin/sellers/{seller.id}/suspend", json={"reason": "fake documents"},
                            headers=admin)
    assert suspended.json["status"] == "suspended"
    assert suspended.json["status_reason"] == "fake documents"


def test_seller_reads_and_edits_own_profile(client, db_session, factory):
    seller, owner = factory.seller()
    headers = factory.headers(owner)
    profile = client.get("/api/v1/seller/profile", headers=headers)
    assert profile.status_code == 200 and profile.json["id"] == seller.id
    changed = client.patch("/api/v1/seller/profile", json={"warranty_months": 24, "return_window_days": 30},
                           headers=headers)
    assert changed.status_code == 200
    assert changed.json["warranty_months"] == 24 and changed.json["return_window_days"] == 30


def test_seller_cannot_read_another_sellers_profile(client, db_session, factory):
    seller_a, owner_a = factory.seller()
    seller_b, owner_b = factory.seller()
    headers = factory.headers(owner_a)
    # the profile endpoint only ever answers with the caller's own seller
    assert client.get("/api/v1/seller/profile", headers=headers).json["id"] == seller_a.id
    # and the admin view of seller B is closed to seller A
    assert client.get(f"/api/v1/admin/sellers/{seller_b.id}", headers=headers).status_code == 403


def test_profile_needs_a_seller(client, db_session, factory):
    customer = factory.headers(factory.user())
    assert client.get("/api/v1/seller/profile", headers=customer).status_code == 403
    assert client.get("/api/v1/seller/profile").status_code == 401


@pytest.mark.parametrize("payload", [
    {"warranty_months": -1},
    {"warranty_months": 1.5},
    {"return_window_days": "30"},
    {"status": "approved"},
    {"display_names": {"xx": "nope"}},
])
def test_profile_update_rejects_bad_input(client, db_session, factory, payload):
    seller, owner = factory.seller()
    response = client.patch("/api/v1/seller/profile", json=payload, headers=factory.headers(owner))
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"


def test_owner_adds_staff_who_cannot_change_the_profile(client, db_session, factory):
    seller, owner = factory.seller()
    created = client.post("/api/v1/seller/members", json={"email": "staff@dari.kr", "password": PASSWORD},
                          headers=factory.headers(owner))
    assert created.status_code == 201
    assert created.json["seller_id"] == seller.id and created.json["seller_role"] == "staff"

    staff_token = client.post("/api/v1/auth/token", json={"email": "staff@dari.kr", "password": PASSWORD}).json[
        "access_token"]
    staff = {"Authorization": f"Bearer {staff_token}"}
    assert client.get("/api/v1/seller/profile", headers=staff).status_code == 200
    assert client.patch("/api/v1/seller/profile", json={"warranty_months": 1}, headers=staff).status_code == 403
    assert client.post("/api/v1/seller/members", json={"email": "x@dari.kr", "password": PASSWORD},
                       headers=staff).status_code == 403
    members = client.get("/api/v1/seller/members", headers=staff).json["items"]
    assert {m["seller_role"] for m in members} == {"owner", "staff"}


def test_suspended_seller_reads_but_changes_nothing(client, db_session, factory):
    seller, owner = factory.seller(status="suspended")
    headers = factory.headers(owner)
    assert client.get("/api/v1/seller/profile", headers=headers).status_code == 200
    for method, url, body in [
        ("patch", "/api/v1/seller/profile", {"warranty_months": 24}),
        ("post", "/api/v1/seller/members", {"email": "staff@evil.example", "password": PASSWORD}),
        ("post", "/api/v1/seller/products", {"category": "cosmetics"}),
    ]:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 403, (url, response.json)
        assert response.json["code"] == "seller_suspended"
