import marshmallow as ma

from i18n import LOCALES
from shop.accounts.schemas import UserSchema
from shop.core.api import PageArgsSchema, StrictSchema

CATEGORIES = ("cosmetics", "food", "fashion", "electronics", "household")


def _locale_map(**kwargs):
    return ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.OneOf(LOCALES)),
                          values=ma.fields.String(validate=ma.validate.Length(min=1, max=200)), **kwargs)


class AddressSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    line1 = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    line2 = ma.fields.String(validate=ma.validate.Length(max=200))
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    region = ma.fields.String(validate=ma.validate.Length(max=100))
    postal_code = ma.fields.String(validate=ma.validate.Length(max=20))
    country = ma.fields.String(required=True, validate=ma.validate.Length(equal=2))
    phone = ma.fields.String(validate=ma.validate.Length(max=32))


class SellerApplySchema(StrictSchema):
    legal_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    display_names = _locale_map()
    business_number = ma.fields.String(required=True, validate=ma.validate.Length(min=10, max=14))
    contact_email = ma.fields.Email(required=True)
    contact_phone = ma.fields.String(validate=ma.validate.Length(max=32))
    categories = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CATEGORIES)))
    owner_email = ma.fields.Email(required=True)
    owner_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))
    owner_name = ma.fields.String(validate=ma.validate.Length(max=200))


class SellerProfileUpdateSchema(StrictSchema):
    display_names = _locale_map()
    contact_email = ma.fields.Email()
    contact_phone = ma.fields.String(validate=ma.validate.Length(max=32))
    return_address = ma.fields.Nested(AddressSchema, allow_none=True)
    # null: no return policy stated (the market's fallback applies, e.g. JP 8 days); 0: "no returns".
    return_window_days = ma.fields.Integer(strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=365))
    pays_change_of_mind_shipping = ma.fields.Boolean()
    warranty_months = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=120))
    categories = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CATEGORIES)))


class SellerSchema(ma.Schema):
    id = ma.fields.String()
    legal_name = ma.fields.String()
    display_names = ma.fields.Dict()
    business_number = ma.fields.Method("_brn")
    contact_email = ma.fields.String()
    contact_phone = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    status_reason = ma.fields.String(allow_none=True)
    approved_at = ma.fields.DateTime(allow_none=True)
    return_address = ma.fields.Dict(allow_none=True)
    return_window_days = ma.fields.Integer(allow_none=True)
    pays_change_of_mind_shipping = ma.fields.Boolean()
    warranty_months = ma.fields.Integer()
    no_return_purchase = ma.fields.Boolean()
    categories = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()

    def _brn(self, seller):
        from .brn import format_number

        return format_number(seller.business_number)


class SellerApplicationSchema(ma.Schema):
    seller = ma.fields.Nested(SellerSchema)
    owner = ma.fields.Nested(UserSchema)


class SellerStatusChangeSchema(StrictSchema):
    reason = ma.fields.String(validate=ma.validate.Length(max=500))


class AdminSellerUpdateSchema(StrictSchema):
    no_return_purchase = ma.fields.Boolean()


class SellerListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(("pending", "approved", "suspended")))


class StaffCreateSchema(StrictSchema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))
    name = ma.fields.String(validate=ma.validate.Length(max=200))


class MemberListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UserSchema))
