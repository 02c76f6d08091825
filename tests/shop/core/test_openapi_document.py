"""The OpenAPI document, walked: errors are Problems, credentials and throttles are documented (issue 21)."""
from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from shop.core.errors import PROBLEM_MIMETYPE

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _response(document, response: dict) -> dict:
    ref = response.get("$ref")
    return document["components"]["responses"][ref.rsplit("/", 1)[1]] if ref else response


def test_the_document_is_valid_openapi(document):
    validate(document)
    assert len(list(_operations(document))) > 130


def test_every_error_response_is_a_problem(document):
    errors = 0
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                content = _response(document, response)["content"]
                assert list(content) == [PROBLEM_MIMETYPE], (method, path, status)
                assert content[PROBLEM_MIMETYPE]["schema"] == {"$ref": "#/components/schemas/Problem"}
                errors += 1
    assert errors > 500
    assert "Error" not in document["components"]["schemas"]  # flask-smorest's own shape is gone


def test_the_problem_schema_is_rfc_9457_with_a_code(document):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "code", "errors"}
    assert problem["properties"]["code"]["type"] == "string" and problem["properties"]["status"]["type"] == "integer"
    assert problem.get("additionalProperties") is not False  # problems may add members (lines, retry_after)


def test_operations_that_take_a_token_document_401_and_roles_403(document):
    needing = 0
    for path, method, operation in _operations(document):
        security = operation.get("security") or []
        if not any("bearerAuth" in requirement for requirement in security):
            continue
        responses = operation["responses"]
        assert "401" in responses, (method, path)
        assert "WWW-Authenticate" in _response(document, responses["401"])["headers"]
        if {} not in security:
            needing += 1
            if path.startswith(("/api/v1/seller/", "/api/v1/admin/")):
                assert "403" in responses, (method, path)
    assert needing > 100


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/store/products"),
    ("get", "/api/v1/store/markets"),
    ("post", "/api/v1/store/carts"),
    ("get", "/api/v1/store/carts/{cart_id}"),
    ("get", "/api/v1/store/orders/{order_id}"),
    ("post", "/api/v1/store/orders/{order_id}/returns"),
])
def test_guests_need_no_token(document, method, path):
    security = document["paths"][path][method].get("security")
    assert security is None or {} in security


def test_ids_in_the_path_document_404_and_writes_409(document):
    for path, method, operation in _operations(document):
        if "{" in path:
            assert "404" in operation["responses"], (method, path)
        if method != "get":
            assert "409" in operation["responses"], (method, path)


@pytest.mark.parametrize("method, path, statuses", [
    ("post", "/api/v1/auth/token", {"429"}),
    ("post", "/api/v1/store/carts/{cart_id}/checkout", {"409", "422", "429", "503"}),
    ("post", "/api/v1/store/orders/{order_id}/payment", {"404", "409", "503"}),
    ("get", "/api/v1/admin/jobs", {"503"}),
    ("post", "/api/v1/payments/stripe/webhook", {"400", "503"}),
])
def test_throttled_and_provider_backed_operations_say_so(document, method, path, statuses):
    responses = document["paths"][path][method]["responses"]
    assert statuses <= set(responses)
    if "429" in statuses:
        assert "Retry-After" in _response(document, responses["429"])["headers"]


def test_every_operation_has_a_markdown_summary(document):
    for path, method, operation in _operations(document):
        assert operation.get("summary"), (method, path)
    # reStructuredText literals do not render in the docs: Markdown everywhere.
    assert "``" not in str(document)


def test_a_body_is_required_only_where_a_field_is(document, app):
    schemas = document["components"]["schemas"]
    for path, method, operation in _operations(document):
        body = operation.get("requestBody")
        if not body or "application/json" not in body["content"]:
            continue
        schema = body["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        assert body.get("required", False) == bool(schema.get("required")), (method, path)


def test_a_patch_without_a_body_is_accepted_as_documented(app, document, factory):
    buyer = factory.user()
    response = app.test_client().post("/api/v1/store/carts", json={"market": "US"}, headers=factory.headers(buyer))
    cart_id = response.get_json()["id"]
    assert document["paths"]["/api/v1/store/carts/{cart_id}"]["patch"]["requestBody"]["required"] is False
    response = app.test_client().patch(f"/api/v1/store/carts/{cart_id}", headers=factory.headers(buyer))
    assert response.status_code == 200


def test_nullable_fields_are_documented_nullable(document):
    collection = document["components"]["schemas"]["StoreCollection"]["properties"]
    assert collection["title"]["type"] == "string" and collection["title"]["nullable"] is True


def test_a_validation_problem_says_what_is_wrong_in_a_sentence(app, db_session):
    response = app.test_client().post("/api/v1/store/carts", json={"market": "US", "surprise": 1},
                                      headers={"Accept-Language": "de"})
    assert response.status_code == 422 and response.mimetype == PROBLEM_MIMETYPE
    body = response.get_json()
    assert body["code"] == "validation_error" and "surprise" in body["errors"]
    assert body["detail"] == "Einige Felder fehlen oder sind ungültig: errors nennt welche und warum."


def _inline(document, node):
    """The schema with every ``$ref`` replaced by what it names (the document has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(document, document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        return {key: _inline(document, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(document, value) for value in node]
    return node


def test_the_journeys_have_examples_that_fit_their_schemas(document):
    from openapi_schema_validator import OAS30Validator

    examples = []
    for path, method, operation in _operations(document):
        media = [*operation.get("requestBody", {}).get("content", {}).values(),
                 *(m for r in operation["responses"].values() for m in r.get("content", {}).values())]
        for item in media:
            if "example" in item:
                OAS30Validator(_inline(document, item["schema"])).validate(item["example"])
                assert '"string"' not in json.dumps(item["example"]), (method, path)  # real data, not placeholders
                examples.append((method, path))
    journeys = {("get", "/api/v1/store/products"), ("post", "/api/v1/store/carts"),
                ("post", "/api/v1/store/carts/{cart_id}/lines"), ("get", "/api/v1/store/orders/{order_id}"),
                ("post", "/api/v1/store/orders/{order_id}/returns"), ("post", "/api/v1/seller/products"),
                ("get", "/api/v1/admin/shipments/{shipment_id}"),
                ("post", "/api/v1/admin/shipments/{shipment_id}/pack")}
    assert journeys <= set(examples)
