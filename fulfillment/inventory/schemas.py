import marshmallow as ma
from flask_babel import lazy_gettext as _l

from fulfillment.warehouses.schemas import WarehouseBriefSchema
from shop.core.api import PageArgsSchema, StrictInteger, StrictSchema, UTCDateTimeField

from .models import INBOUND_STATUSES, MOVEMENT_KINDS

MAX_UNITS = 10_000_000
REASON = ma.validate.Length(min=1, max=500)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError(_l("Give a reason."))


class LevelArgsSchema(PageArgsSchema):
    variant_id = ma.fields.String(validate=ma.validate.Length(max=32))
    warehouse_id = ma.fields.String(validate=ma.validate.Length(max=32))
    low_stock = ma.fields.Boolean(metadata={"description": "only levels at or under the low-stock threshold"})


class AdminLevelArgsSchema(LevelArgsSchema):
    seller_id = ma.fields.String(validate=ma.validate.Length(max=32))


class LevelSchema(ma.Schema):
    id = ma.fields.String()
    variant_id = ma.fields.String()
    sku = ma.fields.String()
    product_id = ma.fields.String()
    warehouse = ma.fields.Nested(WarehouseBriefSchema)
    on_hand = ma.fields.Integer()
    reserved = ma.fields.Integer(metadata={"description": "held by unexpired reservations"})
    allocated = ma.fields.Integer(metadata={"description": "paid, waiting to ship"})
    available = ma.fields.Integer()
    low_stock_threshold = ma.fields.Integer()
    low_stock = ma.fields.Boolean()
    stock_status = ma.fields.String(metadata={"description": "in_stock, low or out"})
    updated_at = ma.fields.DateTime()


class MovementArgsSchema(PageArgsSchema):
    warehouse_id = ma.fields.String(validate=ma.validate.Length(max=32))
    kind = ma.fields.String(validate=ma.validate.OneOf(MOVEMENT_KINDS))


class MovementSchema(ma.Schema):
    id = ma.fields.String()
    variant_id = ma.fields.String()
    warehouse_id = ma.fields.String()
    sequence = ma.fields.Integer()
    kind = ma.fields.String()
    quantity = ma.fields.Integer()
    on_hand_delta = ma.fields.Integer()
    reserved_delta = ma.fields.Integer()
    allocated_delta = ma.fields.Integer()
    reason = ma.fields.String(allow_none=True)
    reference_type = ma.fields.String(allow_none=True)
    reference = ma.fields.String(allow_none=True)
    actor = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class ThresholdSchema(StrictSchema):
    low_stock_threshold = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=MAX_UNITS))


class VariantSettingsSchema(ma.Schema):
    variant_id = ma.fields.String()
    low_stock_threshold = ma.fields.Integer()


class AdjustmentSchema(StrictSchema):
    variant_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    warehouse_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    quantity = StrictInteger(required=True, validate=[ma.validate.Range(min=-MAX_UNITS, max=MAX_UNITS),
                                                      ma.validate.NoneOf([0])],
                             metadata={"description": "units to add (positive) or remove (negative)"})
    reason = ma.fields.String(required=True, validate=[REASON, _not_blank])


class WriteOffSchema(AdjustmentSchema):
    quantity = StrictInteger(required=True, validate=ma.validate.Range(min=1, max=MAX_UNITS))


class InboundLineInSchema(StrictSchema):
    variant_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    quantity = StrictInteger(required=True, validate=ma.validate.Range(min=1, max=MAX_UNITS))


class InboundAnnounceSchema(StrictSchema):
    warehouse_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    lines = ma.fields.List(ma.fields.Nested(InboundLineInSchema), required=True,
                           validate=ma.validate.Length(min=1, max=500))
    seller_reference = ma.fields.String(validate=ma.validate.Length(max=100))
    carrier_tracking = ma.fields.String(validate=ma.validate.Length(max=100))
    expected_at = UTCDateTimeField()
    note = ma.fields.String(validate=ma.validate.Length(max=1000))


class ReceiveLineSchema(StrictSchema):
    variant_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    received_quantity = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=MAX_UNITS))
    discrepancy_reason = ma.fields.String(validate=ma.validate.Length(max=500))


class ReceiveSchema(StrictSchema):
    lines = ma.fields.List(ma.fields.Nested(ReceiveLineSchema), required=True,
                           validate=ma.validate.Length(min=1, max=500))


class InboundListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(INBOUND_STATUSES))
    warehouse_id = ma.fields.String(validate=ma.validate.Length(max=32))


class AdminInboundListArgsSchema(InboundListArgsSchema):
    seller_id = ma.fields.String(validate=ma.validate.Length(max=32))


class InboundLineSchema(ma.Schema):
    id = ma.fields.String()
    variant_id = ma.fields.String()
    expected_quantity = ma.fields.Integer()
    received_quantity = ma.fields.Integer(allow_none=True)
    discrepancy = ma.fields.Integer(allow_none=True, metadata={"description": "received minus expected"})
    discrepancy_reason = ma.fields.String(allow_none=True)


class InboundSchema(ma.Schema):
    id = ma.fields.String()
    seller_id = ma.fields.String()
    warehouse = ma.fields.Nested(WarehouseBriefSchema)
    status = ma.fields.String()
    seller_reference = ma.fields.String(allow_none=True)
    carrier_tracking = ma.fields.String(allow_none=True)
    expected_at = ma.fields.DateTime(allow_none=True)
    note = ma.fields.String(allow_none=True)
    has_discrepancy = ma.fields.Boolean()
    lines = ma.fields.List(ma.fields.Nested(InboundLineSchema))
    announced_by = ma.fields.String(allow_none=True)
    received_by = ma.fields.String(allow_none=True)
    received_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class LedgerDiscrepancySchema(ma.Schema):
    level_id = ma.fields.String()
    field = ma.fields.String()
    level_value = ma.fields.Integer()
    expected = ma.fields.Integer()


class ReconciliationSchema(ma.Schema):
    consistent = ma.fields.Boolean()
    discrepancies = ma.fields.List(ma.fields.Nested(LedgerDiscrepancySchema))


class ReservationLineSchema(ma.Schema):
    variant_id = ma.fields.String()
    warehouse_id = ma.fields.String()
    quantity = ma.fields.Integer()
    state = ma.fields.String()


class ReservationSchema(ma.Schema):
    id = ma.fields.String()
    reference = ma.fields.String()
    market_code = ma.fields.String()
    status = ma.fields.String()
    expires_at = ma.fields.DateTime()
    allocated_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    close_reason = ma.fields.String(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(ReservationLineSchema))
    created_at = ma.fields.DateTime()
