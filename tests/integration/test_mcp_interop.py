"""Interop: the official MCP Python SDK client (`mcp.Client`) against /mcp served over
HTTP, in the handshake era (legacy mode) and the stateless 2026-07-28 era (auto mode)."""

from __future__ import annotations

import socket
import threading

import anyio
import httpx2
import jsonschema
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from chalicelib.ops import CATALOGUE

PAGE = "---\ntitle: Hello\n---\n\n# Hello\n\nSome text.\n"


@pytest.fixture
def endpoint(aws):
    """The Chalice app over HTTP on a free port, backed by the in-process local AWS."""
    from chalice.config import Config
    from chalice.local import LocalDevServer

    import app as chalice_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = LocalDevServer(chalice_app.app, Config.create(chalice_stage="local", app_name="tbcv"), "127.0.0.1", port)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/mcp"
    server.shutdown()
    server.server.server_close()


def run_client(url: str, mode: str, body, token: str = "test-token"):
    """Connect with `mode`, run `body(client)` and return what it returns."""

    async def main():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            transport = streamable_http_client(url, http_client=http)
            async with Client(transport, mode=mode) as client:
                return await body(client)

    return anyio.run(main)


async def list_all_tools(client):
    tools, cursor = [], None
    while True:
        result = await client.list_tools(cursor=cursor)
        tools += result.tools
        cursor = result.next_cursor
        if not cursor:
            return client.protocol_version, tools


def call_for(category: str, tools, validation_id: str) -> tuple[str, dict]:
    """A tool of `category` that needs at most a validation id: read-only ones first, then
    those with fewer required arguments."""
    candidates = sorted(
        (not t.annotations.read_only_hint, len(t.input_schema.get("required", [])), t.name)
        for t in tools
        if CATALOGUE[t.name].category == category and set(t.input_schema.get("required", [])) <= {"validation_id"}
    )
    name = candidates[0][-1]
    properties = next(t for t in tools if t.name == name).input_schema["properties"]
    return name, ({"validation_id": validation_id} if "validation_id" in properties else {})


@pytest.mark.parametrize("mode, expected_version", [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
def test_the_sdk_client_negotiates_the_version_and_lists_every_tool(endpoint, mode, expected_version):
    version, tools = run_client(endpoint, mode, list_all_tools)
    assert version == expected_version
    assert sorted(t.name for t in tools) == sorted(CATALOGUE)
    assert len(tools) == len(CATALOGUE) >= 56  # SPEC §7: at least 56 operations


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_the_sdk_client_calls_a_tool_of_each_category_with_output_matching_its_schema(endpoint, mode):
    async def body(client):
        _, tools = await list_all_tools(client)
        schemas = {t.name: t.output_schema for t in tools}
        created = await client.call_tool("validate_content", {"content": PAGE, "path": "en/hello.md"})
        results = {"validation": ("validate_content", created, schemas["validate_content"])}
        validation_id = created.structured_content["validation_id"]
        for category in sorted({op.category for op in CATALOGUE.values()} - {"validation"}):
            name, arguments = call_for(category, tools, validation_id)
            results[category] = (name, await client.call_tool(name, arguments), schemas[name])
        return results

    results = run_client(endpoint, mode, body)
    assert {"validation", "admin", "query"} <= set(results)
    for name, result, schema in results.values():
        assert result.is_error is False, (name, result.content)
        jsonschema.validate(result.structured_content, schema)
    assert results["validation"][1].structured_content["document"]["key"].endswith("/hello.md")


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_the_sdk_client_sees_invalid_arguments_as_an_error_result_naming_the_field(endpoint, mode):
    async def body(client):
        return await client.call_tool("get_validation", {"validation_id": "not-an-id"})

    result = run_client(endpoint, mode, body)
    assert result.is_error is True
    assert "validation_id" in result.content[0].text
