"""Issue 15 row 8: text that is not valid Unicode, deeply nested bodies, oversized MCP bodies
and DELETE bodies are refused with a clear 4xx / JSON-RPC error, never a 500."""

from __future__ import annotations

import json

from tests.conftest import AUTH


def test_a_lone_surrogate_in_content_is_400_naming_the_field(api):
    body = '{"content": "# Title\\n\\ntext \\ud800 here\\n"}'
    response = api.http.post("/v1/validations", headers=AUTH, body=body)
    assert response.status_code == 400, response.body
    assert response.json_body["error"]["field"] == "content"


def test_invalid_utf8_is_400(api):
    response = api.http.post("/v1/validations", headers=AUTH, body=b'{"content": "\xff\xfe"}')
    assert response.status_code == 400 and response.json_body["error"]["field"] == "body"


def test_a_deeply_nested_body_is_400_not_500(api):
    for depth in (40, 100_000):
        body = '{"content": "x", "family": ' + "[" * depth + "]" * depth + "}"
        response = api.http.post("/v1/validations", headers=AUTH, body=body)
        assert response.status_code == 400, (depth, response.status_code)


def test_mcp_refuses_deep_nesting_and_oversized_bodies(api):
    deep = {"name": "get_validation", "arguments": {"validation_id": "0" * 32, "x": json.loads("[" * 50 + "]" * 50)}}
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": deep}
    result = api.http.post("/mcp", headers=AUTH, body=json.dumps(call)).json_body["result"]
    assert result["isError"] and "nested deeper" in result["content"][0]["text"]
    raw = '{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api.http.post("/mcp", headers=AUTH, body=raw)
    assert response.status_code == 400 and response.json_body["error"]["code"] == -32700
    huge = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x" * (3 * 1024 * 1024)}})
    response = api.http.post("/mcp", headers=AUTH, body=huge)
    assert response.status_code == 413 and response.json_body["error"]["code"] == -32600


def test_delete_refuses_a_body_it_cannot_use(api):
    created = api.http.post("/v1/validations", headers=AUTH, body=json.dumps({"content": "# T\n\ntext\n"}))
    validation_id = created.json_body["validation_id"]
    response = api.http.delete(f"/v1/validations/{validation_id}", headers=AUTH, body=json.dumps({"reason": "x"}))
    assert response.status_code == 400 and response.json_body["error"]["field"] == "reason"
    assert api.http.delete(f"/v1/validations/{validation_id}", headers=AUTH).status_code == 200
