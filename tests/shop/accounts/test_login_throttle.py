"""The login throttle: per client address (IPv4, IPv6 /64), per address and account, per account for failing clients."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import LoginAttempt, LoginThrottle
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
WRONG = "wrong password!"


def sign_in(client, email, password=PASSWORD, *, ip=ATTACKER):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def failures_recorded(session, email) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(False)))


def assert_throttled(response, app):
    assert response.status_code == 429, response.json
    assert response.json["code"] == "too_many_login_attempts"
    assert response.mimetype == "application/problem+json"
    assert 0 < int(response.headers["Retry-After"]) <= app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60


def test_the_defaults(app):
    assert (app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            app.config["LOGIN_FAILURE_WINDOW_MINUTES"]) == (5, 20, 15)


def test_parallel_wrong_passwords_for_one_account_record_no_more_than_the_limit(app, committed_db):
    from shop.accounts.services import create_user

    create_user(committed_db, "target@example.com", PASSWORD, role="admin")
    committed_db.commit()
    limit = app.config["LOGIN_MAX_FAILURES"]
    barrier = threading.Barrier(50)
    responses, lock = [], threading.Lock()

    def guess():
        client = app.test_client()
        barrier.wait()
        response = sign_in(client, "target@example.com", WRONG)
        with lock:
            responses.append((response.status_code, response.headers.get("Retry-After"), response.json["code"]))

    threads = [threading.Thread(target=guess) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _, _ in responses)
    assert statuses == [401] * limit + [429] * (50 - limit)
    assert all(int(retry) > 0 and code == "too_many_login_attempts"
               for status, retry, code in responses if status == 429)
    committed_db.expire_all()
    assert failures_recorded(committed_db, "target@example.com") == limit
    counters = {row.key: row.failures for row in committed_db.scalars(select(LoginThrottle))}
    assert counters == {"account:target@example.com": limit, f"client:{ATTACKER}": limit,
                        f"client-account:{ATTACKER} target@example.com": limit}


def test_parallel_attacks_on_several_accounts_keep_their_limits_and_let_owners_in(app, committed_db):
    """Overlapping keys locked by parallel sign-ins: no deadlock, no 500, every limit holds."""
    from shop.accounts.services import create_user

    emails = [f"crowd{n}@example.com" for n in range(3)]
    for email in emails:
        create_user(committed_db, email, PASSWORD)
    committed_db.commit()
    limit = app.config["LOGIN_MAX_FAILURES"]
    attackers = ["203.0.113.1", "203.0.113.2", "2001:db8:5::1"]
    jobs = [(email, WRONG, ip) for email in emails for ip in attackers for _ in range(4)]
    jobs += [(email, PASSWORD, f"198.51.100.{n + 1}") for n, email in enumerate(emails)]
    barrier = threading.Barrier(len(jobs))
    results, lock = [], threading.Lock()

    def attempt(email, password, ip):
        client = app.test_client()
        barrier.wait()
        response = sign_in(client, email, password, ip=ip)
        with lock:
            results.append((email, password, ip, response.status_code))

    threads = [threading.Thread(target=attempt, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {status for *_, status in results} <= {201, 401, 429}
    assert all(status == 201 for _, password, _, status in results if password == PASSWORD)
    committed_db.expire_all()
    for email in emails:
        for ip in attackers:
            assert sum(1 for e, _, i, status in results if (e, i, status) == (email, ip, 401)) <= limit
    counters = {row.key: row.failures for row in committed_db.scalars(select(LoginThrottle))}
    assert all(failures <= limit + len(attackers) for key, failures in counters.items() if key.startswith("account:"))
    assert all(failures == 0 for key, failures in counters.items() if key.startswith("client-account:198.51.100."))


def test_a_spray_over_many_accounts_from_one_address_is_throttled(app, client, db_session, factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 6)
    victims = [factory.user(email=f"victim{n}@example.com") for n in range(2)]
    emails = [v.email for v in victims] + [f"nobody{n}@example.com" for n in range(10)]

    statuses = [sign_in(client, email, WRONG).status_code for email in emails]

    assert statuses == [401] * 6 + [429] * 6  # one guess per account, but only 6 from this address
    assert_throttled(sign_in(client, "fresh@example.com", WRONG), app)
    assert_throttled(sign_in(client, victims[0].email), app)  # this address is refused whatever it sends
    assert sign_in(client, victims[0].email, ip=OWNER).status_code == 201  # the owner elsewhere is not


def test_the_owner_signs_in_from_another_address_while_the_attacker_is_throttled(app, client, db_session,
                                                                                 factory):
    admin = factory.user("admin", email="boss@example.com")
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert [sign_in(client, admin.email, WRONG).status_code for _ in range(limit)] == [401] * limit

    assert_throttled(sign_in(client, admin.email, WRONG), app)
    assert_throttled(sign_in(client, admin.email), app)  # the guessing client: even the right password

    assert sign_in(client, admin.email, ip=OWNER).status_code == 201
    assert sign_in(client, admin.email, ip=OWNER).status_code == 201  # a success is not counted as a failure


def test_under_attack_each_failing_client_is_slowed_and_clean_ones_pass(app, client, db_session, factory):
    owner = factory.user(email="owner@example.com")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        sign_in(client, owner.email, WRONG)

    # once the account has had its failures, a new guessing address gets one guess, then waits
    assert sign_in(client, owner.email, WRONG, ip="192.0.2.50").status_code == 401
    assert_throttled(sign_in(client, owner.email, WRONG, ip="192.0.2.50"), app)
    # the owner mistyping once is slowed down the same way (Retry-After), but not before
    assert sign_in(client, owner.email, WRONG, ip=OWNER).status_code == 401
    assert_throttled(sign_in(client, owner.email, ip=OWNER), app)
    # and a client that has not been failing still gets in
    assert sign_in(client, owner.email, ip="192.0.2.77").status_code == 201


def test_an_ipv6_attacker_rotating_through_one_64_is_one_client(app, client, db_session, factory):
    owner = factory.user(email="v6owner@example.com")
    limit = app.config["LOGIN_MAX_FAILURES"]
    rotating = [f"2001:db8:7:7::{n:x}" for n in range(1, limit + 1)]
    assert [sign_in(client, owner.email, WRONG, ip=ip).status_code for ip in rotating] == [401] * limit

    assert_throttled(sign_in(client, owner.email, WRONG, ip="2001:db8:7:7:ffff:1:2:3"), app)
    assert_throttled(sign_in(client, owner.email, ip="2001:db8:7:7::beef"), app)
    assert sign_in(client, owner.email, ip="2001:db8:7:8::1").status_code == 201  # the next /64 is someone else
    assert db_session.scalar(select(LoginThrottle.failures).where(
        LoginThrottle.key == "client:2001:db8:7:7::/64")) == limit


def test_an_ipv6_spray_over_accounts_counts_for_the_whole_64(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 4)
    statuses = [sign_in(client, f"nobody{n}@example.com", WRONG, ip=f"2001:db8:9:9::{n + 1:x}").status_code
                for n in range(6)]
    assert statuses == [401] * 4 + [429] * 2


def test_retry_after_is_the_time_left_in_the_window(app, client, db_session, factory):
    user = factory.user(email="wait@example.com")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, user.email, WRONG)
    for counter in db_session.query(LoginThrottle):
        counter.window_started_at -= timedelta(minutes=10)
    db_session.commit()

    response = sign_in(client, user.email)

    window = app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60
    assert window - 600 - 5 <= int(response.headers["Retry-After"]) <= window - 600
    assert response.json["retry_after"] == int(response.headers["Retry-After"])
    assert "5" in response.json["detail"]  # "Try again in 5 minutes."


def test_a_correct_password_gives_its_count_back(app, client, db_session, factory):
    user = factory.user(email="often@example.com")
    sign_in(client, user.email, WRONG)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        assert sign_in(client, user.email).status_code == 201

    counters = {row.key: row.failures for row in db_session.scalars(select(LoginThrottle))}
    # the one real failure stays counted for the account and the address; the client's own count starts again
    assert counters == {"account:often@example.com": 1, f"client:{ATTACKER}": 1,
                        f"client-account:{ATTACKER} often@example.com": 0}


@pytest.mark.parametrize("setting", ["LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES_PER_ADDRESS"])
def test_a_limit_of_zero_turns_it_off(app, client, db_session, monkeypatch, setting):
    monkeypatch.setitem(app.config, setting, 0)
    other = "LOGIN_MAX_FAILURES_PER_ADDRESS" if setting == "LOGIN_MAX_FAILURES" else "LOGIN_MAX_FAILURES"
    monkeypatch.setitem(app.config, other, 100)
    email = "same@example.com" if setting == "LOGIN_MAX_FAILURES" else None
    statuses = [sign_in(client, email or f"n{n}@example.com", WRONG).status_code for n in range(7)]
    assert statuses == [401] * 7


def test_unknown_emails_are_hashed_like_known_ones(app, client, db_session, monkeypatch):
    from shop.accounts import services

    verified = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def verify(self, hash_, password):
            verified.append(hash_)
            return self.real.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(services, "_hasher", Spy(services._hasher))

    assert sign_in(client, "nobody@example.com", WRONG).status_code == 401

    assert verified == [services._DUMMY_HASH]
