"""The CLI's client of the MCP endpoint (`$TBCV_API_URL/mcp`).

Stateless protocol 2026-07-28: every call is one POST carrying the protocol version and
client info in `params._meta` and the `MCP-Protocol-Version`/`Mcp-Method`/`Mcp-Name`
headers, so no handshake round trip. Standard library only at start-up, so commands start fast
(the `_meta` keys come from `mcp_types`, as the server's do, imported on the first request).
"""

from __future__ import annotations

import itertools
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROTOCOL_VERSION = "2026-07-28"
DEFAULT_URL = "http://127.0.0.1:8000"
CLIENT_INFO = {"name": "tbcv-cli", "version": "0.1.0"}


class ClientError(Exception):
    """The endpoint could not be used (down, wrong token, protocol error): exit code 2."""


class ToolError(Exception):
    """The operation ran and refused or failed (not found, invalid input, maintenance): exit code 1."""


def http_url(url: str, what: str) -> str:
    """`url` itself if its scheme is http or https. urllib would also open file:, ftp: and
    data: URLs, which neither the API nor an export's pre-signed URL ever is, so a
    misconfigured or hostile URL cannot make the CLI read local files."""
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ClientError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url


def find_token(start: Path | None = None) -> str | None:
    """TBCV_API_TOKEN, else `.tbcv/token` in the working directory or a parent (written by `make run`)."""
    token = os.environ.get("TBCV_API_TOKEN")
    if token:
        return token.strip()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".tbcv" / "token"
        if candidate.is_file():
            return candidate.read_text().strip() or None
    return None


@dataclass
class McpClient:
    base_url: str
    token: str | None
    timeout: float = 120.0

    @classmethod
    def from_environment(cls) -> McpClient:
        return cls(os.environ.get("TBCV_API_URL", DEFAULT_URL).rstrip("/"), find_token())

    def __post_init__(self):
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return f"{self.base_url}/mcp"

    def call(self, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one tool; its structured output, or ToolError with the server's message."""
        arguments = {k: v for k, v in (arguments or {}).items() if v is not None}
        result = self._request("tools/call", {"name": tool, "arguments": arguments}, name=tool)
        text = "".join(block.get("text", "") for block in result.get("content", []) if block.get("type") == "text")
        if result.get("isError"):
            raise ToolError(text or f"{tool} failed")
        if "structuredContent" in result:
            return result["structuredContent"]
        return json.loads(text)

    def list_tools(self) -> list[dict[str, Any]]:
        tools, cursor = [], None
        while True:
            result = self._request("tools/list", {"cursor": cursor} if cursor else {})
            tools += result["tools"]
            cursor = result.get("nextCursor")
            if not cursor:
                return tools

    def _request(self, method: str, params: dict[str, Any], *, name: str | None = None) -> dict[str, Any]:
        if not self.token:
            raise ClientError("no API token: set TBCV_API_TOKEN or run `make run`, which writes .tbcv/token")
        # The server's own protocol constants; imported here, on the first request, because
        # importing mcp_types costs more than the rest of a command's start-up.
        from mcp_types import CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY

        meta = {
            PROTOCOL_VERSION_META_KEY: PROTOCOL_VERSION,
            CLIENT_CAPABILITIES_META_KEY: {},
            CLIENT_INFO_META_KEY: CLIENT_INFO,
        }
        body = json.dumps(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": {**params, "_meta": meta}}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "Authorization": f"Bearer {self.token}",
            "MCP-Protocol-Version": PROTOCOL_VERSION,
            "Mcp-Method": method,
        }
        if name:
            headers["Mcp-Name"] = name
        request = urllib.request.Request(http_url(self.url, "TBCV_API_URL"), data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310  # http_url allowed http(s) only
                payload = json.loads(response.read())
        except urllib.error.HTTPError as error:
            payload = self._error_payload(error)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ClientError(
                f"cannot reach the TBCV API at {self.base_url} ({reason}); "
                "is it running (`make run`) and is TBCV_API_URL right?"
            ) from None
        except ValueError:
            raise ClientError(f"{self.url} did not answer with JSON; is TBCV_API_URL the API's base URL?") from None
        if "error" in payload:
            rpc_error = payload["error"]
            raise ClientError(f"MCP error {rpc_error.get('code')}: {rpc_error.get('message')}")
        return payload["result"]

    def _error_payload(self, error: urllib.error.HTTPError) -> dict[str, Any]:
        if error.code == 401:
            raise ClientError("the API refused the token (401); check TBCV_API_TOKEN or .tbcv/token") from None
        if error.code == 403:
            raise ClientError("the API refused this client (403)") from None
        try:
            payload = json.loads(error.read())
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not ("error" in payload or "result" in payload):
            raise ClientError(f"{self.url} answered HTTP {error.code}; is TBCV_API_URL the API's base URL?") from None
        return payload
