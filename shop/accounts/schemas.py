import marshmallow as ma

from i18n import LOCALES
from shop.core.api import StrictSchema


class RegisterSchema(StrictSchema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))
    name = ma.fields.String(validate=ma.validate.Length(max=200))
    locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))


class TokenRequestSchema(StrictSchema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))


class UserSchema(ma.Schema):
    id = ma.fields.String()
    email = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    seller_id = ma.fields.String(allow_none=True)
    seller_role = ma.fields.String(allow_none=True)
    locale = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class TokenSchema(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_at = ma.fields.DateTime()
    user = ma.fields.Nested(UserSchema)
