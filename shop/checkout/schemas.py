import marshmallow as ma

from i18n import LOCALES
from shop.core.api import MoneySchema, StrictInteger, StrictSchema
from shop.orders.schemas import OrderSchema

from .models import MAX_LINE_QUANTITY

_quantity = dict(required=True, validate=ma.validate.Range(min=1, max=MAX_LINE_QUANTITY))


class CartCreateSchema(StrictSchema):
    market = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=8))
    locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))
    email = ma.fields.Email()


class CartUpdateSchema(StrictSchema):
    locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))
    email = ma.fields.Email()


class LineAddSchema(StrictSchema):
    variant_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    quantity = StrictInteger(**_quantity)


class LineUpdateSchema(StrictSchema):
    quantity = StrictInteger(**_quantity)


class ShippingAddressSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    line1 = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    line2 = ma.fields.String(validate=ma.validate.Length(max=200))
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    region = ma.fields.String(validate=ma.validate.Length(max=10),
                              metadata={"description": "ISO 3166-2 subdivision (CA-ON or ON)"})
    postal_code = ma.fields.String(validate=ma.validate.Length(max=20))
    country = ma.fields.String(required=True, validate=ma.validate.Length(equal=2))
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=32))


class ShippingChoiceSchema(StrictSchema):
    service = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))


class ShippingOptionSchema(ma.Schema):
    service = ma.fields.String()
    carrier = ma.fields.String()
    name = ma.fields.String()
    amount = ma.fields.Nested(MoneySchema)
    chargeable_weight_g = ma.fields.Integer()
    transit_days = ma.fields.Dict()
    selected = ma.fields.Boolean()


class BreakdownLineSchema(ma.Schema):
    kind = ma.fields.String()
    code = ma.fields.String()
    label = ma.fields.String()
    amount = ma.fields.Nested(MoneySchema)
    collected = ma.fields.String(metadata={"description": "now | on_delivery"})
    rate = ma.fields.String(allow_none=True)


class QuoteSchema(ma.Schema):
    currency = ma.fields.String()
    country = ma.fields.String(allow_none=True)
    subtotal = ma.fields.Nested(MoneySchema)
    shipping = ma.fields.Nested(MoneySchema, allow_none=True)
    duties = ma.fields.Nested(MoneySchema)
    taxes = ma.fields.Nested(MoneySchema)
    total = ma.fields.Nested(MoneySchema, metadata={"description": "charged at checkout"})
    due_on_delivery = ma.fields.Nested(MoneySchema)
    incoterm = ma.fields.String(allow_none=True)
    incoterm_note = ma.fields.String(allow_none=True)
    tax_scheme = ma.fields.String(allow_none=True)
    shipping_options = ma.fields.List(ma.fields.Nested(ShippingOptionSchema))
    unavailable_shipping = ma.fields.List(ma.fields.Dict())
    breakdown = ma.fields.List(ma.fields.Nested(BreakdownLineSchema))
    missing = ma.fields.List(ma.fields.String())
    fx_rate = ma.fields.String()


class ReturnExclusionSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "e.g. unsealed_hygiene, perishable"})
    when = ma.fields.String(metadata={"description": "opened: once opened or unsealed; always"})
    text = ma.fields.String()
    sources = ma.fields.List(ma.fields.String(), metadata={"description": "ids of the rules' sources"})


class ReturnAcknowledgementSchema(ma.Schema):
    exclusions = ma.fields.List(ma.fields.String(), metadata={"description": "the codes acknowledged"})
    acknowledged_at = ma.fields.String(metadata={"description": "ISO 8601 time (UTC)"})
    version = ma.fields.String(metadata={"description": "the version of the rules shown"})


class CartLineSchema(ma.Schema):
    id = ma.fields.String()
    variant_id = ma.fields.String()
    product_id = ma.fields.String()
    sku = ma.fields.String()
    name = ma.fields.String()
    options = ma.fields.Dict()
    quantity = ma.fields.Integer()
    unit_price = ma.fields.Nested(MoneySchema, allow_none=True)
    total = ma.fields.Nested(MoneySchema, allow_none=True)
    purchasable = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.Dict())
    return_exclusions = ma.fields.List(ma.fields.Nested(ReturnExclusionSchema), metadata={
        "description": "what this line could not be returned for after a change of mind in the cart's market, "
                       "in the buyer's language (empty: returnable); acknowledge with PUT …/return-acknowledgement"})
    return_acknowledgement = ma.fields.Nested(ReturnAcknowledgementSchema, allow_none=True)


class CartSchema(ma.Schema):
    id = ma.fields.String()
    market = ma.fields.String()
    currency = ma.fields.String()
    locale = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    order_id = ma.fields.String(allow_none=True)
    shipping_address = ma.fields.Dict(allow_none=True)
    shipping_service = ma.fields.String(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(CartLineSchema))
    quote = ma.fields.Nested(QuoteSchema)
    created_at = ma.fields.DateTime()


class CheckoutResultSchema(ma.Schema):
    order = ma.fields.Nested(OrderSchema)
    client_secret = ma.fields.String(allow_none=True)
    payment_intent_id = ma.fields.String(allow_none=True)
    access_token = ma.fields.String(metadata={"description": "guest access to the order (X-Order-Token)"})
