"""The application factory."""
from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import click
from flask import Flask, request

import i18n.web
from i18n import normalize_locale
from shop.core import api as api_module
from shop.core import errors
from shop.core.config import load_config, load_settings
from shop.core.db import db, include_in_migrations, render_migration_item
from shop.core.demo import demo_cli
from shop.core.seams import check_seams

# Every package, in layer order (i18n <- shop <- fulfillment <- returns). Each one's ``init_app``
# registers what it brings: models, blueprints, CLI commands, periodic jobs, demo seeders, its
# message domain, the seams it provides or needs, and its order-event subscribers.
PACKAGES = [
    "shop.accounts",
    "shop.sellers",
    "shop.markets",
    "shop.core.jobs",
    "shop.jobs",
    "shop.core.notifications",
    "shop.catalog",
    "shop.orders",
    "shop.payments",
    "shop.checkout",
    "fulfillment.warehouses",
    "fulfillment.inventory",
    "fulfillment.shipping",
    "fulfillment.shipments",
    "returns",
]


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides the environment-derived settings (tests)."""
    app = Flask("shop", instance_path=os.environ.get("DARI_INSTANCE_PATH") or None,
                instance_relative_config=True)
    app.json.ensure_ascii = False  # UTF-8 JSON: Korean, Japanese and Chinese text as it is, not \uXXXX
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(load_settings(PACKAGES, Path(app.instance_path)))
    if config:
        app.config.update(config)
    if app.config.get("PROXY_COUNT"):
        # Behind N trusted reverse proxies: take the client address and scheme from their headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    _lazy_migrations(app, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_migration_item,
                     include_object=include_in_migrations)
    errors.init_app(app)
    api_module.init_app(app)
    for name in PACKAGES:
        import_module(name).init_app(app)
    i18n.web.init_app(app)  # after the packages: it merges the message domains they added
    check_seams(app)

    from shop.core.docs import init_app as init_docs_assets
    from shop.core.health import bp as health_bp
    from shop.core.index import bp as index_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(index_bp)
    init_docs_assets(app)
    app.cli.add_command(demo_cli)
    _register_request_hooks(app)
    return app


class _LazyMigrateConfig:
    """Flask-Migrate's ``app.extensions["migrate"]``, made on first use.

    Flask-Migrate imports Alembic (about 10 MB per process), which only ``flask db`` and code
    that migrates in-process need, never a web worker serving requests; the first attribute
    read sets up the real ``Migrate`` (which replaces this object) and answers from it.
    """

    def __init__(self, app: Flask, options: dict):
        self._app, self._options = app, options

    def __getattr__(self, name):
        from flask_migrate import Migrate

        Migrate(self._app, db, **self._options)
        return getattr(self._app.extensions["migrate"], name)


class _LazyCommandGroup(click.Group):
    """``flask db``: Flask-Migrate's command group, imported when the command line asks for it."""

    def _group(self) -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def list_commands(self, ctx):
        return self._group().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._group().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra):
        # The real group parses its options (--directory, -x) and runs its own callback.
        return self._group().make_context(info_name, args, parent=parent, **extra)


def _lazy_migrations(app: Flask, **options) -> None:
    app.extensions["migrate"] = _LazyMigrateConfig(app, options)
    app.cli.add_command(_LazyCommandGroup("db", help="Database migrations (Flask-Migrate, Alembic)."))


MAX_JSON_DEPTH = 32


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without parsing it."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit: skip the scan
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _register_request_hooks(app: Flask) -> None:
    from shop.auth import current_user, require_role, require_seller, require_user
    from shop.core.errors import NulCharacter, TooDeeplyNested, Unauthorized, UnsupportedLocale
    from shop.markets.models import Market

    @app.before_request
    def _screen_body():
        # PostgreSQL text cannot hold NUL: refuse it at the door for every engine alike. And a
        # body nested deeper than any of our schemas would make the JSON parser recurse away.
        if "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string:
            raise NulCharacter()
        if request.is_json:
            body = request.get_data(cache=True)
            if b"\x00" in body or b"\\u0000" in body:
                raise NulCharacter()
            if json_depth(body) > MAX_JSON_DEPTH:
                raise TooDeeplyNested()

    @app.before_request
    def _namespace_guard():
        # Who may knock at all, decided before any body is parsed; views then check
        # ownership and finer roles themselves.
        if request.path.startswith("/api/v1/seller/"):
            if require_user().role not in ("ops", "admin"):  # staff may look into a seller's data
                require_seller()
        elif request.path.startswith("/api/v1/admin/"):
            require_role("ops", "admin")

    @app.before_request
    def _negotiation_inputs():
        lang = request.args.get("lang")
        if lang and normalize_locale(lang) is None:
            raise UnsupportedLocale(detail=None)
        if request.headers.get("Authorization"):
            try:
                user = current_user()
            except Unauthorized:
                user = None  # the handler that needs the user answers the bad token (401)
            if user is not None:
                i18n.web.set_user_locale(user.locale)
        code = request.args.get("market")
        if code:
            market = db.session.get(Market, code.upper())
            if market is not None:
                i18n.web.set_market_locale(market.default_locale)
                # Keep it referenced for the request so later lookups hit the session, not the database.
                request.environ["dari.market"] = market

    @app.teardown_appcontext
    def _cleanup(exc):
        db.session.remove()
