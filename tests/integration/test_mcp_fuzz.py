"""Hypothesis fuzzing of every tool's arguments through /mcp: values drawn from each
tool's own inputSchema (valid shapes with hostile contents) and from arbitrary JSON. The
answer is always a result (maybe `isError`) or a -32602, never an HTTP 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.mcp.tools import all_tools
from tests.conftest import AUTH

TOOLS = {tool["name"]: tool for tool in all_tools()}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def from_schema(schema: dict) -> st.SearchStrategy:
    """Values shaped by a JSON schema (the subset pydantic emits: types, enums, patterns,
    lengths, bounds, arrays, objects with required properties, anyOf)."""
    if "anyOf" in schema:
        return st.one_of([from_schema(branch) for branch in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 40), 40))
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=min(schema.get("maxItems", 4), 4),
        )
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in schema["properties"].items() if k in required},
            optional={k: from_schema(v) for k, v in schema["properties"].items() if k not in required},
        )
    return JSON_VALUES


def arguments_for(tool: dict):
    properties = sorted(tool["inputSchema"]["properties"])
    junk = st.dictionaries(
        st.sampled_from(properties) | st.text(max_size=8) if properties else st.text(max_size=8),
        JSON_VALUES,
        max_size=4,
    )
    return from_schema(tool["inputSchema"]) | junk


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_no_arguments_ever_make_a_tool_call_fail_with_a_server_error(api, name):
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(arguments=arguments_for(TOOLS[name]))
    def check(arguments):
        body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        response = api.http.post("/mcp", headers=AUTH, body=json.dumps(body))
        assert response.status_code in (200, 400), response.body
        answer = response.json_body
        if response.status_code == 400:
            assert answer["error"]["code"] == -32602
            return
        result = answer["result"]
        assert result["content"] and result["content"][0]["type"] == "text"
        if result["isError"]:
            assert "internal" not in result["content"][0]["text"].split(":")[0], result["content"][0]["text"]
        else:
            assert isinstance(result["structuredContent"], dict)

    check()
