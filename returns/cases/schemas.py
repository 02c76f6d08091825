"""Request and response schemas of the return endpoints."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from returns.policy import REMEDIES, RETURN_REASONS
from shop.core.api import PageArgsSchema, StrictInteger, StrictSchema, UTCDateTimeField, validate_country
from shop.sellers.schemas import CATEGORIES

_REASON = ma.validate.OneOf(RETURN_REASONS, error=_l("Must be one of: {choices}."))


def _photo(value: str) -> None:
    if not value.startswith("https://"):
        raise ma.ValidationError(_l("A photo must be an https:// address."))


class PolicyReasonSchema(ma.Schema):
    code = ma.fields.String()
    text = ma.fields.String()
    sources = ma.fields.List(ma.fields.String())


class RefundDeadlineSchema(ma.Schema):
    days = ma.fields.Integer()
    from_ = ma.fields.String(data_key="from", attribute="from")
    date = ma.fields.String(allow_none=True)


class ReturnDecisionSchema(ma.Schema):
    allowed = ma.fields.Boolean()
    reason = ma.fields.String()
    kind = ma.fields.String()
    window_days = ma.fields.Integer(allow_none=True)
    window_basis = ma.fields.String(allow_none=True)
    guarantee_months = ma.fields.Integer(allow_none=True)
    last_day = ma.fields.String(allow_none=True, metadata={
        "description": "the last calendar day (ISO date) in `time_zone`, where the buyer is"})
    return_shipping_payer = ma.fields.String(allow_none=True)
    refund_outbound_shipping = ma.fields.Boolean()
    refund_duties = ma.fields.Boolean()
    restocking_fee_allowed = ma.fields.Boolean()
    refund_deadline = ma.fields.Nested(RefundDeadlineSchema)
    reasons = ma.fields.List(ma.fields.Nested(PolicyReasonSchema))
    data_version = ma.fields.String()
    time_zone = ma.fields.String(allow_none=True, metadata={
        "description": "the IANA zone the days are counted in: the shipping country's (the one most favourable "
                       "to the buyer where it has several)"})


class WarrantyDecisionSchema(ma.Schema):
    allowed = ma.fields.Boolean()
    period_months = ma.fields.Integer(allow_none=True)
    period_basis = ma.fields.String(allow_none=True)
    last_day = ma.fields.String(allow_none=True, metadata={
        "description": "the last calendar day (ISO date) in `time_zone`, where the buyer is"})
    remedies = ma.fields.List(ma.fields.String())
    fault_presumed = ma.fields.Boolean(allow_none=True)
    reasons = ma.fields.List(ma.fields.Nested(PolicyReasonSchema))
    data_version = ma.fields.String()
    time_zone = ma.fields.String(allow_none=True, metadata={
        "description": "the IANA zone the days are counted in: the shipping country's (the one most favourable "
                       "to the buyer where it has several)"})


class _EvaluateBase(StrictSchema):
    market = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=8))
    country = ma.fields.String(validate=validate_country, metadata={
        "description": "the buyer's country (ISO 3166-1 alpha-2): days count in its time zones; without it, in "
                       "every zone of the market's countries, the most favourable to the buyer"})
    category = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(CATEGORIES))
    delivered_at = UTCDateTimeField(required=True)
    seller_warranty_months = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=120))


class ReturnEvaluateSchema(_EvaluateBase):
    reason = ma.fields.String(required=True, validate=_REASON)
    opened = ma.fields.Boolean(load_default=False)
    used = ma.fields.Boolean(load_default=False)
    quantity = StrictInteger(load_default=1, validate=ma.validate.Range(min=1, max=10_000))
    requested_at = UTCDateTimeField(required=True)
    seller_policy_days = StrictInteger(load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=365))
    seller_pays_return_shipping = ma.fields.Boolean(load_default=False)
    exclusion_notice_given = ma.fields.Boolean(load_default=True)


class WarrantyEvaluateSchema(_EvaluateBase):
    claimed_at = UTCDateTimeField(required=True)


class ReturnLineInSchema(StrictSchema):
    order_line_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    quantity = StrictInteger(required=True, validate=ma.validate.Range(min=1, max=10_000))
    exchange_variant_id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=32),
                                           metadata={"description": "another size or colour of the same product, "
                                                                    "at the same price, instead of a refund"})


class ReturnRequestSchema(StrictSchema):
    lines = ma.fields.List(ma.fields.Nested(ReturnLineInSchema), required=True,
                           validate=ma.validate.Length(min=1, max=100))
    reason = ma.fields.String(required=True, validate=_REASON)
    opened = ma.fields.Boolean(load_default=False)
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))
    photos = ma.fields.List(ma.fields.String(validate=[ma.validate.Length(max=500), _photo]), load_default=list,
                            validate=ma.validate.Length(max=10))


class WarrantyClaimSchema(StrictSchema):
    order_line_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    quantity = StrictInteger(load_default=1, validate=ma.validate.Range(min=1, max=10_000))
    description = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
    photos = ma.fields.List(ma.fields.String(validate=[ma.validate.Length(max=500), _photo]), load_default=list,
                            validate=ma.validate.Length(max=10))


class ReturnLineSchema(ma.Schema):
    id = ma.fields.String()
    order_line_id = ma.fields.String()
    sku = ma.fields.String()
    name = ma.fields.String()
    seller_id = ma.fields.String()
    quantity = ma.fields.Integer()
    received_quantity = ma.fields.Integer(allow_none=True)
    resellable_quantity = ma.fields.Integer(allow_none=True)
    damaged_quantity = ma.fields.Integer(allow_none=True)
    exchange_variant_id = ma.fields.String(allow_none=True)
    unit_price_minor = ma.fields.Integer()
    decision = ma.fields.Raw(allow_none=True)


class ReturnCaseSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    kind = ma.fields.String()
    order_id = ma.fields.String()
    status = ma.fields.String(metadata={"description": (
        "requested, approved, rejected, in_transit, received, inspected, refunding (its one refund is being "
        "paid), refunded, closed or canceled; a claim being repaired: repairing, repaired, unrepairable, "
        "shipped_back")})
    reason = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    photos = ma.fields.List(ma.fields.String())
    allowed_by_policy = ma.fields.Boolean()
    resolution = ma.fields.String(allow_none=True)
    return_shipping_payer = ma.fields.String(allow_none=True)
    destination = ma.fields.Raw(allow_none=True)
    instructions = ma.fields.List(ma.fields.String())
    currency = ma.fields.String()
    refund_minor = ma.fields.Integer(allow_none=True)
    refund_due_on = ma.fields.String(allow_none=True)
    overdue = ma.fields.Boolean()
    market = ma.fields.String()
    requested_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)
    received_at = ma.fields.DateTime(allow_none=True)
    inspected_at = ma.fields.DateTime(allow_none=True)
    refunded_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    canceled_at = ma.fields.DateTime(allow_none=True)
    rejection_note = ma.fields.String(allow_none=True)
    override_by = ma.fields.String(allow_none=True)
    override_reason = ma.fields.String(allow_none=True)
    overdue_flagged_at = ma.fields.DateTime(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(ReturnLineSchema))
    repair = ma.fields.Raw(allow_none=True, metadata={"description": (
        "a claim resolved as repair: the service address, reasonable days and due date, the guarantee's extension "
        "(null where the market's law is not in the data, with a note), the cost, and the parcel back")})
    label = ma.fields.Nested(lambda: ReturnLabelSchema(), allow_none=True, metadata={
        "description": "the prepaid return label, once ops issued one: print it from `url`"})


class ReturnLabelSchema(ma.Schema):
    tracking_number = ma.fields.String()
    carrier = ma.fields.String()
    url = ma.fields.String(metadata={"description": "the buyer's download (PDF)"})


class LabelPackageSchema(StrictSchema):
    weight_g = StrictInteger(required=True, validate=ma.validate.Range(min=1, max=70_000))
    length_mm = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=3000))
    width_mm = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=3000))
    height_mm = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=3000))


class IssueLabelSchema(StrictSchema):
    cost_minor = StrictInteger(required=True, validate=ma.validate.Range(min=0, max=10**9))
    packages = ma.fields.List(ma.fields.Nested(LabelPackageSchema), load_default=None,
                              validate=ma.validate.Length(min=1, max=20))


class ReturnOptionSchema(ma.Schema):
    order_line_id = ma.fields.String()
    sku = ma.fields.String()
    name = ma.fields.String()
    delivered = ma.fields.Integer()
    returnable = ma.fields.Integer()
    delivered_at = ma.fields.DateTime(allow_none=True)
    reasons = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict())


class ReturnOptionsSchema(ma.Schema):
    order_id = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(ReturnOptionSchema))


class OverrideSchema(StrictSchema):
    approve = ma.fields.Boolean(required=True)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class CountSchema(StrictSchema):
    lines = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=32)),
                           values=StrictInteger(validate=ma.validate.Range(min=0, max=10_000)), required=True)
    return_shipping_minor = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=10**9))


class InspectSchema(StrictSchema):
    resellable = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=32)),
                                values=StrictInteger(validate=ma.validate.Range(min=0, max=10_000)), required=True)


class RefundCaseSchema(StrictSchema):
    without_return = ma.fields.Boolean(load_default=False)


class PaymentRefundDiscrepancySchema(ma.Schema):
    payment_id = ma.fields.String()
    committed_minor = ma.fields.Integer(metadata={"description": "what the payment row counts as refunded"})
    refunds_minor = ma.fields.Integer(metadata={"description": "the sum of its refunds pending or succeeded"})
    captured_minor = ma.fields.Integer()


class CaseRefundDiscrepancySchema(ma.Schema):
    case_id = ma.fields.String()
    number = ma.fields.String()
    status = ma.fields.String()
    refund_minor = ma.fields.Integer(allow_none=True, metadata={"description": "the case's computed refund"})
    refunded_minor = ma.fields.Integer(metadata={"description": "its refunds pending or succeeded, summed"})
    refunds = ma.fields.Integer(metadata={"description": "how many refunds pending or succeeded it has"})


class RefundAuditSchema(ma.Schema):
    payments = ma.fields.List(ma.fields.Nested(PaymentRefundDiscrepancySchema), metadata={
        "description": "payments whose refunds exceed the capture or disagree with its running total"})
    cases = ma.fields.List(ma.fields.Nested(CaseRefundDiscrepancySchema), metadata={
        "description": "cases refunded more than once, beyond their amount, or whose state disagrees with them"})


class ResolveSchema(StrictSchema):
    remedy = ma.fields.String(required=True, validate=ma.validate.OneOf(REMEDIES))


class CaseListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.Length(max=16))
    market = ma.fields.String(validate=ma.validate.Length(max=8))
    seller = ma.fields.String(validate=ma.validate.Length(max=32))
    due_before = ma.fields.Date()


class SellerCaseListArgsSchema(PageArgsSchema):
    kind = ma.fields.String(validate=ma.validate.OneOf(("return", "warranty")))


class CostArgsSchema(StrictSchema):
    month = ma.fields.String(validate=ma.validate.Regexp(r"^\d{4}-\d{2}$"))
    seller = ma.fields.String(validate=ma.validate.Length(max=32))


class CostRowSchema(ma.Schema):
    seller_id = ma.fields.String()
    month = ma.fields.String()
    bearer = ma.fields.String()
    kind = ma.fields.String()
    currency = ma.fields.String()
    amount_minor = ma.fields.Integer()
    cases = ma.fields.Integer()


class CostListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CostRowSchema))


class RepairDoneSchema(StrictSchema):
    repair_cost_minor = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=10**9))


class UnrepairableSchema(StrictSchema):
    remedy = ma.fields.String(required=True, validate=ma.validate.OneOf(("replace", "refund")))
    replacement_impossible = ma.fields.Boolean(load_default=False)


class ShipBackSchema(StrictSchema):
    shipping_minor = StrictInteger(load_default=0, validate=ma.validate.Range(min=0, max=10**9))


class RepairAddressSchema(StrictSchema):
    line1 = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    line2 = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))
    postal_code = ma.fields.String(load_default=None, validate=ma.validate.Length(max=20))
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    country = ma.fields.String(required=True, validate=validate_country)
    phone = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))


class RepairPartnerInSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    category = ma.fields.String(load_default=None, validate=ma.validate.OneOf(CATEGORIES))
    address = ma.fields.Nested(RepairAddressSchema, required=True)


class RepairPartnerSchema(ma.Schema):
    id = ma.fields.String()
    seller_id = ma.fields.String()
    category = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    address = ma.fields.Raw()
    active = ma.fields.Boolean()
