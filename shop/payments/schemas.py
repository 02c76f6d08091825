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


class RefundInSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    amount_minor = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=10**12))
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))


class RefundSchema(ma.Schema):
    id = ma.fields.String()
    order_id = ma.fields.String()
    amount_minor = ma.fields.Integer()
    currency = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending (being paid), succeeded or failed"})
    source = ma.fields.String(metadata={"description": "what it pays for: return:<id>, ops:<reason>"})
    failure = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    settled_at = ma.fields.DateTime(allow_none=True)


class OrderRefundsSchema(ma.Schema):
    order_id = ma.fields.String()
    currency = ma.fields.String()
    captured_minor = ma.fields.Integer()
    refundable_minor = ma.fields.Integer(metadata={"description": "captured minus refunds pending or done"})
    refunds = ma.fields.List(ma.fields.Nested(RefundSchema))
