"""Every error is problem+json in the request's language."""
import pytest
from flask import Blueprint

EXPECTED_404_TITLES = {"ko": "찾을 수 없습니다.", "ja": "見つかりません。", "de": "Nicht gefunden."}


@pytest.mark.parametrize("lang", ["ko", "ja", "de"])
def test_404_is_translated_problem(client, db_session, lang):
    response = client.get("/api/v1/nowhere", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "not_found"
    assert response.json["status"] == 404
    assert response.json["title"] == EXPECTED_404_TITLES[lang]
    assert response.headers["Content-Language"] == lang


@pytest.mark.parametrize("lang", ["ko", "ja", "de"])
def test_405_is_translated_problem(client, db_session, lang):
    english = client.delete("/api/v1/store/markets", headers={"Accept-Language": "en"}).json
    response = client.delete("/api/v1/store/markets", headers={"Accept-Language": lang})
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    assert response.json["title"] != english["title"]


@pytest.mark.parametrize("lang", ["ko", "ja", "de"])
def test_422_field_messages_are_translated(client, db_session, lang):
    english = client.post("/api/v1/auth/register", json={"email": "nope"}, headers={"Accept-Language": "en"}).json
    response = client.post("/api/v1/auth/register", json={"email": "nope"}, headers={"Accept-Language": lang})
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert set(response.json["errors"]) == {"email", "password"}
    assert response.json["errors"]["password"] != english["errors"]["password"]
    assert response.json["errors"]["email"] != english["errors"]["email"]
    assert response.json["title"] != english["title"]


def test_range_message_is_translated_with_its_bounds(client, db_session, factory):
    seller, owner = factory.seller()
    response = client.patch("/api/v1/seller/profile?lang=de", json={"warranty_months": 500},
                            headers=factory.headers(owner))
    message = response.json["errors"]["warranty_months"][0]
    assert "120" in message and "Must be" not in message


@pytest.fixture
def crashing_app(app):
    from dari.app import create_app

    fresh = create_app(dict(app.config))
    bp = Blueprint("test_crash", __name__)

    @bp.route("/test-crash")
    def crash():
        raise RuntimeError("secret internals /etc/passwd")

    fresh.register_blueprint(bp)
    return fresh


@pytest.mark.parametrize("lang", ["ko", "ja", "de"])
def test_500_hides_the_traceback(crashing_app, db_session, lang):
    response = crashing_app.test_client().get("/test-crash", headers={"Accept-Language": lang})
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "internal_error"
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert response.headers["Content-Language"] == lang


def test_malformed_json_is_400(client, db_session):
    response = client.post("/api/v1/auth/register", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_oversized_body_is_413(client, db_session, app):
    response = client.post("/api/v1/auth/register", data="x" * (app.config["MAX_CONTENT_LENGTH"] + 10),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"


@pytest.mark.parametrize("method, url, kwargs", [
    ("get", "/api/v1/store/markets?lang=en&x=a%00b", {}),
    ("get", "/api/v1/store/markets/U%00S", {}),
    ("post", "/api/v1/auth/register", {"data": '{"email": "a\\u0000@example.com", "password": "correct horse"}',
                                       "content_type": "application/json"}),
    ("post", "/api/v1/auth/token", {"data": b'{"email": "a\x00@example.com", "password": "x"}',
                                    "content_type": "application/json"}),
])
def test_nul_characters_are_refused_on_every_engine(client, db_session, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    assert response.json["code"] == "invalid_characters"


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1800-01-01T00:00:00Z"])
def test_out_of_range_datetimes_are_a_422(client, db_session, factory, value):
    ops = factory.headers(factory.user("ops"))
    response = client.get("/api/v1/admin/orders", query_string={"created_from": value}, headers=ops)
    assert response.status_code == 422
    assert "created_from" in response.json["errors"]


@pytest.mark.parametrize("content_type", ["application/json", "application/vnd.api+json", "application/ld+json"])
def test_nul_is_refused_whatever_the_json_content_type(client, db_session, content_type):
    response = client.post("/api/v1/auth/register", data='{"email": "a\\u0000@example.com", "password": "x"}',
                           content_type=content_type)
    assert response.status_code == 400
    assert response.json["code"] == "invalid_characters"


def test_deeply_nested_body_is_a_400_not_a_crash(client, db_session):
    body = '{"email": ' + "[" * 5000 + "]" * 5000 + ', "password": "x"}'
    response = client.post("/api/v1/auth/register", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["code"] == "too_deeply_nested"
    # brackets inside strings do not count
    ok = client.post("/api/v1/auth/register", content_type="application/json",
                     data='{"email": "deep@example.com", "password": "correct horse battery", "name": "'
                          + "[" * 150 + '"}')
    assert ok.status_code == 201


def test_unique_violations_map_to_their_domain_error():
    from types import SimpleNamespace

    from shop.accounts.errors import EmailTaken
    from shop.core.errors import _UNIQUE_CONFLICTS, ConcurrentChange, _violated_unique

    sqlite_error = SimpleNamespace(orig=Exception("UNIQUE constraint failed: users.email"))
    assert _UNIQUE_CONFLICTS[_violated_unique(sqlite_error)] is EmailTaken
    pg_error = SimpleNamespace(orig=SimpleNamespace(diag=SimpleNamespace(constraint_name="uq_users_email")))
    assert _violated_unique(pg_error) == ("users", ("email",))
    unknown = SimpleNamespace(orig=Exception("CHECK constraint failed: stock"))
    assert _violated_unique(unknown) is None
    assert ConcurrentChange.status == 409


def test_parallel_registrations_of_one_email_get_one_201_and_409s(app, committed_db):
    import threading

    barrier = threading.Barrier(10)
    statuses, codes = [], []

    def register():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/auth/register",
                               json={"email": "race@example.com", "password": "correct horse battery"})
        statuses.append(response.status_code)
        codes.append(response.json.get("code"))

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 9
    assert codes.count("email_taken") == 9


@pytest.mark.parametrize("method, url, kwargs, code", [
    ("get", "/api/v1/auth/me", {}, "invalid_token"),
    ("get", "/api/v1/auth/me", {"headers": {"Authorization": "Bearer nonsense"}}, "invalid_token"),
    ("delete", "/api/v1/auth/token", {}, "invalid_token"),
    ("get", "/api/v1/store/orders", {}, "invalid_token"),
    ("post", "/api/v1/auth/token", {"json": {"email": "nobody@example.com", "password": "wrong password"}},
     "invalid_credentials"),
])
def test_every_401_names_the_bearer_scheme(client, db_session, method, url, kwargs, code):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 401 and response.json["code"] == code
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="dari"'


def test_the_login_429_carries_its_retry_after(app, client, db_session):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/v1/auth/token", json={"email": "someone@example.com", "password": "wrong password"})
    response = client.post("/api/v1/auth/token", json={"email": "someone@example.com", "password": "wrong password"})
    assert response.status_code == 429 and response.json["code"] == "too_many_login_attempts"
    assert 0 < int(response.headers["Retry-After"]) <= app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60
    assert "WWW-Authenticate" not in response.headers


def test_the_checkout_cap_429_carries_its_retry_after(app, client, db_session, stripe_on, monkeypatch):
    from tests.shop.checkout.helpers import checkout, make_item, ready_cart

    monkeypatch.setitem(app.config, "CHECKOUT_MAX_PENDING_PER_BUYER", 1)
    item = make_item(db_session, stock=5)
    assert checkout(client, ready_cart(client, "US", item.id)["id"]).status_code == 201

    response = checkout(client, ready_cart(client, "US", item.id)["id"])

    assert response.status_code == 429 and response.json["code"] == "too_many_pending_orders"
    assert int(response.headers["Retry-After"]) == response.json["retry_after"] > 0


def test_problems_without_a_known_wait_still_say_when_to_retry(app):
    from werkzeug.exceptions import TooManyRequests, Unauthorized

    from shop.core.errors import (
        DEFAULT_RETRY_AFTER_SECONDS,
        DomainError,
        problem,
        render_domain_error,
        render_http_exception,
    )

    class Slow(DomainError):
        code = "slow_down"
        status = 429
        retry_after = 7

    with app.test_request_context():
        assert problem(429, "x", "x").headers["Retry-After"] == str(DEFAULT_RETRY_AFTER_SECONDS)
        assert render_http_exception(TooManyRequests(retry_after=12)).headers["Retry-After"] == "12"
        assert render_http_exception(Unauthorized()).headers["WWW-Authenticate"] == 'Bearer realm="dari"'
        assert render_domain_error(Slow()).headers["Retry-After"] == "7"
        assert "Retry-After" not in problem(400, "x", "x").headers
