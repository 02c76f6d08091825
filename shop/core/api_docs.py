"""The OpenAPI description tells the truth about errors (SPEC §8): one ``Problem`` schema under
``application/problem+json`` for every error response, and the errors each operation can
answer derived from how it is declared rather than written out by hand on each view.

``ErrorResponsesPlugin`` runs on every operation as flask-smorest adds it to the document:

- 400 everywhere (a NUL character, an unsupported ``lang``, a body that is not JSON);
- 401 (with ``WWW-Authenticate``) where a bearer token is accepted: a bad one is refused even
  where a guest may come (``BEARER_OR_GUEST``); 403 where a role is needed, i.e. the
  ``/seller/`` and ``/admin/`` namespaces, which a guard in the app factory closes;
- 404 where the path names something; 409 on writes (a state conflict, or a concurrent
  change caught by the database); 422 where there is input to validate;
- what a view adds with ``@raises(...)``: 429 (with ``Retry-After``) where it is throttled,
  503 where it depends on a provider;
- ``default`` for anything else (413, 415, 500), also a Problem.

It also turns the reStructuredText literals of docstrings (````x````) into Markdown (```x```)
and marks a request body optional when its schema requires no field (the server then
accepts no body at all).
"""
from __future__ import annotations

import re
from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Blueprint
from flask_smorest.utils import prepare_response

from shop.core.errors import DEFAULT_RETRY_AFTER_SECONDS, PROBLEM_MIMETYPE, WWW_AUTHENTICATE

ROLE_NAMESPACES = ("/api/v1/seller/", "/api/v1/admin/")
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
_RST_LITERAL = re.compile(r"``(.+?)``")

# Response headers that a problem of this status always carries (``shop.core.errors.problem`` sets them).
PROBLEM_HEADERS = {
    401: {"WWW-Authenticate": {"description": f"The scheme to authenticate with: `{WWW_AUTHENTICATE}`.",
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before trying again "
                                         f"({DEFAULT_RETRY_AFTER_SECONDS} when the server cannot tell).",
                          "schema": {"type": "integer", "minimum": 1}}},
}


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document with Dari's stable ``code`` and per-field ``errors``.

    Some problems add members of their own (``lines`` out of stock, ``available_minor``,
    ``retry_after``, ``reason``): other properties are allowed.
    """

    class Meta:
        unknown = ma.INCLUDE
        ordered = True

    type = ma.fields.String(required=True, metadata={
        "description": "A URI naming the kind of problem; `about:blank` when `code` says it all.",
        "example": "about:blank"})
    title = ma.fields.String(required=True, metadata={
        "description": "A short summary in the request's language.", "example": "Not found."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code.", "example": 404})
    detail = ma.fields.String(metadata={
        "description": "What went wrong with this request, in the request's language.",
        "example": "The requested resource does not exist or is not yours."})
    instance = ma.fields.String(metadata={"description": "A URI of this occurrence, when there is one."})
    code = ma.fields.String(required=True, metadata={
        "description": "Stable snake_case code to branch on (the texts are translated).", "example": "not_found"})
    errors = ma.fields.Raw(metadata={
        "description": "Messages per field (nested like the input), for invalid input.",
        "example": {"quantity": ["Must be greater than or equal to 1."]}})


def register_problem_responses(api) -> None:
    """A response component per HTTP status (``NOT_FOUND``, ``CONFLICT``, …) and ``DEFAULT_ERROR``,
    each a ``Problem`` as ``application/problem+json``; flask-smorest's automatic responses
    (the 422 of ``arguments``, ``default``) refer to these by name."""
    spec = api.spec
    spec.components.schema("Problem", schema=ProblemSchema)
    for status in HTTPStatus:
        response = {"description": status.phrase}
        if status >= 400:
            response["schema"] = "Problem"
            if status in PROBLEM_HEADERS:
                response["headers"] = PROBLEM_HEADERS[status]
        prepare_response(response, spec, PROBLEM_MIMETYPE)
        spec.components.response(status.name, response, lazy=True)
    response = {"description": "Any other error (e.g. 413, 415, 500), as a problem document.", "schema": "Problem"}
    prepare_response(response, spec, PROBLEM_MIMETYPE)
    spec.components.response(api.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def raises(*statuses: int):
    """Document error statuses that the plugin cannot derive (429 where throttled, 503 where a
    provider is needed, a 409 on a read), e.g. ``@blp.doc`` … ``@raises(429, 503)``."""
    return Blueprint.doc(responses={str(status): HTTPStatus(status).name for status in statuses})


def markdown(text: str) -> str:
    """Docstring text as Markdown: reStructuredText ````literal```` becomes ```literal```."""
    return _RST_LITERAL.sub(r"`\1`", text)


class ErrorResponsesPlugin(BasePlugin):
    """apispec plugin completing each operation's error responses (see the module docstring)."""

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method not in ("get", "post", "put", "patch", "delete", "head", "options"):
                continue
            for key in ("summary", "description"):
                if operation.get(key):
                    operation[key] = markdown(operation[key])
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            for status in self._derived(path, method, operation):
                responses.setdefault(str(status), HTTPStatus(status).name)
            for status, response in responses.items():
                if isinstance(response, dict) and response.get("description"):
                    response["description"] = markdown(response["description"])
                if status == "default" or int(status) >= 400:
                    self._as_problem(int(status) if status != "default" else None, response)
            # Success first, then the errors by status, ``default`` last.
            operation["responses"] = dict(sorted(responses.items(), key=lambda item: (item[0] == "default", item[0])))
            self._optional_body(operation)

    @staticmethod
    def _derived(path: str, method: str, operation: dict) -> list[int]:
        statuses = [400]
        security = operation.get("security") or []
        if any("bearerAuth" in requirement for requirement in security):
            statuses.append(401)
            if {} not in security and path.startswith(ROLE_NAMESPACES):
                statuses.append(403)
        if "{" in path:
            statuses.append(404)
        if method in WRITE_METHODS:
            statuses.append(409)
        if operation.get("requestBody") or operation.get("parameters"):
            statuses.append(422)
        return statuses

    @staticmethod
    def _as_problem(status: int | None, response) -> None:
        if not isinstance(response, dict):
            return  # a component's name: those are problems already
        if "content" not in response:
            response["content"] = {PROBLEM_MIMETYPE: {"schema": "Problem"}}
        if status in PROBLEM_HEADERS:
            response.setdefault("headers", {}).update(PROBLEM_HEADERS[status])

    def _optional_body(self, operation: dict) -> None:
        body = operation.get("requestBody")
        if not body:
            return
        for media in body.get("content", {}).values():
            schema = media.get("schema") or {}
            ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
            if ref.startswith("#/components/schemas/"):
                schema = self.spec.components.schemas.get(ref.rsplit("/", 1)[1], {})
            if isinstance(schema, dict) and schema.get("type") == "object" and not schema.get("required"):
                body["required"] = False


def load_examples(package: str) -> dict:
    """A package's request and response examples (its ``data/api_examples.json``), taken from the
    demo data (``flask demo seed``), e.g. ``load_examples("shop.checkout")``."""
    import json
    from importlib.resources import files

    return json.loads((files(package) / "data" / "api_examples.json").read_text(encoding="utf-8"))
