import marshmallow as ma

from shop.core.api import MoneySchema, PageArgsSchema, UTCDateTimeField

from .models import ORDER_STATUSES


class OrderLineSchema(ma.Schema):
    id = ma.fields.String()
    variant_id = ma.fields.String()
    product_id = ma.fields.String()
    seller_id = ma.fields.String()
    sku = ma.fields.String()
    name = ma.fields.String()
    options = ma.fields.Dict()
    quantity = ma.fields.Integer()
    unit_price = ma.fields.Nested(MoneySchema)
    total = ma.fields.Nested(MoneySchema)
    hs_code = ma.fields.String(allow_none=True)
    origin_country = ma.fields.String(allow_none=True)
    return_acknowledgement = ma.fields.Dict(allow_none=True, metadata={
        "description": "what the buyer acknowledged at checkout could not be returned for a change of mind: "
                       "{exclusions, acknowledged_at, version}; null: never told (such exclusions then do not "
                       "apply where the law needs notice)"})
    return_exclusions = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "the acknowledged exclusions, {code, text} in the reader's language"})


class OrderSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    status = ma.fields.String()
    market = ma.fields.String()
    currency = ma.fields.String()
    locale = ma.fields.String()
    email = ma.fields.String()
    created_at = ma.fields.DateTime()
    paid_at = ma.fields.DateTime(allow_none=True)
    canceled_at = ma.fields.DateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    shipped_at = ma.fields.DateTime(allow_none=True)
    delivered_at = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    expires_at = ma.fields.DateTime()
    shipping_address = ma.fields.Dict()
    shipping = ma.fields.Dict()
    lines = ma.fields.List(ma.fields.Nested(OrderLineSchema))
    incoterm = ma.fields.String()
    incoterm_note = ma.fields.String(allow_none=True)
    tax_scheme = ma.fields.String(allow_none=True)
    fx_rate = ma.fields.String()
    subtotal = ma.fields.Nested(MoneySchema)
    shipping_total = ma.fields.Nested(MoneySchema)
    duties = ma.fields.Nested(MoneySchema)
    taxes = ma.fields.Nested(MoneySchema)
    total = ma.fields.Nested(MoneySchema)
    due_on_delivery = ma.fields.Nested(MoneySchema)
    breakdown = ma.fields.List(ma.fields.Dict())
    payment = ma.fields.Dict()
    shipments = ma.fields.List(ma.fields.Dict(), metadata={"description": "its parcels, each with a timeline"})
    seller_total = ma.fields.Nested(MoneySchema)


class OrderListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(ORDER_STATUSES))


class AdminOrderListArgsSchema(OrderListArgsSchema):
    market = ma.fields.String(validate=ma.validate.Length(max=8))
    seller = ma.fields.String(validate=ma.validate.Length(max=32))
    number = ma.fields.String(validate=ma.validate.Length(max=20))
    created_from = UTCDateTimeField()
    created_to = UTCDateTimeField()
