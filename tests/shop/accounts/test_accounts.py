import pytest

from tests.conftest import PASSWORD


def register(client, email="ana@example.com", password=PASSWORD, **extra):
    return client.post("/api/v1/auth/register", json={"email": email, "password": password, **extra})


def test_register_then_sign_in_and_read_me(client, db_session):
    # given a new customer
    response = register(client, email="Ana@Example.com")
    assert response.status_code == 201
    assert response.json["email"] == "ana@example.com"
    assert response.json["role"] == "customer"
    assert "password" not in response.json and "password_hash" not in response.json

    # when they sign in
    token = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD})
    assert token.status_code == 201
    bearer = token.json["access_token"]

    # then the token identifies them
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {bearer}"})
    assert me.status_code == 200
    assert me.json["id"] == response.json["id"]


def test_password_and_token_are_stored_hashed(client, db_session):
    from shop.accounts.models import ApiToken, User

    register(client)
    bearer = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD}).json[
        "access_token"]
    user = db_session.query(User).one()
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash
    stored = db_session.query(ApiToken).one()
    assert stored.token_hash != bearer and len(stored.token_hash) == 64


def test_duplicate_email_is_a_conflict(client, db_session):
    register(client)
    response = register(client, email="ANA@example.com")
    assert response.status_code == 409
    assert response.json["code"] == "email_taken"


@pytest.mark.parametrize("payload, field", [
    ({"email": "not-an-email", "password": PASSWORD}, "email"),
    ({"password": PASSWORD}, "email"),
    ({"email": "a@example.com"}, "password"),
    ({"email": "a@example.com", "password": PASSWORD, "role": "admin"}, "role"),
])
def test_register_rejects_bad_input(client, db_session, payload, field):
    response = client.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]


def test_weak_password_is_refused(client, db_session):
    response = register(client, password="short")
    assert response.status_code == 422
    assert response.json["code"] == "weak_password"


def test_wrong_password_is_401_and_unknown_email_alike(client, db_session):
    register(client)
    wrong = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": "wrong password!"})
    unknown = client.post("/api/v1/auth/token", json={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["code"] == unknown.json["code"] == "invalid_credentials"


def test_repeated_failed_logins_are_throttled_for_the_failing_client(app, client, db_session):
    register(client)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        wrong = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": "x" * 12})
        assert wrong.status_code == 401
    # the client that has been failing is refused even with the right password, and told when to come back
    response = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json["code"] == "too_many_login_attempts"
    window = app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60
    assert 0 < int(response.headers["Retry-After"]) <= window
    assert response.json["retry_after"] == int(response.headers["Retry-After"])
    # the owner elsewhere is not locked out by it
    elsewhere = client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert elsewhere.status_code == 201


def test_throttle_window_passes(app, client, db_session):
    from datetime import timedelta

    from shop.accounts.models import LoginThrottle

    register(client)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": "x" * 12})
    assert client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD}).status_code == 429
    window = timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    for counter in db_session.query(LoginThrottle):
        counter.window_started_at -= window
    db_session.commit()
    assert client.post("/api/v1/auth/token", json={"email": "ana@example.com", "password": PASSWORD}).status_code == 201


def test_revoked_and_expired_tokens_are_refused(client, db_session, factory):
    from shop.accounts.models import ApiToken
    from shop.core.db import utcnow

    user = factory.user()
    headers = factory.headers(user)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json["code"] == "invalid_token"

    other = factory.headers(user)
    for token in db_session.query(ApiToken).filter(ApiToken.revoked_at.is_(None)):
        token.expires_at = utcnow()
    db_session.commit()
    assert client.get("/api/v1/auth/me", headers=other).status_code == 401


def test_missing_or_garbage_token(client, db_session):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_customer_cannot_call_admin_endpoints(client, db_session, factory):
    customer = factory.user("customer")
    seller, owner = factory.seller()
    for user in (customer, owner):
        headers = factory.headers(user)
        assert client.get("/api/v1/admin/sellers", headers=headers).status_code == 403
        assert client.post(f"/api/v1/admin/sellers/{seller.id}/approve", json={}, headers=headers).status_code == 403
        assert client.patch("/api/v1/admin/markets/US", json={"active": False}, headers=headers).status_code == 403


def test_users_create_cli(app, db_session):
    from shop.accounts.models import User

    result = app.test_cli_runner().invoke(args=["users", "create", "boss@dari.local", "--password", PASSWORD,
                                                "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert db_session.query(User).filter_by(email="boss@dari.local").one().role == "admin"
