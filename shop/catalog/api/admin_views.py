from flask import current_app

from shop.auth import BEARER, require_role
from shop.core.api import page_schema, paginate
from shop.core.db import db

from .. import listing_freshness, listings, rates
from ..schemas import (
    CertificateListArgsSchema,
    CertificateReviewSchema,
    CertificateSchema,
    CollectionCreateSchema,
    CollectionListArgsSchema,
    CollectionPatchSchema,
    CollectionSchema,
    ExchangeRateListSchema,
    FreshnessArgsSchema,
    FreshnessSchema,
)
from ..services import certificates as certs
from ..services import collections as cols
from . import admin as blp


@blp.route("/certificates", methods=["GET"])
@blp.arguments(CertificateListArgsSchema, location="query")
@blp.response(200, page_schema(CertificateSchema, "CertificatePage"))
@blp.doc(security=BEARER)
def list_certificates(args):
    """Certificates of every seller, e.g. ``?status=pending`` for the review queue (ops, admins)."""
    require_role("ops", "admin")
    query = certs.list_certificates(None, status=args.get("status"), product_id=args.get("product_id"),
                                    market=args.get("market"))
    return paginate(db.session, query, args["page"], args["per_page"])


def _review_view(decision):
    @blp.arguments(CertificateReviewSchema)
    @blp.response(200, CertificateSchema)
    @blp.doc(security=BEARER)
    def view(data, certificate_id):
        user = require_role("ops", "admin")
        result = certs.review_certificate(db.session, certificate_id, decision, reviewer_id=user.id,
                                          note=data.get("note"))
        db.session.commit()
        return result

    view.__name__ = f"{decision}_certificate"
    view.__doc__ = f"Mark a certificate {decision} (ops, admins)."
    return view


blp.route("/certificates/<certificate_id>/verify", methods=["POST"])(_review_view("verified"))
blp.route("/certificates/<certificate_id>/reject", methods=["POST"])(_review_view("rejected"))


@blp.route("/exchange-rates", methods=["GET"])
@blp.response(200, ExchangeRateListSchema)
@blp.doc(security=BEARER)
def list_rates():
    """The current stored rate per currency (KRW base), with source and time."""
    require_role("ops", "admin")
    return {"items": rates.list_current(db.session)}


@blp.route("/exchange-rates/refresh", methods=["POST"])
@blp.response(200, ExchangeRateListSchema)
@blp.doc(security=BEARER)
def refresh_rates():
    """Fetch rates now from the configured source (``RATES_SOURCE``, else the bundled file)."""
    require_role("admin")
    db.session.commit()  # end the read of the caller's token: nothing is held while the source answers
    document, label = rates.read_source(current_app.config.get("RATES_SOURCE"))
    rates.store_rates(db.session, document, label)
    db.session.commit()
    return {"items": rates.list_current(db.session)}


@blp.route("/storefront/freshness", methods=["GET"])
@blp.arguments(FreshnessArgsSchema, location="query")
@blp.response(200, FreshnessSchema)
@blp.doc(security=BEARER)
def storefront_freshness(args):
    """Compare the listing index with the live rule for a sample of products (a random stretch of
    ids, every market); ``drifted`` lists the rows that differ, which a refresh job has yet to fix
    or never will (then run ``flask storefront rebuild``)."""
    require_role("ops", "admin")
    checked, drift = listing_freshness.check_freshness(db.session, args["sample"])
    rows = checked * len(listings.listing_markets(db.session))
    return {"products_checked": checked, "rows_checked": rows, "drifted": drift}


@blp.route("/collections", methods=["GET"])
@blp.arguments(CollectionListArgsSchema, location="query")
@blp.response(200, page_schema(CollectionSchema, "CollectionPage"))
@blp.doc(security=BEARER)
def list_collections(args):
    """Every collection, active or not (ops, admins)."""
    require_role("ops", "admin")
    return paginate(db.session, cols.list_collections(), args["page"], args["per_page"])


@blp.route("/collections", methods=["POST"])
@blp.arguments(CollectionCreateSchema)
@blp.response(201, CollectionSchema)
@blp.doc(security=BEARER)
def create_collection(data):
    """Create a collection of products, with its titles per locale (admins)."""
    require_role("admin")
    collection = cols.create_collection(db.session, data)
    db.session.commit()
    return collection


@blp.route("/collections/<collection_id>", methods=["GET"])
@blp.response(200, CollectionSchema)
@blp.doc(security=BEARER)
def get_collection(collection_id):
    """One collection with its products in order (ops, admins)."""
    require_role("ops", "admin")
    return cols.get_collection(db.session, collection_id)


@blp.route("/collections/<collection_id>", methods=["PATCH"])
@blp.arguments(CollectionPatchSchema)
@blp.response(200, CollectionSchema)
@blp.doc(security=BEARER)
def update_collection(data, collection_id):
    """Change a collection; ``product_ids`` replaces its products, in that order."""
    require_role("admin")
    collection = cols.update_collection(db.session, cols.get_collection(db.session, collection_id), data)
    db.session.commit()
    return collection


@blp.route("/collections/<collection_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def delete_collection(collection_id):
    """Delete a collection; its products stay (admins)."""
    require_role("admin")
    cols.delete_collection(db.session, cols.get_collection(db.session, collection_id))
    db.session.commit()
