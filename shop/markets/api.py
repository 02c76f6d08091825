from flask_smorest import Blueprint

from i18n.web import set_market_locale
from shop.auth import BEARER, require_role
from shop.core.api_docs import raises
from shop.core.db import db

from . import services
from .schemas import MarketListSchema, MarketSchema, MarketUpdateSchema

store = Blueprint("store-markets", __name__, url_prefix="/api/v1/store/markets", description="Markets")
admin = Blueprint("admin-markets", __name__, url_prefix="/api/v1/admin/markets", description="Market rules")


@store.route("", methods=["GET"])
@store.response(200, MarketListSchema)
def list_markets():
    """Every market: countries, currency, locales and rules, each rule with its source ids."""
    return {"items": services.list_markets(db.session), "version": services.load_bundled()["version"]}


@store.route("/<code>", methods=["GET"])
@store.response(200, MarketSchema)
@raises(422)
def get_market(code):
    """One market by its code: countries, currency, locales and rules."""
    market = services.get_market(db.session, code)
    set_market_locale(market.default_locale)
    return market


@admin.route("/<code>", methods=["PATCH"])
@admin.arguments(MarketUpdateSchema)
@admin.response(200, MarketSchema)
@admin.doc(security=BEARER)
def update_market(data, code):
    """Edit a market's rules (admins). The edit survives data-file syncs unless forced."""
    user = require_role("admin")
    market = services.update_market(db.session, code, data, editor_id=user.id)
    db.session.commit()
    return market


@admin.route("/sync", methods=["POST"])
@admin.response(200, MarketListSchema)
@admin.doc(security=BEARER)
def sync_markets():
    """Reload markets from the bundled data file; admin edits are kept."""
    require_role("admin")
    services.sync_markets(db.session)
    db.session.commit()
    return {"items": services.list_markets(db.session, include_inactive=True),
            "version": services.load_bundled()["version"]}
