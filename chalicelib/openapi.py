"""The OpenAPI 3.1 description of the REST API, generated from the operation catalogue.

Every operation contributes its method, path, parameters (path parameters from the path
template; for GET/DELETE the other input fields become query parameters, for
POST/PUT/PATCH they form the JSON body), its success response (the output model) and the
error responses it can give, all with the one error envelope. The document is built once
per process (`openapi_document()`); `/openapi.json` serves it, `/docs` renders it, and
`scripts/gen_api_doc.py` writes docs/api.md's route table from the same operations.

Operation metadata is read generically: a field added to `Operation` later (for example a
`role`) appears as an `x-tbcv-<field>` extension without a change here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from copy import deepcopy
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from chalicelib.ops import CATALOGUE
from chalicelib.ops.catalogue import CATEGORIES, Operation

API_TITLE = "TBCV API"
API_VERSION = "1.0.0"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_PATH_PARAMETER = re.compile(r"{([^}]+)}")
_REF = "#/components/schemas/{model}"

# The error envelope's codes by status (chalicelib/ops/errors.py); the description says when.
ERROR_STATUSES: dict[int, tuple[str, str]] = {
    400: ("invalid_input", "The input is invalid; `field` names the offending argument"),
    401: ("unauthorized", "No or an unknown bearer token (`field`: Authorization)"),
    403: ("forbidden", "The principal may not call this operation"),
    404: ("not_found", "A named item does not exist (`field` names its id)"),
    409: ("conflict", "The item changed meanwhile or is in a state that refuses this change"),
    413: ("payload_too_large", "The body or the document is larger than allowed (`field`: body or content)"),
    415: ("unsupported_media_type", "The body is not sent as application/json (`field`: Content-Type)"),
    503: ("unavailable", "Maintenance mode is on (writes are refused) or a service is unavailable"),
}

# Operation fields that become standard OpenAPI members; every other field is an extension.
_STANDARD_FIELDS = frozenset(
    {"name", "category", "title", "description", "method", "path", "input_model", "output_model", "handler"}
)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {
                    "type": "string",
                    "enum": sorted({code for code, _ in ERROR_STATUSES.values()} | {"internal"}),
                },
                "message": {"type": "string"},
                "field": {"type": "string", "description": "The argument, header or item id the error is about"},
            },
        }
    },
}


def path_parameters(path: str) -> list[str]:
    return _PATH_PARAMETER.findall(path)


def error_statuses(op: Operation) -> list[int]:
    """The error statuses an operation can answer. Every operation validates its input
    (400), needs a token (401), may be refused to a principal (403) and may name a missing
    item (404); a change can lose a race or meet a refusing state (409) and is refused
    under maintenance (503, the admin category excepted); a body can be too large (413) or not JSON (415)."""
    statuses = [400, 401, 403, 404]
    if not op.read_only:
        statuses.append(409)
    if op.method in BODY_METHODS:
        statuses.extend((413, 415))
    statuses.append(503)  # maintenance for writes; an unreachable service for every operation
    return statuses


def _component_schemas(operations: list[Operation]) -> tuple[dict, dict, dict]:
    """JSON schemas of every input (validation mode) and output (serialization mode)
    model, with shared definitions under components/schemas."""
    keys: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for op in operations:
        keys.append((op.input_model, "validation"))
        keys.append((op.output_model, "serialization"))
    unique = list(dict.fromkeys(keys))
    refs, document = models_json_schema(unique, ref_template=_REF)
    renamed = _readable_names(document.get("$defs", {}))
    refs = {key: json.loads(_rename(json.dumps(ref), renamed)) for key, ref in refs.items()}
    definitions = json.loads(_rename(json.dumps(document.get("$defs", {})), renamed))
    for new in renamed.values():  # generators name classes by title
        definitions[new]["title"] = new
    inputs = {model: refs[(model, "validation")] for model, mode in unique if mode == "validation"}
    outputs = {model: refs[(model, "serialization")] for model, mode in unique if mode == "serialization"}
    return inputs, outputs, definitions


def _readable_names(definitions: dict) -> dict[str, str]:
    """Pydantic qualifies models whose names collide (two modules' `BulkOut`) with their module
    path (`chalicelib__ops__recommendation__BulkOut`), which client generators refuse; they
    become `<Module><Name>` (`RecommendationBulkOut`). Operations name their models uniquely,
    so this only guards a future collision."""
    return {
        name: name.split("__")[-2].title().replace("_", "") + name.split("__")[-1]
        for name in definitions
        if "__" in name
    }


def _rename(text: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"').replace(
            f'"{old}":', f'"{new}":'
        )
    return text


def _query_schema(schema: dict) -> dict:
    """A query parameter is absent or a string, never null: drop the `null` branch of an
    optional field's `anyOf` (absent means the default)."""
    branches = [branch for branch in schema.get("anyOf", []) if branch != {"type": "null"}]
    if len(branches) != 1:
        return schema
    merged = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
    if schema.get("default") is not None:
        merged["default"] = schema["default"]
    return {**branches[0], **merged}


def _resolve(schema: dict, definitions: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return definitions[ref.rsplit("/", 1)[1]]
    return schema


def _operation_object(op: Operation, input_ref: dict, output_ref: dict, definitions: dict) -> dict:
    input_schema = _resolve(input_ref, definitions)
    properties: dict = input_schema.get("properties", {})
    required = set(input_schema.get("required", []))
    in_path = path_parameters(op.path)
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": properties.get(name, {"type": "string"}),
        }
        for name in in_path
    ]
    body_fields = {name: schema for name, schema in properties.items() if name not in in_path}
    result: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.title,
        "description": op.description,
        "tags": [op.category],
    }
    if op.method in BODY_METHODS:
        body = {
            "type": "object",
            "properties": body_fields,
            "additionalProperties": False,
        }
        body_required = sorted(required - set(in_path))
        if body_required:
            body["required"] = body_required
        result["requestBody"] = {
            "required": bool(body_required),
            "content": {"application/json": {"schema": body}},
        }
    else:
        parameters.extend(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": _query_schema(schema),
                **({"description": schema["description"]} if "description" in schema else {}),
            }
            for name, schema in body_fields.items()
        )
    if parameters:
        result["parameters"] = parameters
    responses: dict[str, Any] = {
        str(op.success_status): {
            "description": "Success",
            "content": {"application/json": {"schema": output_ref}},
        }
    }
    for status in error_statuses(op):
        responses[str(status)] = {"$ref": f"#/components/responses/{ERROR_STATUSES[status][0]}"}
    result["responses"] = responses
    for item in dataclasses.fields(op):
        if item.name not in _STANDARD_FIELDS:
            value = getattr(op, item.name)
            if value is not None:
                result[f"x-tbcv-{item.name.replace('_', '-')}"] = value
    return result


def build_document(operations: list[Operation], server_url: str | None = None) -> dict:
    inputs, outputs, definitions = _component_schemas(operations)
    paths: dict[str, dict] = {}
    for op in sorted(operations, key=lambda o: (o.path, o.method)):
        paths.setdefault(op.path, {})[op.method.lower()] = _operation_object(
            op, inputs[op.input_model], outputs[op.output_model], definitions
        )
    responses = {
        code: {
            "description": f"{status} {description}",
            "content": {"application/json": {"schema": {"$ref": _REF.format(model="Error")}}},
        }
        for status, (code, description) in ERROR_STATUSES.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": API_TITLE,
            "version": API_VERSION,
            "description": (
                "Truth-based content validation for Markdown documentation. Every operation of the "
                "catalogue, also offered as an MCP tool at POST /mcp. Errors share one envelope: "
                '{"error": {"code", "message", "field"}}. Live events: see docs/realtime.md.'
            ),
        },
        **({"servers": [{"url": server_url}]} if server_url else {}),
        "security": [{"bearer": []}],
        "tags": [{"name": category} for category in CATEGORIES],
        "paths": paths,
        "components": {
            "schemas": {**deepcopy(definitions), "Error": ERROR_SCHEMA},
            "responses": responses,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "TBCV_API_TOKEN, or a token of TBCV_API_TOKENS (`.tbcv/token` for `make run`)",
                }
            },
        },
    }


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """The document of the whole catalogue (relative paths: served from the API's root)."""
    return build_document(list(CATALOGUE.values()))


# Swagger UI from the npm registry's swagger-ui-dist, served by jsDelivr (which serves the
# published files unchanged); the integrity hashes pin the exact files of this version.
SWAGGER_UI_VERSION = "5.35.0"
_SWAGGER_UI_ASSETS = {
    "swagger-ui-bundle.js": "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
    "swagger-ui.css": "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
}


def swagger_ui_asset(name: str) -> tuple[str, str]:
    """(URL, subresource integrity) of one pinned Swagger UI file."""
    return f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}/{name}", _SWAGGER_UI_ASSETS[name]


def docs_page(openapi_url: str) -> str:
    """The interactive docs: Swagger UI reading `openapi_url` (relative, so the page works
    under any stage prefix). "Authorize" takes the bearer token."""
    script_url, script_integrity = swagger_ui_asset("swagger-ui-bundle.js")
    css_url, css_integrity = swagger_ui_asset("swagger-ui.css")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{API_TITLE}</title>
<link rel="stylesheet" href="{css_url}" integrity="{css_integrity}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{script_url}" integrity="{script_integrity}" crossorigin="anonymous"></script>
<script>
window.ui = SwaggerUIBundle({{url: new URL("{openapi_url}", window.location.href).href, dom_id: "#swagger-ui"}});
</script>
</body>
</html>
"""
