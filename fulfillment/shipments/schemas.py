import marshmallow as ma

from shop.core.api import PageArgsSchema, StrictInteger, StrictSchema, UTCDateTimeField

from .models import EVENT_FLAGS, EVENT_TYPES, SHIPMENT_STATUSES

# A parcel of more than 70 kg or 3 m on a side is not a parcel any service here takes.
WEIGHT = ma.validate.Range(min=1, max=70_000)
SIDE = ma.validate.Range(min=1, max=3_000)
TEXT = ma.validate.Length(max=500)


class ShipmentListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(SHIPMENT_STATUSES))
    warehouse_id = ma.fields.String(validate=ma.validate.Length(max=32))
    order_id = ma.fields.String(validate=ma.validate.Length(max=32))
    over_quote = ma.fields.Boolean(metadata={"description": "only parcels heavier than quoted (or not)"})


class SellerShipmentListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(SHIPMENT_STATUSES))


class PackageSchema(StrictSchema):
    weight_g = StrictInteger(required=True, validate=WEIGHT, metadata={"description": "grams, as weighed"})
    length_mm = StrictInteger(required=True, validate=SIDE)
    width_mm = StrictInteger(required=True, validate=SIDE)
    height_mm = StrictInteger(required=True, validate=SIDE)


class PackSchema(StrictSchema):
    packages = ma.fields.List(ma.fields.Nested(PackageSchema), required=True,
                              validate=ma.validate.Length(min=1, max=20))


class HandOverSchema(StrictSchema):
    tracking_number = ma.fields.String(validate=ma.validate.Length(min=1, max=64),
                                       metadata={"description": "from the label; needed for carriers without booking"})
    label_reference = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class CancelSchema(StrictSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class EventInSchema(StrictSchema):
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(EVENT_TYPES))
    occurred_at = UTCDateTimeField(required=True)
    location = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    note = ma.fields.String(allow_none=True, validate=TEXT)


class DeclarationArgsSchema(StrictSchema):
    date = ma.fields.Date(required=True, metadata={"description": "the hand-over day, Seoul time (YYYY-MM-DD)"})


class EventSchema(ma.Schema):
    id = ma.fields.String()
    type = ma.fields.String()
    label = ma.fields.String()
    occurred_at = ma.fields.DateTime()
    location = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    source = ma.fields.String()
    actor = ma.fields.String(allow_none=True)
    flag = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(EVENT_FLAGS), metadata={
        "description": "null: the event counts. before_handover: a carrier event dated before the parcel's "
                       "hand-over (beyond the allowed clock skew), kept for the record; it changed neither the "
                       "parcel's status and dates nor the order's, and the buyer does not see it"})


class ShipmentSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    order_id = ma.fields.String()
    warehouse_id = ma.fields.String()
    seller_id = ma.fields.String(allow_none=True)
    attempt = ma.fields.Integer()
    replaces_id = ma.fields.String(allow_none=True)
    carrier = ma.fields.String()
    service = ma.fields.String()
    status = ma.fields.String()
    tracking_number = ma.fields.String(allow_none=True)
    tracking_url = ma.fields.String(allow_none=True)
    label_reference = ma.fields.String(allow_none=True)
    quote = ma.fields.Dict(metadata={"description": "the parcel as priced at checkout"})
    chargeable_weight_g = ma.fields.Integer(allow_none=True)
    over_quote = ma.fields.Boolean()
    packages = ma.fields.List(ma.fields.Dict())
    lines = ma.fields.List(ma.fields.Dict())
    events = ma.fields.List(ma.fields.Nested(EventSchema))
    created_at = ma.fields.DateTime()
    booked_at = ma.fields.DateTime(allow_none=True)
    picked_at = ma.fields.DateTime(allow_none=True)
    packed_at = ma.fields.DateTime(allow_none=True)
    handed_over_at = ma.fields.DateTime(allow_none=True)
    delivered_at = ma.fields.DateTime(allow_none=True)
    canceled_at = ma.fields.DateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)


class PickShipmentSchema(ma.Schema):
    shipment_id = ma.fields.String()
    number = ma.fields.String()
    quantity = ma.fields.Integer()


class PickItemSchema(ma.Schema):
    location = ma.fields.String(allow_none=True)
    sku = ma.fields.String()
    variant_id = ma.fields.String()
    quantity = ma.fields.Integer()
    shipments = ma.fields.List(ma.fields.Nested(PickShipmentSchema))


class PickListSchema(ma.Schema):
    warehouse_id = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(PickItemSchema))
    shipments = ma.fields.List(ma.fields.Nested(ShipmentSchema))


class EventResultSchema(ma.Schema):
    created = ma.fields.Boolean(metadata={"description": "false: the same event was recorded before"})
    event = ma.fields.Nested(EventSchema)
    shipment = ma.fields.Nested(ShipmentSchema)


class WebhookResultSchema(ma.Schema):
    recorded = ma.fields.Integer()
    flagged = ma.fields.Integer(metadata={"description": "recorded, but dated before the parcel's hand-over: "
                                                         "they moved nothing (the events' flag before_handover)"})
    duplicate = ma.fields.Integer()
    unknown = ma.fields.Integer()
    refused = ma.fields.Integer()
