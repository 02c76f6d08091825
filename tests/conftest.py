"""Test fixtures.

The database is SQLite (a file in a temporary folder) unless
``DARI_TEST_DATABASE_URL`` names another (``.ci/test`` sets it to a throwaway
PostgreSQL cluster). The schema is built by the Alembic migrations. Each test
runs inside a transaction that is rolled back at the end (``db_session``);
tests that need real commits across connections (concurrency, live servers)
use ``committed_db`` instead, which empties the tables afterwards.
"""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from i18n.catalogs import compile_all
from shop.accounts.services import create_user, issue_token
from shop.core.db import db
from tests.factories import business_number

PASSWORD = "correct horse battery"
KEEP_TABLES = {"markets", "alembic_version"}


def pytest_report_header(config):
    return f"database: {os.environ.get('DARI_TEST_DATABASE_URL') or 'sqlite (temporary file)'}"


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("instance")
    os.environ["DARI_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def database_url(instance_dir):
    return os.environ.get("DARI_TEST_DATABASE_URL") or f"sqlite:///{instance_dir / 'test.db'}"


@pytest.fixture(scope="session")
def app(instance_dir, database_url):
    from flask_migrate import upgrade

    from dari.app import create_app
    from shop.markets.services import sync_markets

    compile_all()
    os.environ["DATABASE_URL"] = database_url
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 60, "max_overflow": 20}
        if database_url.startswith("postgresql") else {},
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
    })
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        sync_markets(db.session)
        db.session.commit()
        # The new markets deferred a listing refresh; with no product yet it has nothing to do, and
        # tests start with an empty outbox.
        db.session.execute(text("DELETE FROM outbox_messages"))
        db.session.commit()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()
    _stop_embedded_redis(application)


def _stop_embedded_redis(application):
    """The session's embedded Redis lives in its temporary instance folder: stop it."""
    from shop.core.jobs.redis import get_redis

    if application.config.get("REDIS_URL"):
        return
    try:
        get_redis(application).shutdown(nosave=True)
    except Exception:  # noqa: BLE001 - already gone, or the connection drops as it stops
        pass


@pytest.fixture
def db_session(app):
    """A session whose work is rolled back after the test (commits become savepoints)."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def committed_db(app):
    """Real commits (for concurrency and live-server tests); tables are emptied afterwards."""
    with app.app_context():
        yield db.session
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in KEEP_TABLES:
                    conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_conn(app):
    from shop.core.jobs.redis import get_redis

    conn = get_redis(app)
    conn.flushdb()
    return conn


class Factory:
    """Builds users, sellers and tokens through the real services."""

    def __init__(self, app, session):
        self.app = app
        self.session = session
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(self, role: str = "customer", **extra):
        email = extra.pop("email", None) or f"{role}{self._next()}-{os.urandom(3).hex()}@example.com"
        user = create_user(self.session, email, PASSWORD, role=role, **extra)
        self.session.commit()  # a savepoint: survives the rollback an error response makes
        return user

    def token(self, user) -> str:
        plain, _ = issue_token(self.session, user, secret_key=self.app.config["SECRET_KEY"], ttl=timedelta(hours=1))
        self.session.commit()
        return plain

    def headers(self, user, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}", **extra}

    def seller(self, status: str = "approved", **extra):
        """An approved seller and its owner; returns ``(seller, owner)``."""
        from shop.sellers.services import apply_seller, change_status

        number = business_number()
        n = self._next()
        seller, owner = apply_seller(
            self.session, legal_name=extra.pop("legal_name", f"테스트 상사 {n}"), business_number=number,
            contact_email=f"seller{n}@example.kr", owner_email=f"owner{n}-{os.urandom(3).hex()}@example.kr",
            owner_password=PASSWORD, **extra,
        )
        if status in ("approved", "suspended"):
            change_status(self.session, seller.id, "approve")
        if status == "suspended":
            change_status(self.session, seller.id, "suspend")
        self.session.commit()
        return seller, owner


@pytest.fixture
def factory(app, db_session):
    return Factory(app, db_session)
