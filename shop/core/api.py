"""The flask-smorest Api, the shared schemas and the list conventions (SPEC §8)."""
from __future__ import annotations

import re
from datetime import timezone

import marshmallow as ma
import pycountry
from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api as _Api
from flask_smorest import Blueprint

from shop.core.api_docs import ErrorResponsesPlugin, ProblemSchema, register_problem_responses
from shop.core.errors import InvalidIdempotencyKey, render_http_exception

__all__ = ["Api", "ProblemSchema"]  # ProblemSchema for alt_response(…, schema=ProblemSchema)


class Api(_Api):
    """flask-smorest's Api with our problem+json errors, rendered and documented."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return render_http_exception(error)

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ErrorResponsesPlugin()], **kwargs)

    def _register_responses(self):
        # flask-smorest documents its own error shape ({code: int, status: str}); ours is problem+json.
        register_problem_responses(self)


def validate_country(value) -> None:
    """Marshmallow validator: an ISO 3166-1 alpha-2 country code."""
    if not isinstance(value, str) or pycountry.countries.get(alpha_2=value) is None:
        raise ma.ValidationError(_l("Unknown country code."))


class StrictSchema(ma.Schema):
    """Unknown fields are errors, not silently dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class StrictInteger(ma.fields.Integer):
    """An integer that refuses floats and numeric strings (money and quantities)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


class UTCDateTimeField(ma.fields.AwareDateTime):
    """An aware datetime (naive input is taken as UTC) within years 1900–2200.

    Outside that range a zone offset can push the value past ``datetime.max`` when it
    is converted to UTC for storage; refuse it here as a validation error.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", timezone.utc)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            in_utc = result.astimezone(timezone.utc)
        except OverflowError:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None
        if not 1900 <= in_utc.year <= 2200:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return in_utc


class MoneySchema(ma.Schema):
    amount = ma.fields.Integer(required=True, metadata={"description": "minor units"})
    currency = ma.fields.String(required=True)
    formatted = ma.fields.String(required=True)


class PageArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=24, validate=ma.validate.Range(min=1, max=100))


def page_schema(item_schema, name: str):
    """A list envelope ``{"items": [...], "page", "per_page", "total"}``."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
            "total": ma.fields.Integer(),
        },
        name=name,
    )


def paginate(session, query, page: int, per_page: int) -> dict:
    """Run ``query`` (a select) for one page, with a count of the whole result."""
    from sqlalchemy import func, select

    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "page": page, "per_page": per_page, "total": total}


_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_\-:.]{8,100}")


def idempotency_key_parameter(description: str) -> dict:
    """The OpenAPI parameter of an optional ``Idempotency-Key`` header read by ``idempotency_key``."""
    return {"in": "header", "name": "Idempotency-Key", "required": False,
            "schema": {"type": "string", "minLength": 8, "maxLength": 100, "pattern": "^[A-Za-z0-9_\\-:.]+$"},
            "description": description}


def idempotency_key() -> str | None:
    """The request's ``Idempotency-Key`` (8 to 100 of ``A-Z a-z 0-9 - _ : .``), None without one;
    ``InvalidIdempotencyKey`` (422) when malformed."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if key and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidIdempotencyKey()
    return key or None


def init_app(app: Flask) -> Api:
    """The app's Api; packages then add their blueprints with ``register_blueprints``."""
    api = Api(app)
    app.extensions["dari.api"] = api
    return api


def register_blueprints(app: Flask, *blueprints: Blueprint) -> None:
    """Add a package's blueprints to the API (routes and their OpenAPI documentation)."""
    api = app.extensions["dari.api"]
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
