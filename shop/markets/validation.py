"""Checks for market rule blocks, so that an admin's edit (or a data file) that the
pricing, duty or availability code could not use is refused with a 422 instead of
breaking every later storefront request.

Only the fields the code reads are typed; informational fields (notes, sources,
timelines) pass through as they are.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from i18n.money import known_currencies
from shop.core.api import validate_country
from shop.sellers.schemas import CATEGORIES


def _rate(value):
    """A decimal string between 0 and 10 (rates are fractions: ``"0.19"``)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ma.ValidationError(_l("Must be a decimal number written as a string, such as \"0.19\".")) from None
    if not isinstance(value, str) or not number.is_finite() or not 0 <= number <= 10:
        raise ma.ValidationError(_l("Must be a decimal number written as a string, such as \"0.19\"."))


class _Open(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE


def _minor(**kwargs):
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=10**13), **kwargs)


def _currency(**kwargs):
    return ma.fields.String(validate=ma.validate.OneOf(sorted(known_currencies())), **kwargs)


class PriceRoundingSchema(_Open):
    mode = ma.fields.String(required=True, validate=ma.validate.OneOf(("charm", "step")))
    ending_minor = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=99))
    step_minor = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=10**9))
    direction = ma.fields.String(validate=ma.validate.OneOf(("up", "down", "nearest")))

    @ma.validates_schema
    def _mode_fields(self, data, **kwargs):
        needed = {"charm": "ending_minor", "step": "step_minor"}.get(data.get("mode"))
        if needed and needed not in data:
            raise ma.ValidationError(_l("Missing data for required field."), needed)


class ThresholdSchema(_Open):
    amount_minor = _minor(required=True)
    currency = _currency(required=True)
    covers = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(("duty", "tax"))))


class CollectAtCheckoutSchema(_Open):
    max_minor = _minor(required=True)
    currency = _currency(required=True)
    scheme = ma.fields.String(required=True)


class DatedSchema(_Open):
    effective_from = ma.fields.Date(allow_none=True)
    effective_until = ma.fields.Date(allow_none=True)


class FlatDutySchema(DatedSchema):
    amount_minor = _minor(required=True)
    currency = _currency(required=True)
    applies_to_max_intrinsic_minor = _minor(allow_none=True)


class CrossBorderRetailSchema(_Open):
    per_transaction_limit_minor = _minor(required=True)
    currency = _currency(required=True)
    duty_rate = ma.fields.Raw(validate=_rate)
    tax_factor = ma.fields.Raw(validate=_rate)


class SurchargeSchema(DatedSchema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(("ad_valorem", "fixed")))
    rate = ma.fields.Raw(validate=_rate)
    amount_minor = _minor()
    currency = _currency()
    per = ma.fields.String(validate=ma.validate.OneOf(("item", "consignment")))
    countries = ma.fields.List(ma.fields.Raw(validate=validate_country))

    @ma.validates_schema
    def _kind_fields(self, data, **kwargs):
        needed = {"ad_valorem": ("rate",), "fixed": ("amount_minor", "currency")}.get(data.get("kind"), ())
        for name in needed:
            if name not in data:
                raise ma.ValidationError(_l("Missing data for required field."), name)


class ImportRulesSchema(_Open):
    de_minimis = ma.fields.Nested(ThresholdSchema, allow_none=True)
    tax_name = ma.fields.String(allow_none=True)
    tax_rate = ma.fields.Raw(allow_none=True, validate=_rate)
    tax_rates_by_country = ma.fields.Dict(keys=ma.fields.Raw(validate=validate_country),
                                          values=ma.fields.Raw(validate=_rate))
    tax_rates_by_region = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(validate=_rate))
    collect_at_checkout = ma.fields.Nested(CollectAtCheckoutSchema, allow_none=True)
    ddp_available = ma.fields.Boolean()
    flat_duty_per_item_category = ma.fields.Nested(FlatDutySchema, allow_none=True)
    cross_border_retail = ma.fields.Nested(CrossBorderRetailSchema, allow_none=True)
    surcharges = ma.fields.List(ma.fields.Nested(SurchargeSchema))


class CertificateEntrySchema(_Open):
    type = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(("product", "business", "shipment")))
    scope = ma.fields.String(validate=ma.validate.OneOf(("all", "subset")))
    timing = ma.fields.String(validate=ma.validate.OneOf(("before_sale", "after_first_sale", "per_shipment")))
    effective_from = ma.fields.Date(allow_none=True)


class ReturnsSchema(_Open):
    withdrawal_days = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=365))
    fallback_days_without_policy = ma.fields.Integer(strict=True, allow_none=True,
                                                     validate=ma.validate.Range(min=0, max=365))
    refund_deadline_days = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=365))
    exclusions = ma.fields.List(ma.fields.String())


class WarrantySchema(_Open):
    statutory_months = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=240))
    presumption_months = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=240))


_CERTIFICATE_LIST = ma.fields.List(ma.fields.Nested(CertificateEntrySchema))


def _certificate_errors(value) -> dict:
    if not isinstance(value, dict):
        return {"_schema": [_l("Not a valid mapping type.")]}
    errors: dict = {}
    for key, entries in value.items():
        if key == "notes":
            continue
        if key == "unverified":
            if not isinstance(entries, dict):
                errors[key] = [_l("Not a valid mapping type.")]
            continue
        if key not in CATEGORIES:
            errors[key] = [_l("Must be one of: {choices}.").format(choices=", ".join(CATEGORIES))]
            continue
        try:
            _CERTIFICATE_LIST.deserialize(entries)
        except ma.ValidationError as exc:
            errors[key] = exc.messages
    return errors


BLOCK_SCHEMAS = {
    "price_rounding": PriceRoundingSchema,
    "import_rules": ImportRulesSchema,
    "returns": ReturnsSchema,
    "warranty": WarrantySchema,
}


def rule_errors(values: dict) -> dict:
    """Field errors for the rule blocks in ``values`` (column names as keys); empty when valid."""
    errors: dict = {}
    for name, schema in BLOCK_SCHEMAS.items():
        if name not in values:
            continue
        block = values[name]
        if not isinstance(block, dict):
            errors[name] = [_l("Not a valid mapping type.")]
            continue
        found = schema().validate(block)
        if found:
            errors[name] = found
    if "certificates" in values:
        found = _certificate_errors(values["certificates"])
        if found:
            errors["certificates"] = found
    return errors
