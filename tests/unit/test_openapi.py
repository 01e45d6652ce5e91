"""The OpenAPI document: valid 3.1, every catalogue operation with its parameters,
bodies, responses and errors; docs/api.md's table generated from it; the JSON 404 of
unknown routes is the same locally and in the packaged template."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from openapi_spec_validator import validate

import app  # noqa: F401 - registers every operation
from chalicelib.openapi import ERROR_STATUSES, docs_page, openapi_document, path_parameters
from chalicelib.ops import CATALOGUE
from local_aws.api_gateway import NOT_FOUND_BODY
from local_aws.template import load_template

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = openapi_document()


def _operations() -> dict[str, tuple[str, str, dict]]:
    return {
        operation["operationId"]: (method.upper(), path, operation)
        for path, methods in DOCUMENT["paths"].items()
        for method, operation in methods.items()
    }


def test_the_document_is_valid_openapi_3_1_with_every_operation():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"
    operations = _operations()
    assert len(operations) >= 56
    assert set(operations) == set(CATALOGUE)
    for name, (method, path, _) in operations.items():
        assert (CATALOGUE[name].method, CATALOGUE[name].path) == (method, path)


def test_path_parameters_query_parameters_and_bodies_come_from_the_input_models():
    operations = _operations()
    _, _, get_validation = operations["get_validation"]
    assert [(p["name"], p["in"], p["required"]) for p in get_validation["parameters"]] == [
        ("validation_id", "path", True),
        ("include_content", "query", False),
    ]
    assert get_validation["parameters"][0]["schema"]["pattern"] == "^[0-9a-f]{32}$"
    _, _, listing = operations["list_validations"]
    query = {p["name"]: p for p in listing["parameters"] if p["in"] == "query"}
    assert query["limit"]["schema"]["maximum"] == 100 and not query["limit"]["required"]
    assert all({"type": "null"} not in p["schema"].get("anyOf", []) for p in query.values())
    _, _, validate_content = operations["validate_content"]
    body = validate_content["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["content"] and body["additionalProperties"] is False
    _, _, approve = operations["approve"]
    approve_body = approve["requestBody"]["content"]["application/json"]["schema"]
    assert "validation_id" not in approve_body["properties"]  # the path carries it


def test_every_operation_documents_its_success_and_error_responses_and_the_bearer_scheme():
    assert DOCUMENT["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert DOCUMENT["security"] == [{"bearer": []}]
    for name, (method, path, operation) in _operations().items():
        op = CATALOGUE[name]
        responses = operation["responses"]
        assert str(op.success_status) in responses, name
        assert {"400", "401", "403", "404", "503"} <= set(responses), name
        assert ("409" in responses) == (not op.read_only), name
        assert ("413" in responses) == ("415" in responses) == (method in ("POST", "PUT", "PATCH")), name
        assert operation["tags"] == [op.category]
        assert operation["x-tbcv-read-only"] == op.read_only
        for parameter in path_parameters(path):
            assert any(p["name"] == parameter and p["in"] == "path" for p in operation["parameters"])
    error = DOCUMENT["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["properties"]["code"]["enum"]) >= {code for code, _ in ERROR_STATUSES.values()}


def test_the_docs_page_loads_pinned_swagger_ui_with_integrity_hashes():
    page = docs_page("openapi.json")
    assert "swagger-ui-dist@5.35.0/swagger-ui-bundle.js" in page
    assert page.count('integrity="sha384-') == 2
    assert '"openapi.json"' in page


def test_the_api_doc_table_is_generated_and_current():
    spec = importlib.util.spec_from_file_location("gen_api_doc", ROOT / "scripts" / "gen_api_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == module.render(current), "docs/api.md is out of date: run python scripts/gen_api_doc.py"
    for name in CATALOGUE:
        assert f"| `{name}` |" in current


def test_unknown_routes_answer_the_same_json_404_locally_and_in_the_packaged_template():
    response = load_template()["Resources"]["UnknownRouteResponse"]["Properties"]
    assert response["ResponseType"] == "MISSING_AUTHENTICATION_TOKEN" and response["StatusCode"] == "404"
    assert json.loads(response["ResponseTemplates"]["application/json"]) == NOT_FOUND_BODY
