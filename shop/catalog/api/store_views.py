from flask import current_app, jsonify, request

from i18n import pick_translation
from i18n.web import served_locale, set_market_locale
from shop.core.api_docs import load_examples
from shop.core.db import db
from shop.core.errors import InvalidInput
from shop.markets.services import get_market

from ..services import collections as cols
from ..services import storefront
from ..store_schemas import (
    StoreArgsSchema,
    StoreCollectionSchema,
    StoreProductArgsSchema,
    StoreProductDetailSchema,
    StoreProductPageSchema,
    store_page_json,
    store_product_json,
)
from . import store as blp

EXAMPLES = load_examples("shop.catalog")  # from the demo data


@blp.after_request
def _cacheable(response):
    """Anonymous storefront reads may be reused by a CDN or the browser, revalidated by ETag.

    The ETag is the body's hash (Werkzeug), so ``If-None-Match`` with the current one is a
    304 without the body; ``Vary`` names what the answer depends on besides the URL. A
    request with credentials, and every error, stays uncached.
    """
    if request.method != "GET" or response.status_code != 200:
        return response
    if "Authorization" in request.headers or "Cookie" in request.headers:
        response.cache_control.private = True
        return response
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["STOREFRONT_MAX_AGE"]
    response.vary.update(("Accept-Language", "Accept-Encoding"))
    response.add_etag()
    return response.make_conditional(request)


def _market(code):
    market = get_market(db.session, code)
    set_market_locale(market.default_locale)
    return market


@blp.route("/products", methods=["GET"])
@blp.arguments(StoreProductArgsSchema, location="query")
@blp.response(200, StoreProductPageSchema, example=EXAMPLES["product_page"])
def list_products(args):
    """Products purchasable in ``market``, in the served locale (with fallback) and the market currency.

    ``q`` matches the served locale's text, Korean and English (substrings, CJK too);
    ``min_price``/``max_price`` are integer minor units of the market currency. Pages come
    by ``page`` or, exact while the catalogue changes, by ``cursor`` (the previous page's
    ``next_cursor``).
    """
    market = _market(args["market"])
    if args.get("min_price") is not None and args.get("max_price") is not None \
            and args["min_price"] > args["max_price"]:
        raise InvalidInput(errors={"min_price": ["min_price > max_price"]})
    filters = {k: args.get(k) for k in ("q", "category", "collection", "seller", "min_price", "max_price", "sort",
                                        "cursor")}
    page = storefront.search_products(db.session, market, served_locale(), page=args["page"],
                                      per_page=args["per_page"],
                                      exact_max=current_app.config["STOREFRONT_EXACT_TOTAL_MAX"], **filters)
    return jsonify(store_page_json(page))


@blp.route("/products/<key>", methods=["GET"])
@blp.arguments(StoreArgsSchema, location="query")
@blp.response(200, StoreProductDetailSchema)
def get_product(args, key):
    """A product by id or slug, if it is sold in ``market``."""
    market = _market(args["market"])
    return jsonify(store_product_json(storefront.get_store_product(db.session, market, served_locale(), key),
                                      detail=True))


def _collection_view(collection, market):
    locale = served_locale()
    text_locale, title = pick_translation(collection.titles or {}, locale, market.default_locale)
    description = pick_translation(collection.descriptions or {}, locale, market.default_locale)[1]
    return {"id": collection.id, "slug": collection.slug, "title": title, "description": description,
            "text_locale": text_locale, "fallback_used": text_locale != locale, "position": collection.position}


@blp.route("/collections", methods=["GET"])
@blp.arguments(StoreArgsSchema, location="query")
@blp.response(200, StoreCollectionSchema(many=True))
def list_collections(args):
    """Active collections, in order, titled in the served locale."""
    market = _market(args["market"])
    return [_collection_view(c, market) for c in db.session.scalars(cols.list_collections(active_only=True))]


@blp.route("/collections/<key>", methods=["GET"])
@blp.arguments(StoreArgsSchema, location="query")
@blp.response(200, StoreCollectionSchema)
def get_collection(args, key):
    """A collection by id or slug, with its products purchasable in ``market``."""
    market = _market(args["market"])
    return _collection_view(cols.get_collection(db.session, key, active_only=True), market)
