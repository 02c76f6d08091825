import marshmallow as ma

from shop.core.api import PageArgsSchema, StrictSchema
from shop.sellers.schemas import AddressSchema

from .models import WAREHOUSE_KINDS

CODE = ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")


class WarehouseCreateSchema(StrictSchema):
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(WAREHOUSE_KINDS))
    country = ma.fields.String(validate=ma.validate.Regexp(r"^[A-Za-z]{2}$"),
                               metadata={"description": "ISO 3166-1 alpha-2; KR by default"})
    address = ma.fields.Nested(AddressSchema)
    market_code = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=2, max=8),
                                   metadata={"description": "overseas centres only: the market served"})
    seller_id = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=32),
                                 metadata={"description": "seller warehouses only: the owner"})
    active = ma.fields.Boolean()


class WarehouseUpdateSchema(StrictSchema):
    code = ma.fields.String(validate=CODE)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    address = ma.fields.Nested(AddressSchema)
    active = ma.fields.Boolean()


class WarehouseListArgsSchema(PageArgsSchema):
    kind = ma.fields.String(validate=ma.validate.OneOf(WAREHOUSE_KINDS))
    market = ma.fields.String(validate=ma.validate.Length(min=2, max=8),
                              metadata={"description": "only warehouses that ship to this market"})
    active = ma.fields.Boolean()


class WarehouseBriefSchema(ma.Schema):
    id = ma.fields.String()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    country = ma.fields.String()
    market_code = ma.fields.String(allow_none=True)


class WarehouseSchema(WarehouseBriefSchema):
    address = ma.fields.Dict()
    serves_every_market = ma.fields.Boolean()
    seller_id = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
