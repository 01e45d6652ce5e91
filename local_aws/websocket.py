"""The WebSocket API of the local stack (`ws://127.0.0.1:${TBCV_WS_PORT:-8001}`), as API
Gateway runs it: the upgrade request goes to the `$connect` handler (a non-2xx answer
refuses it with that status), every frame to `$default`, the close to `$disconnect` —
the same Chalice handlers, called with API Gateway's event shape.

The way back is the Management API: `install_management_api` points moto's
apigatewaymanagementapi backend at the live sockets (as local_aws/executor.py does for
Lambda invokes), so `post_to_connection` through the local AWS sends a frame, and an
unknown connection answers 410 GoneException."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalice.local import LambdaContext
from moto.apigatewaymanagementapi.models import ApiGatewayManagementApiBackend
from moto.core.exceptions import JsonRESTError

if TYPE_CHECKING:  # imported when the server starts
    from websockets.asyncio.server import Server


MAX_MESSAGE_BYTES = 128 * 1024  # API Gateway's message limit; larger frames close with 1009


class GoneException(JsonRESTError):
    code = 410

    def __init__(self, connection_id: str):
        super().__init__("GoneException", f"connection {connection_id} is gone")


@dataclass
class LocalConnections:
    """The live connections the local Management API reaches: id -> (send, close)."""

    _sockets: dict[str, tuple[Callable[[bytes], None], Callable[[], None]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, connection_id: str, send: Callable[[bytes], None], close: Callable[[], None]) -> None:
        with self._lock:
            self._sockets[connection_id] = (send, close)

    def discard(self, connection_id: str) -> None:
        with self._lock:
            self._sockets.pop(connection_id, None)

    def _get(self, connection_id: str):
        with self._lock:
            found = self._sockets.get(connection_id)
        if found is None:
            raise GoneException(connection_id)
        return found

    def post(self, connection_id: str, data: bytes) -> None:
        self._get(connection_id)[0](data)

    def close(self, connection_id: str) -> None:
        self._get(connection_id)[1]()

    def __len__(self) -> int:
        return len(self._sockets)


def install_management_api(connections: LocalConnections) -> Callable[[], None]:
    """Deliver moto's Management API calls to `connections`; returns an uninstall function."""
    originals = {
        name: getattr(ApiGatewayManagementApiBackend, name)
        for name in ("post_to_connection", "delete_connection", "get_connection")
    }

    # moto hands over the id as it appears in the URL; API Gateway's ids end in "=".
    def post_to_connection(self, data: bytes, connection_id: str) -> None:
        connections.post(unquote(connection_id), data)

    def delete_connection(self, connection_id: str) -> None:
        connections.close(unquote(connection_id))

    def get_connection(self, connection_id: str):
        connections._get(unquote(connection_id))
        return originals["get_connection"](self, connection_id)

    # pointing moto's backend at the live sockets is the point (uninstall restores them)
    ApiGatewayManagementApiBackend.post_to_connection = post_to_connection  # type: ignore[method-assign]
    ApiGatewayManagementApiBackend.delete_connection = delete_connection  # type: ignore[method-assign]
    ApiGatewayManagementApiBackend.get_connection = get_connection  # type: ignore[method-assign]

    def uninstall() -> None:
        for name, original in originals.items():
            setattr(ApiGatewayManagementApiBackend, name, original)

    return uninstall


class LocalWebSocketApi:
    """Serves the app's WebSocket handlers on host:port in a thread with its own loop."""

    def __init__(self, app: Any, host: str, port: int, stage: str, connections: LocalConnections):
        self.app, self.host, self.port, self.stage = app, host, port, stage
        self.connections = connections
        self._handlers = {route: app.handler_map[config.name] for route, config in app.websocket_handlers.items()}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def _event(self, route: str, connection_id: str, headers: dict | None = None, body: str | None = None) -> dict:
        event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route,
                "eventType": event_type,
                "connectionId": connection_id,
                "apiId": "local",
                "stage": self.stage,
                "domainName": f"{self.host}:{self.port}",
                "requestId": uuid.uuid4().hex,
                "requestTimeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
        }
        if headers is not None:
            event["headers"] = headers
            event["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
        if body is not None:
            event["body"] = body
        return event

    def _call(self, route: str, event: dict) -> dict:
        return self._handlers[route](event, LambdaContext(f"websocket{route}", 1024, max_runtime_ms=30_000)) or {}

    async def _process_request(self, connection, request):
        """$connect: a non-2xx answer refuses the upgrade with that status and body."""
        from websockets.datastructures import Headers
        from websockets.http11 import Response

        connection_id = f"{uuid.uuid4().hex[:12]}="
        headers = {name: value for name, value in request.headers.raw_items()}
        reply = await asyncio.to_thread(self._call, "$connect", self._event("$connect", connection_id, headers))
        status = int(reply.get("statusCode", 200))
        if not 200 <= status < 300:
            body = (reply.get("body") or "").encode()
            return Response(
                status,
                HTTPStatus(status).phrase,
                Headers([("Content-Type", "application/json"), ("Content-Length", str(len(body)))]),
                body,
            )
        connection.tbcv_connection_id = connection_id
        return None

    async def _serve_connection(self, connection) -> None:
        connection_id = connection.tbcv_connection_id
        loop = asyncio.get_running_loop()

        def send(data: bytes) -> None:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            asyncio.run_coroutine_threadsafe(connection.send(text), loop).result(timeout=10)

        def close() -> None:
            asyncio.run_coroutine_threadsafe(connection.close(1000, "closed by the server"), loop)

        self.connections.add(connection_id, send, close)
        try:
            async for message in connection:
                body = message if isinstance(message, str) else message.decode("utf-8", "replace")
                await asyncio.to_thread(self._call, "$default", self._event("$default", connection_id, body=body))
        except Exception:  # noqa: BLE001 - a broken socket ends like a close
            pass
        finally:
            self.connections.discard(connection_id)
            await asyncio.to_thread(self._call, "$disconnect", self._event("$disconnect", connection_id))

    def start(self) -> LocalWebSocketApi:
        self._thread = threading.Thread(target=self._run, daemon=True, name="websocket-local")
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError(f"the local WebSocket API did not start on {self.url}")
        return self

    def _run(self) -> None:
        from websockets.asyncio.server import serve

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            async with serve(
                self._serve_connection,
                self.host,
                self.port,
                process_request=self._process_request,
                max_size=MAX_MESSAGE_BYTES,
                ping_interval=30,
                ping_timeout=30,
            ) as server:
                self._server = server
                self._ready.set()
                await server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(main())

    def stop(self) -> None:
        if self._server and self._loop:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread:
            self._thread.join(timeout=10)
