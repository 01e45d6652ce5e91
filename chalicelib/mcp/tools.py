"""Every catalogue operation as an MCP tool: the name is the operation name, the schemas
come from its pydantic input and output models (references inlined, so each schema stands
alone), the annotations from its declaration. Built once per process, in catalogue order
sorted by name, so `tools/list` is deterministic."""

from __future__ import annotations

import base64
import copy
from functools import lru_cache
from typing import Any

from chalicelib.ops.catalogue import CATALOGUE, Operation

PAGE_SIZE = 50


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace `$ref: #/$defs/X` by the definition itself and drop `$defs`: some MCP
    clients (and models) do not resolve references. Models here are not recursive."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = resolve(copy.deepcopy(definitions[ref[len("#/$defs/") :]]))
                extra = {k: resolve(v) for k, v in node.items() if k != "$ref"}
                return {**target, **extra}
            return {k: resolve(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def input_schema(op: Operation) -> dict[str, Any]:
    schema = inline_refs(op.input_model.model_json_schema())
    schema.pop("title", None)
    schema.setdefault("properties", {})
    schema["additionalProperties"] = False
    return schema


def output_schema(op: Operation) -> dict[str, Any]:
    schema = inline_refs(op.output_model.model_json_schema(mode="serialization"))
    schema.pop("title", None)
    return schema


def tool_definition(op: Operation) -> dict[str, Any]:
    """The tool as a plain dict in wire form (camelCase), checked against mcp_types.Tool."""
    from mcp_types import Tool, ToolAnnotations

    tool = Tool(
        name=op.name,
        title=op.title,
        description=op.description,
        input_schema=input_schema(op),
        output_schema=output_schema(op),
        annotations=ToolAnnotations(
            title=op.title,
            read_only_hint=op.read_only,
            destructive_hint=op.destructive,
            idempotent_hint=op.idempotent,
            open_world_hint=False,
        ),
    )
    return tool.model_dump(by_alias=True, exclude_none=True, mode="json")


@lru_cache(maxsize=1)
def _all_tools(names: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    return tuple(tool_definition(CATALOGUE[name]) for name in names)


def all_tools() -> tuple[dict[str, Any], ...]:
    """Keyed on the catalogue's names, so a catalogue that grew gets a fresh list."""
    return _all_tools(tuple(sorted(CATALOGUE)))


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"tools:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor from `page` names; ValueError for anything else."""
    raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    prefix, _, number = raw.partition(":")
    if prefix != "tools" or not number.isdigit():
        raise ValueError("not a tools/list cursor")
    return int(number)


def page(cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    tools = all_tools()
    start = decode_cursor(cursor) if cursor else 0
    if start > len(tools):
        raise ValueError("cursor is past the end of the list")
    end = start + PAGE_SIZE
    return list(tools[start:end]), encode_cursor(end) if end < len(tools) else None
