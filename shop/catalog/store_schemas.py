"""Request and response shapes of the storefront (``/api/v1/store/products``, collections)."""
from __future__ import annotations

import marshmallow as ma

from i18n.web import money_json
from shop.core.api import PageArgsSchema, StrictSchema
from shop.sellers.schemas import CATEGORIES

from .schemas import MARKET_CODE
from .services.storefront import SORTS, Cursor, InvalidCursor, page_order


class StoreArgsSchema(StrictSchema):
    market = ma.fields.String(required=True, validate=MARKET_CODE)
    lang = ma.fields.String(validate=ma.validate.Length(max=35))


class StoreProductArgsSchema(PageArgsSchema):
    market = ma.fields.String(required=True, validate=MARKET_CODE)
    lang = ma.fields.String(validate=ma.validate.Length(max=35))
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100))
    category = ma.fields.String(validate=ma.validate.OneOf(CATEGORIES))
    collection = ma.fields.String(validate=ma.validate.Length(max=120))
    seller = ma.fields.String(validate=ma.validate.Length(max=32))
    min_price = ma.fields.Integer(validate=ma.validate.Range(min=0))
    max_price = ma.fields.Integer(validate=ma.validate.Range(min=0))
    sort = ma.fields.String(validate=ma.validate.OneOf(SORTS))
    cursor = ma.fields.String(validate=ma.validate.Length(max=400), metadata={
        "description": "a page's `next_cursor`: continue after that page (same filters and sort)"})

    @ma.validates_schema
    def _cursor_matches(self, data, **kwargs):
        if data.get("cursor") is None:
            return
        try:
            cursor = Cursor.decode(data["cursor"])
            cursor.values_for(page_order(data.get("sort"), bool(data.get("collection"))))
        except InvalidCursor:
            # marshmallow's own message, translated like every validation message (i18n.validation_messages)
            raise ma.ValidationError(self.fields["cursor"].make_error("validator_failed").messages,
                                     "cursor") from None
        data["cursor"] = cursor


class StoreSellerSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()


class StoreVariantSchema(ma.Schema):
    id = ma.fields.Function(lambda v: v.variant.id)
    sku = ma.fields.Function(lambda v: v.variant.sku)
    options = ma.fields.Function(lambda v: v.variant.options)
    weight_g = ma.fields.Function(lambda v: v.variant.weight_g)
    price = ma.fields.Function(lambda v: money_json(v.price))
    stock_state = ma.fields.String()


class StoreProductSchema(ma.Schema):
    id = ma.fields.Function(lambda v: v.product.id)
    slug = ma.fields.Function(lambda v: v.product.slug)
    seller = ma.fields.Function(lambda v: {"id": v.product.seller_id, "name": v.seller_name})
    category = ma.fields.Function(lambda v: v.product.category)
    brand = ma.fields.Function(lambda v: v.product.brand)
    origin_country = ma.fields.Function(lambda v: v.product.origin_country)
    images = ma.fields.Function(lambda v: v.product.images)
    title = ma.fields.Function(lambda v: v.translation.title if v.translation else None)
    short_description = ma.fields.Function(lambda v: v.translation.short_description if v.translation else None)
    locale = ma.fields.String(metadata={"description": "the locale requested (served)"})
    text_locale = ma.fields.String(allow_none=True, metadata={"description": "the locale of the text shown"})
    fallback_used = ma.fields.Boolean()
    price = ma.fields.Function(lambda v: money_json(v.price))
    stock_state = ma.fields.String()


class StoreProductPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StoreProductSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()
    total_is_estimate = ma.fields.Boolean(metadata={
        "description": "true when `total` is the database's estimate (above STOREFRONT_EXACT_TOTAL_MAX)"})
    next_cursor = ma.fields.String(allow_none=True, metadata={
        "description": "pass as `cursor` for the next page; null on the last page"})


class StoreProductDetailSchema(StoreProductSchema):
    description = ma.fields.Function(lambda v: v.translation.description if v.translation else None)
    attributes = ma.fields.Function(lambda v: v.product.attributes)
    hs_code = ma.fields.Function(lambda v: v.product.hs_code)
    variants = ma.fields.List(ma.fields.Nested(StoreVariantSchema))


def store_product_json(view, *, detail: bool = False) -> dict:
    """``StoreProductSchema`` (``StoreProductDetailSchema`` with ``detail``) of ``view``, written out.

    The storefront's hottest answers skip marshmallow's field-by-field dump (a third of what
    a 24-item page cost); the schemas stay the documentation, and a test holds this function
    to what they dump.
    """
    product, text = view.product, view.translation
    item = {
        "id": product.id, "slug": product.slug, "seller": {"id": product.seller_id, "name": view.seller_name},
        "category": product.category, "brand": product.brand, "origin_country": product.origin_country,
        "images": product.images, "title": text.title if text else None,
        "short_description": text.short_description if text else None, "locale": view.locale,
        "text_locale": view.text_locale, "fallback_used": view.fallback_used, "price": money_json(view.price),
        "stock_state": view.stock_state,
    }
    if detail:
        item.update({
            "description": text.description if text else None, "attributes": product.attributes,
            "hs_code": product.hs_code,
            "variants": [{"id": v.variant.id, "sku": v.variant.sku, "options": v.variant.options,
                          "weight_g": v.variant.weight_g, "price": money_json(v.price), "stock_state": v.stock_state}
                         for v in view.variants]})
    return item


def store_page_json(page: dict) -> dict:
    """``StoreProductPageSchema`` of a ``search_products`` page, written out (see ``store_product_json``)."""
    return {"items": [store_product_json(view) for view in page["items"]], "page": page["page"],
            "per_page": page["per_page"], "total": page["total"], "total_is_estimate": page["total_is_estimate"],
            "next_cursor": page["next_cursor"]}


class StoreCollectionSchema(ma.Schema):
    id = ma.fields.String()
    slug = ma.fields.String()
    title = ma.fields.String(allow_none=True, metadata={"description": "null when the collection has no title"})
    description = ma.fields.String(allow_none=True)
    text_locale = ma.fields.String(allow_none=True)
    fallback_used = ma.fields.Boolean()
    position = ma.fields.Integer()
