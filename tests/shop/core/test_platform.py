"""Health, the index, API documentation, migrations and the CLI."""
import configparser
from pathlib import Path

import redis
from openapi_spec_validator import validate
from sqlalchemy import create_engine, inspect, text


def test_healthz_ok(client, db_session, redis_conn):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_503_when_redis_is_down(app, client, db_session):
    good = app.extensions["dari.redis"] if "dari.redis" in app.extensions else None
    app.extensions["dari.redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    try:
        response = client.get("/healthz")
    finally:
        if good is None:
            app.extensions.pop("dari.redis")
        else:
            app.extensions["dari.redis"] = good
    assert response.status_code == 503
    assert response.json["redis"] == "down" and response.json["database"] == "ok"


def test_the_root_is_an_index_of_the_api(client, db_session):
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[3] / "setup.cfg")
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json == {
        "name": "dari",
        "version": cfg["metadata"]["version"],
        "links": {"docs": "/api/v1/docs", "openapi": "/api/v1/openapi.json", "health": "/healthz"},
    }
    for link in response.json["links"].values():
        assert client.get(link).status_code in (200, 503)  # health: 503 while Redis is down
    assert "/" not in client.get("/api/v1/openapi.json").json["paths"]


def test_openapi_document_is_valid(client, db_session):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert "/api/v1/auth/token" in spec["paths"]
    assert "/api/v1/sellers/apply" in spec["paths"]


def test_docs_work_offline(client, db_session):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f"/api/v1/docs-assets/{asset}" in html
        assert client.get(f"/api/v1/docs-assets/{asset}").status_code == 200


def test_migrations_build_the_whole_model_from_an_empty_database(app, database_url, tmp_path):
    """The session's schema came from migrations; here we also check a second empty database."""
    from flask_migrate import downgrade, upgrade

    from dari.app import create_app
    from shop.core.db import db

    if database_url.startswith("postgresql"):
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS dari_migration_check"))
            conn.execute(text("CREATE DATABASE dari_migration_check"))
        admin.dispose()
        url = database_url.rsplit("/", 1)[0] + "/dari_migration_check"
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with fresh.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        db.engine.dispose()


def test_models_and_migrations_agree(app, db_session):
    """Autogenerate finds nothing to add: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from shop.core.db import db, include_in_migrations, render_migration_item

    # The options dari.app gives Flask-Migrate, so this sees what `flask db migrate` would.
    context = MigrationContext.configure(db_session.connection(),
                                         opts={"compare_type": True, "render_item": render_migration_item,
                                               "include_object": include_in_migrations})
    diff = [d for d in compare_metadata(context, db.metadata)]
    assert diff == []


def test_client_address_comes_from_trusted_proxies_only(app, db_session):
    from dari.app import create_app
    from shop.accounts.models import LoginAttempt

    def attempt(application, email):
        application.test_client().post("/api/v1/auth/token", json={"email": email, "password": "x" * 12},
                                       headers={"X-Forwarded-For": "203.0.113.7"})
        return db_session.query(LoginAttempt).filter_by(email=email).one().remote_addr

    assert attempt(app, "direct@example.com") == "127.0.0.1"  # the header is not believed by default
    behind_proxy = create_app({**app.config, "PROXY_COUNT": 1})
    assert attempt(behind_proxy, "proxied@example.com") == "203.0.113.7"


def test_a_package_declares_its_own_settings_and_the_factory_loads_them(monkeypatch, tmp_path):
    from dari.app import create_app
    from shop.core.config import load_config

    monkeypatch.setenv("MALL_NAME", "Dari Test Mall")
    monkeypatch.setenv("DARI_INSTANCE_PATH", str(tmp_path))
    assert "MALL_NAME" not in load_config(tmp_path)  # fulfilment's, declared in fulfillment/shipments/settings.py
    app = create_app({"RETURN_LABEL_CARRIER": "manual"})
    assert app.config["MALL_NAME"] == "Dari Test Mall" and app.config["TRACKING_CLOCK_SKEW_SECONDS"] == 300
    assert app.config["RETURN_LABEL_CARRIER"] == "manual"  # what the caller passes wins
