import marshmallow as ma


class PaymentAlertSchema(ma.Schema):
    id = ma.fields.String()
    order_id = ma.fields.String(allow_none=True)
    intent_id = ma.fields.String(allow_none=True)
    event_id = ma.fields.String(allow_none=True)
    kind = ma.fields.String()
    details = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    resolved_at = ma.fields.DateTime(allow_none=True)
