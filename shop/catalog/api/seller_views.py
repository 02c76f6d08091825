from i18n import normalize_locale
from shop.auth import BEARER, require_role, require_seller
from shop.core.api import page_schema, paginate
from shop.core.api_docs import load_examples
from shop.core.db import db
from shop.core.errors import Forbidden, UnsupportedLocale
from shop.markets.services import get_market

from ..availability import product_availability
from ..schemas import (
    AvailabilitySchema,
    CertificateCreateSchema,
    CertificateListArgsSchema,
    CertificatePatchSchema,
    CertificateSchema,
    MarketPriceInSchema,
    ProductCreateSchema,
    ProductListArgsSchema,
    ProductPatchSchema,
    ProductSchema,
    TranslationInSchema,
    TranslationSchema,
    TranslationStatusSchema,
    VariantInSchema,
    VariantPatchSchema,
    VariantSchema,
)
from ..services import certificates as certs
from ..services import products as svc
from . import seller as blp

EXAMPLES = load_examples("shop.catalog")  # from the demo data


def _scope() -> str | None:
    """The seller id whose objects the caller may touch; None for ops/admin (all)."""
    user = require_role("seller", "ops", "admin")
    if user.role == "seller":
        if not user.seller_id:
            raise Forbidden()
        return user.seller_id
    return None


def _product(product_id):
    return svc.get_product(db.session, product_id, seller_id=_scope())


def _locale(value: str) -> str:
    locale = normalize_locale(value)
    if locale is None:
        raise UnsupportedLocale()
    return locale


def _validate_markets(data):
    """Target markets as market codes (a country's code names its market: ``DE`` → ``EU``), once each."""
    if "target_markets" in data:
        codes = [get_market(db.session, code).code for code in data["target_markets"] or []]
        data["target_markets"] = list(dict.fromkeys(codes))


@blp.route("/products", methods=["GET"])
@blp.arguments(ProductListArgsSchema, location="query")
@blp.response(200, page_schema(ProductSchema, "SellerProductPage"))
@blp.doc(security=BEARER)
def list_products(args):
    """The seller's products (ops and admins see every seller's)."""
    query = svc.list_products(_scope(), status=args.get("status"), category=args.get("category"))
    return paginate(db.session, query, args["page"], args["per_page"])


@blp.route("/products", methods=["POST"])
@blp.arguments(ProductCreateSchema, example=EXAMPLES["product_create"])
@blp.response(201, ProductSchema, example=EXAMPLES["product"])
@blp.doc(security=BEARER)
def create_product(data):
    """Create a product with variants and, optionally, translations. A reused SKU is a 409 ``sku_taken``."""
    user = require_seller()
    _validate_markets(data)
    product = svc.create_product(db.session, user.seller_id, data)
    db.session.commit()
    return product


@blp.route("/products/<product_id>", methods=["GET"])
@blp.response(200, ProductSchema)
@blp.doc(security=BEARER)
def get_product(product_id):
    """One of the seller's products with its variants, prices and translations."""
    return _product(product_id)


@blp.route("/products/<product_id>", methods=["PATCH"])
@blp.arguments(ProductPatchSchema)
@blp.response(200, ProductSchema)
@blp.doc(security=BEARER)
def update_product(data, product_id):
    """Change a product's fields, markets or status; fields left out stay as they are."""
    product = _product(product_id)
    _validate_markets(data)
    result = svc.update_product(db.session, product, data)
    db.session.commit()
    return result


@blp.route("/products/<product_id>/variants", methods=["POST"])
@blp.arguments(VariantInSchema)
@blp.response(201, VariantSchema)
@blp.doc(security=BEARER)
def add_variant(data, product_id):
    """Add a variant (SKU, options, base price, weight) to one of the seller's products."""
    variant = svc.add_variant(db.session, _product(product_id), data)
    db.session.commit()
    return variant


@blp.route("/products/<product_id>/variants/<variant_id>", methods=["PATCH"])
@blp.arguments(VariantPatchSchema)
@blp.response(200, VariantSchema)
@blp.doc(security=BEARER)
def update_variant(data, product_id, variant_id):
    """Change a variant's fields; fields left out stay as they are."""
    variant = svc.get_variant(db.session, _product(product_id), variant_id)
    result = svc.update_variant(db.session, variant, data)
    db.session.commit()
    return result


@blp.route("/products/<product_id>/variants/<variant_id>/prices/<market>", methods=["PUT"])
@blp.arguments(MarketPriceInSchema)
@blp.response(200, VariantSchema)
@blp.doc(security=BEARER)
def set_market_price(data, product_id, variant_id, market):
    """Set an explicit price (integer minor units of the market currency) overriding the converted one."""
    variant = svc.get_variant(db.session, _product(product_id), variant_id)
    svc.set_market_price(db.session, variant, market, data["amount"], data.get("currency"))
    db.session.commit()
    db.session.refresh(variant)
    return variant


@blp.route("/products/<product_id>/variants/<variant_id>/prices/<market>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def remove_market_price(product_id, variant_id, market):
    """Remove the explicit price in one market; the converted base price applies again."""
    variant = svc.get_variant(db.session, _product(product_id), variant_id)
    svc.remove_market_price(db.session, variant, market)
    db.session.commit()


@blp.route("/products/<product_id>/translations", methods=["GET"])
@blp.response(200, TranslationSchema(many=True))
@blp.doc(security=BEARER)
def list_translations(product_id):
    """The product's text in every locale it has."""
    return _product(product_id).translations


@blp.route("/products/<product_id>/translations/<locale>", methods=["PUT"])
@blp.arguments(TranslationInSchema)
@blp.response(200, TranslationSchema)
@blp.doc(security=BEARER)
def put_translation(data, product_id, locale):
    """Create or replace the text in one locale; the long description's HTML is sanitised."""
    product = _product(product_id)
    translation = svc.put_translation(db.session, product, _locale(locale), data)
    db.session.commit()
    return translation


@blp.route("/products/<product_id>/translations/<locale>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def delete_translation(product_id, locale):
    """Delete the product's text in one locale."""
    product = _product(product_id)
    svc.delete_translation(db.session, product, _locale(locale))
    db.session.commit()


@blp.route("/products/<product_id>/translation-status", methods=["GET"])
@blp.response(200, TranslationStatusSchema)
@blp.doc(security=BEARER)
def translation_status(product_id):
    """Which locales have text, and what each target market still misses."""
    return svc.translation_status(db.session, _product(product_id))


@blp.route("/products/<product_id>/availability", methods=["GET"])
@blp.response(200, AvailabilitySchema)
@blp.doc(security=BEARER)
def availability(product_id):
    """Per market: purchasable or not, with every reason in words in the request's locale."""
    product = _product(product_id)
    result = product_availability(db.session, product)
    return {"product_id": product.id, "markets": [
        {"market": code, "purchasable": not reasons, "reasons": [r.to_dict() for r in reasons]}
        for code, reasons in result.items()]}


@blp.route("/certificates", methods=["GET"])
@blp.arguments(CertificateListArgsSchema, location="query")
@blp.response(200, page_schema(CertificateSchema, "SellerCertificatePage"))
@blp.doc(security=BEARER)
def list_certificates(args):
    """The seller's certificates (ops and admins see every seller's)."""
    query = certs.list_certificates(_scope(), status=args.get("status"), product_id=args.get("product_id"),
                                    market=args.get("market"))
    return paginate(db.session, query, args["page"], args["per_page"])


@blp.route("/certificates", methods=["POST"])
@blp.arguments(CertificateCreateSchema)
@blp.response(201, CertificateSchema)
@blp.doc(security=BEARER)
def add_certificate(data):
    """Record a certificate; it counts once ops verify it, and only while valid."""
    user = require_seller()
    certificate = certs.add_certificate(db.session, user.seller_id, data)
    db.session.commit()
    return certificate


@blp.route("/certificates/<certificate_id>", methods=["GET"])
@blp.response(200, CertificateSchema)
@blp.doc(security=BEARER)
def get_certificate(certificate_id):
    """One of the seller's certificates."""
    return certs.get_certificate(db.session, certificate_id, seller_id=_scope())


@blp.route("/certificates/<certificate_id>", methods=["PATCH"])
@blp.arguments(CertificatePatchSchema)
@blp.response(200, CertificateSchema)
@blp.doc(security=BEARER)
def update_certificate(data, certificate_id):
    """Change a certificate; it goes back to ``pending`` review."""
    certificate = certs.get_certificate(db.session, certificate_id, seller_id=_scope())
    result = certs.update_certificate(db.session, certificate, data)
    db.session.commit()
    return result


@blp.route("/certificates/<certificate_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def delete_certificate(certificate_id):
    """Delete one of the seller's certificates."""
    certificate = certs.get_certificate(db.session, certificate_id, seller_id=_scope())
    db.session.delete(certificate)
    db.session.commit()

