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


class PaymentFailureSchema(ma.Schema):
    code = ma.fields.String(allow_none=True, metadata={
        "description": "Stripe's decline code (else its error code), e.g. insufficient_funds; null if none given"})
    message = ma.fields.String(metadata={"description": "why, in the served language (not Stripe's text)"})


class OrderPaymentSchema(ma.Schema):
    order_id = ma.fields.String()
    order_status = ma.fields.String()
    expires_at = ma.fields.DateTime(metadata={"description": "the order (and its stock) is held until then"})
    payment_intent_id = ma.fields.String()
    client_secret = ma.fields.String(allow_none=True, metadata={
        "description": "confirm the same PaymentIntent with it (Stripe.js), e.g. with another card"})
    status = ma.fields.String(metadata={"description": "requires_payment or failed (the last attempt)"})
    failure = ma.fields.Nested(PaymentFailureSchema, allow_none=True)
