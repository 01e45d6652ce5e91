"""A stateless MCP server over the operation catalogue (Streamable HTTP, JSON responses).

Two protocol eras share one dispatcher:
- handshake era (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25): `initialize`, then
  requests carrying the `MCP-Protocol-Version` header (absent = 2025-03-26);
- stateless 2026-07-28: no handshake; every request carries the version, client info and
  capabilities in `params._meta`, mirrored in `MCP-Protocol-Version`, `Mcp-Method` and
  `Mcp-Name` headers (a mismatch is -32020, an unknown version -32022); `server/discover`
  tells the client what the server speaks.

Messages are validated with the `mcp_types` models; tool failures are results with
`isError`, protocol failures JSON-RPC errors. Nothing here raises to the caller: every
input gets an HTTP status and a JSON body (or 202 for notifications).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mcp_types import (
    CLIENT_CAPABILITIES_META_KEY,
    PROTOCOL_VERSION_META_KEY,
    SERVER_INFO_META_KEY,
    CallToolRequestParams,
    CallToolResult,
    DiscoverResult,
    Implementation,
    InitializeRequestParams,
    InitializeResult,
    ListToolsResult,
    PaginatedRequestParams,
    ServerCapabilities,
    TextContent,
    ToolsCapability,
)
from mcp_types.jsonrpc import (
    HEADER_MISMATCH,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    UNSUPPORTED_PROTOCOL_VERSION,
)
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION, MODERN_PROTOCOL_VERSIONS
from pydantic import ValidationError

from chalicelib import metrics
from chalicelib.mcp import tools
from chalicelib.ops.catalogue import CATALOGUE, field_of, invoke
from chalicelib.ops.errors import OperationError

DEFAULT_HEADER_VERSION = "2025-03-26"  # a handshake-era request without the header
SERVER_INFO = Implementation(name="tbcv", title="TBCV documentation validation", version="0.1.0")
INSTRUCTIONS = (
    "TBCV validates Markdown documentation pages against rules and product truth tables. "
    "Validate content or S3 pages, review validations (approve/reject), generate and apply "
    "recommendations and enhancements, run batch workflows, and query statistics and the "
    "audit log. Tools that change state are refused while maintenance mode is on."
)
_STATUS = {
    PARSE_ERROR: 400,
    INVALID_REQUEST: 400,
    INVALID_PARAMS: 400,
    HEADER_MISMATCH: 400,
    UNSUPPORTED_PROTOCOL_VERSION: 400,
    METHOD_NOT_FOUND: 404,
}
_JSON = {"Content-Type": "application/json"}
_DUMP: dict[str, Any] = {"by_alias": True, "exclude_unset": True, "mode": "json"}


@dataclass(frozen=True, slots=True)
class HttpResult:
    status: int
    body: str
    headers: dict[str, str]


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


_LOOPBACK = ("localhost", "127.0.0.1", "::1")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None if unreadable."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


def origin_allowed(origin: str | None, allowed: tuple[str, ...], host: str | None = None) -> bool:
    """DNS-rebinding protection: browsers send Origin. Allowed: no Origin (not a browser), a
    configured origin, or the server's own loopback origin (the local web app), each compared
    by scheme, host and port exactly; another local port is another application."""
    if not origin:
        return True
    key = _origin_key(origin)
    if key is None:
        return False
    if any(key == _origin_key(candidate) for candidate in allowed):
        return True
    own = _origin_key(f"http://{host}") if host else None  # the local server speaks plain HTTP
    return own is not None and own[1] in _LOOPBACK and key == own


def too_large(limit: int) -> HttpResult:
    """413 with a JSON-RPC error: the body is refused before it is parsed."""
    return _error(None, RpcError(INVALID_REQUEST, f"Invalid Request: the body is larger than {limit} bytes"), 413)


def handle(body: bytes | None, headers: dict[str, str], context_factory: Callable[[], Any]) -> HttpResult:
    """One POST to /mcp. `headers` lower-cased; `context_factory()` builds the caller's
    operation context (only tool calls need one)."""
    try:
        message = json.loads(body or b"")
    except (ValueError, RecursionError):
        return _error(None, RpcError(PARSE_ERROR, "Parse error: the body is not valid JSON"))
    if not isinstance(message, dict):
        return _error(
            None, RpcError(INVALID_REQUEST, "Invalid Request: send one JSON-RPC object (batches are not supported)")
        )
    if "method" not in message and ("result" in message or "error" in message):
        return HttpResult(202, "", {})  # a client's response to a server request: nothing to do
    request_id = message.get("id")
    if (
        message.get("jsonrpc") != "2.0"
        or not isinstance(message.get("method"), str)
        or (request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, (int, str))))
    ):
        return _error(
            request_id if isinstance(request_id, (int, str)) and not isinstance(request_id, bool) else None,
            RpcError(
                INVALID_REQUEST, "Invalid Request: need jsonrpc '2.0', a string method and a string or integer id"
            ),
        )
    params = message.get("params")
    if params is not None and not isinstance(params, dict):
        return _error(request_id, RpcError(INVALID_PARAMS, "params must be an object"))
    if "id" not in message:
        return HttpResult(202, "", {})  # notifications (initialized, cancelled, ...) need no answer
    try:
        if _is_modern(params, headers):
            version = _check_modern(message, params, headers)
            result = _dispatch_modern(message["method"], params or {}, context_factory)
        else:
            version = _check_handshake_header(headers)
            result = _dispatch_handshake(message["method"], params or {}, version, context_factory)
    except RpcError as error:
        return _error(request_id, error)
    return HttpResult(
        200, json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}, allow_nan=False, default=str), _JSON
    )


def _error(request_id: Any, error: RpcError, status: int | None = None) -> HttpResult:
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.data is not None:
        payload["data"] = error.data
    return HttpResult(
        status or _STATUS.get(error.code, 200),
        json.dumps({"jsonrpc": "2.0", "id": request_id, "error": payload}),
        _JSON,
    )


# --- eras ---------------------------------------------------------------------------------


def _is_modern(params: dict | None, headers: dict[str, str]) -> bool:
    meta = (params or {}).get("_meta")
    return (isinstance(meta, dict) and PROTOCOL_VERSION_META_KEY in meta) or headers.get(
        "mcp-protocol-version"
    ) in MODERN_PROTOCOL_VERSIONS


def _check_handshake_header(headers: dict[str, str]) -> str:
    version = headers.get("mcp-protocol-version") or DEFAULT_HEADER_VERSION
    if version not in HANDSHAKE_PROTOCOL_VERSIONS:
        raise RpcError(
            INVALID_REQUEST,
            f"Unsupported MCP-Protocol-Version {version!r}; supported: "
            f"{', '.join(HANDSHAKE_PROTOCOL_VERSIONS + MODERN_PROTOCOL_VERSIONS)}",
        )
    return version


def _check_modern(message: dict, params: dict | None, headers: dict[str, str]) -> str:
    """The 2026-07-28 envelope ladder: _meta keys, then headers, then the version."""
    meta = (params or {}).get("_meta")
    if not isinstance(meta, dict) or PROTOCOL_VERSION_META_KEY not in meta or CLIENT_CAPABILITIES_META_KEY not in meta:
        raise RpcError(
            INVALID_PARAMS,
            f"params._meta must carry {PROTOCOL_VERSION_META_KEY!r} and {CLIENT_CAPABILITIES_META_KEY!r}",
        )
    version = meta[PROTOCOL_VERSION_META_KEY]
    if headers.get("mcp-protocol-version") != version:
        raise RpcError(HEADER_MISMATCH, "MCP-Protocol-Version header does not match params._meta's protocol version")
    if headers.get("mcp-method") != message["method"]:
        raise RpcError(HEADER_MISMATCH, "Mcp-Method header does not match the request's method")
    if (
        message["method"] == "tools/call"
        and (params or {}).get("name") is not None
        and headers.get("mcp-name") != (params or {}).get("name")
    ):
        raise RpcError(HEADER_MISMATCH, "Mcp-Name header does not match params.name")
    if not isinstance(version, str):
        raise RpcError(INVALID_PARAMS, "the protocol version must be a string")
    if version not in MODERN_PROTOCOL_VERSIONS:
        raise RpcError(
            UNSUPPORTED_PROTOCOL_VERSION,
            "Unsupported protocol version",
            {"supported": list(MODERN_PROTOCOL_VERSIONS), "requested": version},
        )
    return version


def _capabilities() -> ServerCapabilities:
    return ServerCapabilities(tools=ToolsCapability(list_changed=False))


def _dispatch_handshake(method: str, params: dict, version: str, context_factory) -> dict:
    if method == "initialize":
        request = _validated(InitializeRequestParams, params)
        chosen = (
            request.protocol_version
            if request.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS
            else LATEST_HANDSHAKE_VERSION
        )
        return InitializeResult(
            protocol_version=chosen, capabilities=_capabilities(), server_info=SERVER_INFO, instructions=INSTRUCTIONS
        ).model_dump(**_DUMP)
    if method == "ping":
        return {}
    if method == "tools/list":
        return _list_tools(params, modern=False)
    if method == "tools/call":
        return _call_tool(params, context_factory, modern=False)
    raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}")


def _dispatch_modern(method: str, params: dict, context_factory) -> dict:
    if method == "server/discover":
        result = DiscoverResult(
            supported_versions=[*MODERN_PROTOCOL_VERSIONS, *HANDSHAKE_PROTOCOL_VERSIONS],
            capabilities=_capabilities(),
            instructions=INSTRUCTIONS,
            result_type="complete",
            ttl_ms=0,
            cache_scope="private",
        )
        return _stamped(result.model_dump(**_DUMP))
    if method == "tools/list":
        return _stamped(_list_tools(params, modern=True))
    if method == "tools/call":
        return _stamped(_call_tool(params, context_factory, modern=True))
    raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}")


def _stamped(result: dict) -> dict:
    result.setdefault("_meta", {})[SERVER_INFO_META_KEY] = SERVER_INFO.model_dump(**_DUMP)
    return result


def _validated(model, params: dict):
    try:
        return model.model_validate(params)
    except ValidationError as error:
        raise RpcError(INVALID_PARAMS, f"Invalid params: {field_of(error)[1]}") from None


# --- tools --------------------------------------------------------------------------------


def _list_tools(params: dict, *, modern: bool) -> dict:
    request = _validated(PaginatedRequestParams, params)
    try:
        items, next_cursor = tools.page(request.cursor)
    except ValueError as error:
        raise RpcError(INVALID_PARAMS, f"Invalid params: cursor: {error}") from None
    result: dict[str, Any] = {"tools": items}
    if next_cursor:
        result["nextCursor"] = next_cursor
    if modern:
        result.update(resultType="complete", ttlMs=0, cacheScope="private")
    ListToolsResult.model_validate(result)
    return result


def _call_tool(params: dict, context_factory, *, modern: bool) -> dict:
    request = _validated(CallToolRequestParams, params)
    if request.name not in CATALOGUE:
        raise RpcError(INVALID_PARAMS, f"Unknown tool: {request.name!r}; tools/list names every tool")
    error_type = None
    try:
        output = invoke(request.name, context_factory(), request.arguments or {})
        result = CallToolResult(
            content=[TextContent(type="text", text=json.dumps(output, default=str))],
            structured_content=output,
            is_error=False,
        )
    except OperationError as error:
        error_type = error.code
        result = _tool_error(error.to_dict()["error"])
    except Exception:  # a bug or an outage: the caller gets a result, the logs the traceback
        from chalicelib.observability import logger

        error_type = "internal"
        logger.exception("tool failed", extra={"operation": request.name})
        result = _tool_error(
            {"code": "internal", "message": f"{request.name} failed with an internal error; see the server logs"}
        )
    metrics.mcp_call(request.name, error_type)
    if modern:
        result.result_type = "complete"
    return result.model_dump(**_DUMP)


def _tool_error(error: dict) -> CallToolResult:
    where = f" (field: {error['field']})" if error.get("field") else ""
    text = f"{error['code']}: {error['message']}{where}"
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


__all__ = ["HttpResult", "handle", "origin_allowed", "too_large"]
