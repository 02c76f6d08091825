import marshmallow as ma

from i18n import LOCALES
from i18n.money import known_currencies
from shop.core.api import StrictSchema, validate_country


class MarketSchema(ma.Schema):
    """A market as the API shows it: its name and the prose of its rules in the served locale."""

    RULE_FIELDS = ("price_rounding", "returns", "warranty", "import", "certificates")

    code = ma.fields.String()
    name = ma.fields.Method("_name")
    countries = ma.fields.List(ma.fields.String())
    currency = ma.fields.String()
    currency_digits = ma.fields.Method("_digits")
    default_locale = ma.fields.String()
    locales = ma.fields.List(ma.fields.String())
    price_rounding = ma.fields.Dict()
    returns = ma.fields.Dict()
    warranty = ma.fields.Dict()
    import_rules = ma.fields.Dict(data_key="import")
    certificates = ma.fields.Dict()
    data_version = ma.fields.String()
    edited = ma.fields.Method("_edited")
    updated_at = ma.fields.DateTime()

    def _name(self, market):
        from i18n.web import served_locale

        from .services import market_name

        return market_name(market.code, served_locale())

    def _digits(self, market):
        from i18n.money import currency_digits

        return currency_digits(market.currency)

    def _edited(self, market):
        return market.edited_by is not None

    @ma.post_dump
    def _rules_in_served_locale(self, data, **kwargs):
        from i18n.web import served_locale

        from .services import rules_in

        locale = served_locale()
        for field in self.RULE_FIELDS:
            if field in data:
                data[field] = rules_in(data[field], locale)
        return data


class MarketListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MarketSchema))
    version = ma.fields.String()


class MarketUpdateSchema(StrictSchema):
    countries = ma.fields.List(ma.fields.String(validate=validate_country), validate=ma.validate.Length(min=1))
    currency = ma.fields.String(validate=ma.validate.OneOf(sorted(known_currencies())))
    default_locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))
    locales = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(LOCALES)), validate=ma.validate.Length(min=1))
    price_rounding = ma.fields.Dict()
    returns = ma.fields.Dict()
    warranty = ma.fields.Dict()
    import_rules = ma.fields.Dict(data_key="import")
    certificates = ma.fields.Dict()
    active = ma.fields.Boolean()
