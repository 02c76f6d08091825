"""Request and response shapes of the catalog API."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from i18n import LOCALES
from i18n.web import money_json
from shop.core.api import PageArgsSchema, StrictInteger, StrictSchema, validate_country
from shop.sellers.schemas import CATEGORIES

from .models import CERTIFICATE_STATUSES, PRODUCT_STATUSES
from .services.certificates import certificate_types

SLUG = ma.validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error=_l("Use lower-case letters, digits and hyphens."))
MARKET_CODE = ma.validate.Regexp(r"^[A-Za-z]{2,8}$")
MAX_PRICE_KRW = 10**11


def _scalar_attributes(value):
    if len(value) > 50:
        raise ma.ValidationError(_l("At most 50 attributes."))
    for key, item in value.items():
        if not isinstance(key, str) or not 0 < len(key) <= 60:
            raise ma.ValidationError(_l("Attribute names are 1 to 60 characters."))
        if isinstance(item, (dict, list)) or (isinstance(item, str) and len(item) > 500):
            raise ma.ValidationError(_l("Attribute values are short texts, numbers or booleans."))


class VariantInSchema(StrictSchema):
    sku = ma.fields.String(required=True, validate=[ma.validate.Length(min=1, max=64),
                                                    ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")])
    options = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
                             values=ma.fields.String(validate=ma.validate.Length(max=100)),
                             validate=ma.validate.Length(max=10))
    weight_g = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=1_000_000))
    length_mm = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=10_000))
    width_mm = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=10_000))
    height_mm = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=10_000))
    barcode = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(r"^[0-9A-Za-z-]{1,32}$"))
    customs_description = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(min=3, max=200),
        metadata={"description": "English description for customs papers; required to publish a product "
                                 "without an English listing"})
    price_krw = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=MAX_PRICE_KRW))
    active = ma.fields.Boolean()
    position = StrictInteger(validate=ma.validate.Range(min=0, max=10_000))


class VariantPatchSchema(VariantInSchema):
    """Every field of a variant, all optional."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class TranslationInSchema(StrictSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    short_description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=500))
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20_000))


class ProductPatchSchema(StrictSchema):
    slug = ma.fields.String(validate=[ma.validate.Length(min=3, max=120), SLUG])
    category = ma.fields.String(validate=ma.validate.OneOf(CATEGORIES))
    hs_code = ma.fields.String(validate=ma.validate.Regexp(r"^\d{6,10}$", error=_l("An HS code has 6 to 10 digits.")))
    origin_country = ma.fields.String(validate=validate_country)
    brand = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=120))
    status = ma.fields.String(validate=ma.validate.OneOf(PRODUCT_STATUSES))
    attributes = ma.fields.Dict(validate=_scalar_attributes)
    images = ma.fields.List(ma.fields.Url(schemes={"http", "https"}, validate=ma.validate.Length(max=500)),
                            validate=ma.validate.Length(max=20))
    target_markets = ma.fields.List(ma.fields.String(validate=MARKET_CODE), validate=ma.validate.Length(max=20))


class ProductCreateSchema(ProductPatchSchema):
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(CATEGORIES))
    hs_code = ma.fields.String(required=True,
                               validate=ma.validate.Regexp(r"^\d{6,10}$", error=_l("An HS code has 6 to 10 digits.")))
    variants = ma.fields.List(ma.fields.Nested(VariantInSchema), validate=ma.validate.Length(max=100))
    translations = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.OneOf(LOCALES)),
                                  values=ma.fields.Nested(TranslationInSchema))


class MarketPriceInSchema(StrictSchema):
    amount = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=10**12))
    currency = ma.fields.String(validate=ma.validate.Length(equal=3))


class MarketPriceSchema(ma.Schema):
    market = ma.fields.String(attribute="market_code")
    price = ma.fields.Function(lambda row: money_json(_asmoney_json(row)))


def _asmoney_json(row):
    from i18n.money import Money

    return Money(int(row.amount_minor), row.currency)


class VariantSchema(ma.Schema):
    id = ma.fields.String()
    sku = ma.fields.String()
    options = ma.fields.Dict()
    weight_g = ma.fields.Integer()
    length_mm = ma.fields.Integer()
    width_mm = ma.fields.Integer()
    height_mm = ma.fields.Integer()
    barcode = ma.fields.String(allow_none=True)
    customs_description = ma.fields.String(allow_none=True)
    price_krw = ma.fields.Integer()
    active = ma.fields.Boolean()
    position = ma.fields.Integer()
    market_prices = ma.fields.List(ma.fields.Nested(MarketPriceSchema))


class TranslationSchema(ma.Schema):
    locale = ma.fields.String()
    title = ma.fields.String()
    short_description = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    updated_at = ma.fields.DateTime()


class ProductSchema(ma.Schema):
    id = ma.fields.String()
    seller_id = ma.fields.String()
    slug = ma.fields.String()
    category = ma.fields.String()
    hs_code = ma.fields.String()
    origin_country = ma.fields.String()
    brand = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    attributes = ma.fields.Dict()
    images = ma.fields.List(ma.fields.String())
    target_markets = ma.fields.List(ma.fields.String())
    variants = ma.fields.List(ma.fields.Nested(VariantSchema))
    translations = ma.fields.List(ma.fields.Nested(TranslationSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ProductListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(PRODUCT_STATUSES))
    category = ma.fields.String(validate=ma.validate.OneOf(CATEGORIES))


class ReasonSchema(ma.Schema):
    code = ma.fields.String()
    market = ma.fields.String()
    message = ma.fields.String()
    certificate = ma.fields.String(metadata={"description": "`missing_certificate`: the certificate's type code"})
    certificate_name = ma.fields.String(metadata={
        "description": "`missing_certificate`: the certificate's name in the reader's language (market data)"})


class MarketAvailabilitySchema(ma.Schema):
    market = ma.fields.String()
    purchasable = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


class AvailabilitySchema(ma.Schema):
    product_id = ma.fields.String()
    markets = ma.fields.List(ma.fields.Nested(MarketAvailabilitySchema))


class TranslationStatusSchema(ma.Schema):
    locales = ma.fields.List(ma.fields.Dict())
    markets = ma.fields.List(ma.fields.Dict())


# Certificates

class CertificatePatchSchema(StrictSchema):
    type = ma.fields.String(validate=ma.validate.OneOf(certificate_types()))
    number = ma.fields.String(validate=ma.validate.Length(min=1, max=100))
    market = ma.fields.String(validate=MARKET_CODE)
    valid_from = ma.fields.Date(allow_none=True)
    valid_until = ma.fields.Date(allow_none=True)
    document_url = ma.fields.Url(schemes={"http", "https"}, allow_none=True, validate=ma.validate.Length(max=500))
    product_id = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=32))

    @ma.validates_schema
    def _dates(self, data, **kwargs):
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            raise ma.ValidationError(_l("The end of validity is before its start."), "valid_until")


class CertificateCreateSchema(CertificatePatchSchema):
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(certificate_types()))
    number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    market = ma.fields.String(required=True, validate=MARKET_CODE)


class CertificateSchema(ma.Schema):
    id = ma.fields.String()
    seller_id = ma.fields.String()
    product_id = ma.fields.String(allow_none=True)
    type = ma.fields.String()
    number = ma.fields.String()
    market = ma.fields.String(attribute="market_code")
    valid_from = ma.fields.Date(allow_none=True)
    valid_until = ma.fields.Date(allow_none=True)
    document_url = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    review_note = ma.fields.String(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class CertificateListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(CERTIFICATE_STATUSES))
    product_id = ma.fields.String(validate=ma.validate.Length(max=32))
    market = ma.fields.String(validate=MARKET_CODE)


class CertificateReviewSchema(StrictSchema):
    note = ma.fields.String(validate=ma.validate.Length(max=500))


# Exchange rates

class ExchangeRateSchema(ma.Schema):
    base = ma.fields.String()
    currency = ma.fields.String()
    rate = ma.fields.String()
    source = ma.fields.String()
    as_of = ma.fields.DateTime()
    fetched_at = ma.fields.DateTime()


class ExchangeRateListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ExchangeRateSchema))


class FreshnessArgsSchema(StrictSchema):
    sample = ma.fields.Integer(load_default=200, validate=ma.validate.Range(min=1, max=5000))


class ListingDriftSchema(ma.Schema):
    market_code = ma.fields.String()
    product_id = ma.fields.String()
    stored = ma.fields.Dict(allow_none=True, metadata={"description": "the row in the index (null: missing)"})
    live = ma.fields.Dict(allow_none=True, metadata={"description": "the row the live rule gives (null: none)"})


class FreshnessSchema(ma.Schema):
    products_checked = ma.fields.Integer()
    rows_checked = ma.fields.Integer()
    drifted = ma.fields.List(ma.fields.Nested(ListingDriftSchema))


# Collections

def _locale_texts(max_length):
    return ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.OneOf(LOCALES)),
                          values=ma.fields.String(validate=ma.validate.Length(min=1, max=max_length)))


class CollectionPatchSchema(StrictSchema):
    slug = ma.fields.String(validate=[ma.validate.Length(min=2, max=120), SLUG])
    titles = _locale_texts(200)
    descriptions = _locale_texts(2000)
    position = StrictInteger(validate=ma.validate.Range(min=0, max=100_000))
    active = ma.fields.Boolean()
    product_ids = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)),
                                 validate=ma.validate.Length(max=500))


class CollectionCreateSchema(CollectionPatchSchema):
    slug = ma.fields.String(required=True, validate=[ma.validate.Length(min=2, max=120), SLUG])
    titles = _locale_texts(200)

    @ma.validates("titles")
    def _titles(self, value, **kwargs):
        if not value:
            raise ma.ValidationError(_l("Give a title in at least one language."))


class CollectionSchema(ma.Schema):
    id = ma.fields.String()
    slug = ma.fields.String()
    titles = ma.fields.Dict()
    descriptions = ma.fields.Dict()
    position = ma.fields.Integer()
    active = ma.fields.Boolean()
    product_ids = ma.fields.Function(lambda c: [item.product_id for item in c.items])


class CollectionListArgsSchema(PageArgsSchema):
    pass
