"""The /mcp endpoint through the real Chalice routing: HTTP rules, both protocol eras,
tool definitions and results, JSON-RPC errors."""

from __future__ import annotations

import json

import jsonschema
import pytest

from chalicelib.ops import CATALOGUE
from tests.conftest import AUTH

MODERN = "2026-07-28"
META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
}
PAGE = "---\ntitle: Hello\n---\n\n# Hello\n\nSome text.\n"


def rpc(api, method, params=None, *, id=1, headers=None, raw=None):
    body = (
        raw
        if raw is not None
        else json.dumps(
            {"jsonrpc": "2.0", "id": id, "method": method, **({"params": params} if params is not None else {})}
        )
    )
    return api.http.post("/mcp", headers={**AUTH, **(headers or {})}, body=body)


def modern(api, method, params=None, *, name=None, headers=None):
    base = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method, **({"Mcp-Name": name} if name else {})}
    return rpc(api, method, {**(params or {}), "_meta": META}, headers={**base, **(headers or {})})


def result_of(response):
    assert response.status_code == 200, response.body
    return response.json_body["result"]


def error_of(response):
    return response.json_body["error"]


def all_tools(api, call=rpc):
    tools, cursor = [], None
    while True:
        result = result_of(call(api, "tools/list", {"cursor": cursor} if cursor else {}))
        tools += result["tools"]
        cursor = result.get("nextCursor")
        if not cursor:
            return tools


def call_tool(api, name, arguments):
    return result_of(rpc(api, "tools/call", {"name": name, "arguments": arguments}))


# --- HTTP ------------------------------------------------------------------------------------


def test_get_is_405_with_allow_post(api):
    response = api.http.get("/mcp", headers=AUTH)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_a_request_without_a_token_is_401_with_www_authenticate(api):
    response = api.http.post(
        "/mcp",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_401(api):
    response = rpc(api, "ping", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_a_foreign_origin_is_403_and_a_local_one_is_served(api):
    assert rpc(api, "ping", headers={"Origin": "https://evil.example"}).status_code == 403
    own = {"Origin": "http://localhost:3000", "Host": "localhost:3000"}
    assert rpc(api, "ping", headers=own).status_code == 200


def test_the_origin_check_compares_scheme_host_and_port_exactly(api):
    """Issue 15 row 10: another local port is another application; a rebinding name is refused."""
    for origin, host in [
        ("http://localhost:3000", "localhost:8000"),
        ("https://localhost:8000", "localhost:8000"),
        ("http://evil.example:8000", "evil.example:8000"),
        ("http://127.0.0.1:8000", "localhost:8000"),
    ]:
        assert rpc(api, "ping", headers={"Origin": origin, "Host": host}).status_code == 403, origin
    assert rpc(api, "ping", headers={"Origin": "http://127.0.0.1:8000", "Host": "127.0.0.1:8000"}).status_code == 200


def test_a_notification_is_accepted_with_202_and_no_body(api):
    response = rpc(api, "", raw=json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    assert response.status_code == 202
    assert response.body in (b"", "")


# --- handshake era ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
def test_initialize_agrees_to_each_handshake_version(api, version):
    result = result_of(
        rpc(
            api,
            "initialize",
            {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
        )
    )
    assert result["protocolVersion"] == version
    assert result["capabilities"]["tools"] == {"listChanged": False}
    assert result["serverInfo"]["name"] == "tbcv"
    assert "resultType" not in result


def test_initialize_with_an_unknown_version_answers_with_the_latest_handshake_version(api):
    result = result_of(
        rpc(
            api,
            "initialize",
            {"protocolVersion": "2023-01-01", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
        )
    )
    assert result["protocolVersion"] == "2025-11-25"


def test_a_request_without_the_version_header_is_served_as_2025_03_26(api):
    assert result_of(rpc(api, "ping")) == {}


def test_an_unsupported_version_header_is_400(api):
    response = rpc(api, "ping", headers={"MCP-Protocol-Version": "1999-01-01"})
    assert response.status_code == 400
    assert error_of(response)["code"] == -32600


# --- stateless 2026-07-28 -------------------------------------------------------------------


def test_server_discover_names_the_supported_versions(api):
    result = result_of(modern(api, "server/discover"))
    assert MODERN in result["supportedVersions"]
    assert result["resultType"] == "complete"
    assert result["capabilities"]["tools"] == {"listChanged": False}


def test_modern_tools_list_is_the_same_list(api):
    legacy = all_tools(api)
    assert all_tools(api, call=modern) == legacy


def test_a_method_header_that_disagrees_with_the_body_is_32020(api):
    response = modern(api, "tools/list", headers={"Mcp-Method": "tools/call"})
    assert response.status_code == 400
    assert error_of(response)["code"] == -32020


def test_a_name_header_that_disagrees_with_the_tool_is_32020(api):
    response = modern(api, "tools/call", {"name": "get_stats", "arguments": {}}, name="get_cache_stats")
    assert error_of(response)["code"] == -32020


def test_an_unsupported_modern_version_is_32022_listing_the_supported_ones(api):
    meta = {**META, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
    response = rpc(
        api, "tools/list", {"_meta": meta}, headers={"MCP-Protocol-Version": "2099-01-01", "Mcp-Method": "tools/list"}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == -32022
    assert error["data"] == {"supported": [MODERN], "requested": "2099-01-01"}


def test_a_modern_call_without_meta_is_32602(api):
    response = rpc(api, "tools/list", {}, headers={"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"})
    assert error_of(response)["code"] == -32602


def test_a_modern_tool_call_returns_structured_content(api):
    result = result_of(modern(api, "tools/call", {"name": "get_cache_stats", "arguments": {}}, name="get_cache_stats"))
    assert result["isError"] is False
    assert result["resultType"] == "complete"
    assert result["structuredContent"]["entries"] == 0


# --- JSON-RPC errors ---------------------------------------------------------------------------


def test_malformed_json_is_a_parse_error(api):
    response = rpc(api, "", raw="{not json")
    assert response.status_code == 400
    assert error_of(response) == {"code": -32700, "message": "Parse error: the body is not valid JSON"}


@pytest.mark.parametrize(
    "raw",
    [
        '[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]',
        '"ping"',
        '{"jsonrpc": "1.0", "id": 1, "method": "ping"}',
        '{"jsonrpc": "2.0", "id": 1}',
        '{"jsonrpc": "2.0", "id": true, "method": "ping"}',
    ],
)
def test_an_invalid_request_is_32600(api, raw):
    response = rpc(api, "", raw=raw)
    assert response.status_code == 400
    assert error_of(response)["code"] == -32600


def test_an_unknown_method_is_32601(api):
    response = rpc(api, "resources/list")
    assert response.status_code == 404
    assert error_of(response)["code"] == -32601


def test_an_unknown_tool_is_32602(api):
    response = rpc(api, "tools/call", {"name": "no_such_tool", "arguments": {}})
    assert error_of(response)["code"] == -32602
    assert "no_such_tool" in error_of(response)["message"]


def test_arguments_that_are_not_an_object_are_32602(api):
    assert error_of(rpc(api, "tools/call", {"name": "get_stats", "arguments": [1]}))["code"] == -32602


def test_a_cursor_that_the_server_did_not_issue_is_32602(api):
    assert error_of(rpc(api, "tools/list", {"cursor": "bogus"}))["code"] == -32602


# --- tools ---------------------------------------------------------------------------------------


def test_tools_list_is_paginated_deterministic_and_covers_the_catalogue(api):
    first = result_of(rpc(api, "tools/list"))
    assert "nextCursor" in first or len(CATALOGUE) <= len(first["tools"])
    tools = all_tools(api)
    assert [t["name"] for t in tools] == sorted(CATALOGUE)
    assert len(tools) == len(CATALOGUE)
    assert all_tools(api) == tools


def _specific(schema: dict, where: str) -> None:
    """Every value is typed (type, enum, const or a union of typed branches); objects name
    their properties or type their values."""
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            _specific(branch, where)
        return
    assert "type" in schema or "enum" in schema or "const" in schema, f"{where} has no type"
    if schema.get("type") == "object":
        assert schema.get("properties") or isinstance(schema.get("additionalProperties"), dict), (
            f"{where} is a bare object"
        )
        for name, sub in schema.get("properties", {}).items():
            _specific(sub, f"{where}.{name}")
    if schema.get("type") == "array":
        assert isinstance(schema.get("items"), dict), f"{where} is an untyped array"
        _specific(schema["items"], f"{where}[]")


def test_every_tool_has_a_specific_input_schema(api):
    for tool in all_tools(api):
        schema = tool["inputSchema"]
        assert schema["type"] == "object" and schema["additionalProperties"] is False, tool["name"]
        for name, sub in schema["properties"].items():
            _specific(sub, f"{tool['name']}.{name}")
        assert set(schema.get("required", [])) <= set(schema["properties"]), tool["name"]
        jsonschema.Draft202012Validator.check_schema(schema)


# Reads that take no input at all; every other tool has typed properties (the contract
# check of DESIGN §6 drives agents through this).
NO_INPUT_TOOLS = {"get_system_status", "get_stats", "get_health_report", "get_cache_stats", "get_maintenance_status"}


def test_only_plain_reads_take_no_input(api):
    empty = {tool["name"] for tool in all_tools(api) if not tool["inputSchema"].get("properties")}
    assert empty <= NO_INPUT_TOOLS, empty - NO_INPUT_TOOLS


def test_every_tool_has_a_title_a_description_annotations_and_an_output_schema(api):
    for tool in all_tools(api):
        op = CATALOGUE[tool["name"]]
        assert tool["title"] == op.title and len(tool["description"]) > 20, tool["name"]
        assert tool["annotations"] == {
            "title": op.title,
            "readOnlyHint": op.read_only,
            "destructiveHint": op.destructive,
            "idempotentHint": op.idempotent,
            "openWorldHint": False,
        }
        assert tool["outputSchema"]["type"] == "object"
        jsonschema.Draft202012Validator.check_schema(tool["outputSchema"])


def test_a_tool_result_carries_structured_content_and_the_same_json_as_text(api):
    schema = next(t for t in all_tools(api) if t["name"] == "validate_content")["outputSchema"]
    result = call_tool(api, "validate_content", {"content": PAGE, "path": "en/hello.md"})
    assert result["isError"] is False
    jsonschema.validate(result["structuredContent"], schema)
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]


def test_invalid_arguments_are_an_error_result_naming_the_field(api):
    result = call_tool(api, "validate_content", {"content": PAGE, "profile": "loud"})
    assert result["isError"] is True
    assert "profile" in result["content"][0]["text"]
    assert "structuredContent" not in result


def test_an_operation_error_is_an_error_result_with_its_code(api):
    result = call_tool(api, "get_validation", {"validation_id": "0" * 32})
    assert result["isError"] is True
    assert result["content"][0]["text"].startswith("not_found:")


def test_the_tool_call_runs_as_the_token_principal(api):
    response = rpc(
        api,
        "tools/call",
        {"name": "validate_content", "arguments": {"content": PAGE}},
        headers={"Authorization": "Bearer reviewer-token"},
    )
    assert result_of(response)["structuredContent"]["created_by"] == "reviewer"
