"""Configuration from the environment (12-factor) with working defaults (SPEC §9).

``load_config`` holds the platform's settings and those several packages read. A package
with settings of its own declares them next to its code, in a ``settings.py`` with
``load(instance_path) -> dict`` (e.g. ``fulfillment/shipments/settings.py``); ``load_settings``
gathers them for the app factory, in ``PACKAGES`` order.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(packages: list[str], instance_path: Path) -> dict:
    """The settings the ``packages`` declare (each one's ``settings.load``, where it has one)."""
    from importlib import import_module
    from importlib.util import find_spec

    found: dict = {}
    for package in packages:
        if find_spec(f"{package}.settings") is not None:
            found.update(import_module(f"{package}.settings").load(instance_path))
    return found


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping; ``instance_path`` must exist."""
    env = os.environ.get
    database_url = env("DATABASE_URL") or f"sqlite:///{instance_path / 'dari.db'}"
    # Accept the plain "postgresql://" spelling and use psycopg 3 for it.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env("REDIS_URL") or None,
        "EMBEDDED_REDIS_PATH": str(instance_path / "redis.db"),
        "STRIPE_SECRET_KEY": env("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": env("STRIPE_API_BASE") or None,
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT") or 25),
        "MAIL_FROM": env("MAIL_FROM") or "Dari <no-reply@dari.local>",
        "MAIL_FOLDER": str(instance_path / "mail"),
        "RATES_SOURCE": env("RATES_SOURCE") or None,
        "TOKEN_TTL_HOURS": int(env("TOKEN_TTL_HOURS") or 24 * 14),
        "LOGIN_MAX_FAILURES": int(env("LOGIN_MAX_FAILURES") or 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(env("LOGIN_MAX_FAILURES_PER_ADDRESS") or 20),
        "LOGIN_FAILURE_WINDOW_MINUTES": int(env("LOGIN_FAILURE_WINDOW_MINUTES") or 15),
        "RESERVATION_TTL_MINUTES": int(env("RESERVATION_TTL_MINUTES") or 30),
        "PROXY_COUNT": int(env("PROXY_COUNT") or 0),
        "STOREFRONT_URL": (env("STOREFRONT_URL") or "").rstrip("/") or None,
        "CHECKOUT_MAX_PENDING_PER_BUYER": int(env("CHECKOUT_MAX_PENDING_PER_BUYER") or 3),
        # How long a CDN or browser may reuse an anonymous storefront answer (seconds; 0: revalidate).
        "STOREFRONT_MAX_AGE": int(env("STOREFRONT_MAX_AGE") or 60),
        # Above this many matches a product list's total is the database's estimate (flagged), not a count.
        "STOREFRONT_EXACT_TOTAL_MAX": int(env("STOREFRONT_EXACT_TOTAL_MAX") or 1000),
        "MAX_CONTENT_LENGTH": int(env("MAX_CONTENT_LENGTH") or 1024 * 1024),
        # The language sellers read what Dari sends them in (shipment notices, low-stock alerts).
        "SELLER_LOCALE": env("SELLER_LOCALE") or "ko",
        "JSON_SORT_KEYS": False,
        # flask-smorest / OpenAPI
        "API_TITLE": "Dari API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs-assets/",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Dari: cross-border storefront for Korean makers."},
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
        },
    }
