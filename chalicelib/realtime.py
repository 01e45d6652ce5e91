"""Live events over the API Gateway WebSocket API (docs/realtime.md).

`EventHub` is the publisher operations see as `context.events`: it posts each event as
one JSON frame to every connection subscribed to the event's topic, removes connections
API Gateway reports gone, and never raises (a push is best-effort; the change it
announces is already committed). `LiveSession` holds what the three WebSocket handlers of
app.py do: authenticate the upgrade request, run subscribe/unsubscribe/ping frames with
an error frame for anything wrong, and forget a connection on disconnect.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from chalicelib.auth import principal_for
from chalicelib.aws.push import Gone, ManagementApi
from chalicelib.observability import logger
from chalicelib.ops.catalogue import may_run
from chalicelib.ops.errors import Forbidden, InvalidInput, NotFound, OperationError, Unauthorized
from chalicelib.ops.events import TOPIC_PATTERN, workflow_event
from chalicelib.settings import Settings
from chalicelib.store.connections import Connection, ConnectionGone, ConnectionRepository, TooManySubscriptions
from chalicelib.store.errors import ItemNotFound

MAX_FRAME_BYTES = 8 * 1024  # a subscribe frame is ~80 bytes; API Gateway's own limit is 32 KiB
RATE_WINDOW_SECONDS = 10
RATE_LIMIT = 50  # frames per connection per window; more get an error frame and are ignored
FAN_OUT_THREADS = 8  # posts to different connections of one event run in parallel


class RateLimited(OperationError):
    code = "rate_limited"


def frame(topic: str | None, payload: dict[str, Any]) -> bytes:
    return json.dumps({"topic": topic, **payload}, separators=(",", ":")).encode()


def error_frame(error: OperationError, topic: str | None = None) -> bytes:
    return frame(topic, {"type": "error", **error.to_dict()})


class EventHub:
    def __init__(self, connections: ConnectionRepository, api: ManagementApi):
        self.connections, self.api = connections, api
        self._pool = ThreadPoolExecutor(max_workers=FAN_OUT_THREADS, thread_name_prefix="ws-push")

    def publish_all(self, events: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Post every (topic, payload) in order; each event reaches all its subscribers
        before the next one is posted, so one subscriber sees a topic's events in order.
        `events` may be a generator: it is consumed inside this guard."""
        try:
            for topic, payload in events:
                subscribers = self.connections.subscribers(topic)
                if subscribers:  # published_at: epoch ms, right after the change was committed
                    data = frame(topic, {**payload, "published_at": round(time.time() * 1000, 1)})
                    list(self._pool.map(lambda connection_id, d=data: self.send(connection_id, d), subscribers))
        except Exception:  # noqa: BLE001 - the change is committed; a failed push is only logged
            logger.exception("publishing live events failed")

    def send(self, connection_id: str, data: bytes) -> bool:
        """Post one frame; a gone connection is removed. False when not delivered."""
        try:
            self.api.post(connection_id, data)
            return True
        except Gone:
            self.connections.remove(connection_id)
        except Exception:  # noqa: BLE001 - one connection's failure must not stop the others
            logger.warning("posting to a connection failed", extra={"connection_id": connection_id}, exc_info=True)
        return False


@dataclass
class Reply:
    """What a WebSocket handler answers API Gateway: the status of the route's
    integration response (for $connect, 2xx accepts the upgrade) and a body."""

    status: int
    body: dict[str, Any]


class LiveSession:
    def __init__(self, settings: Settings, hub: EventHub, context_factory):
        self.settings, self.hub, self.context_for = settings, hub, context_factory

    # $connect ---------------------------------------------------------------------------
    def connect(self, connection_id: str, headers: dict[str, str]) -> Reply:
        """Bearer auth on the upgrade request. A refused upgrade gets HTTP 401 with the
        error envelope (there is no socket yet to carry a close code)."""
        lowered = {name.lower(): value for name, value in (headers or {}).items()}
        try:
            principal = principal_for(lowered.get("authorization"), self.settings)
        except Unauthorized as error:
            return Reply(401, error.to_dict())
        self.hub.connections.connect(connection_id, principal.name, principal.roles)
        return Reply(200, {})

    # $disconnect ------------------------------------------------------------------------
    def disconnect(self, connection_id: str) -> Reply:
        self.hub.connections.remove(connection_id)
        return Reply(200, {})

    # $default: every frame ----------------------------------------------------------------
    def message(self, connection_id: str, body: str | None) -> Reply:
        """Handle one frame; anything wrong gets an error frame naming the field."""
        topic = None
        try:
            connection = self.hub.connections.get(connection_id)
            if connection is None:  # its record expired or was removed: ask API Gateway to close it
                self._close(connection_id)
                return Reply(200, {})
            if self.hub.connections.count_message(connection_id, RATE_WINDOW_SECONDS) > RATE_LIMIT:
                raise RateLimited(
                    f"more than {RATE_LIMIT} frames in {RATE_WINDOW_SECONDS} s; this frame was ignored",
                    field="frame",
                )
            request = self._parse(body)
            topic = request.get("topic")
            self._dispatch(connection, request)
        except ConnectionGone:
            return Reply(200, {})
        except OperationError as error:
            self.hub.send(connection_id, error_frame(error, topic if isinstance(topic, str) else None))
        return Reply(200, {})

    def _parse(self, body: str | None) -> dict[str, Any]:
        raw = (body or "").encode("utf-8", "surrogatepass")
        if len(raw) > MAX_FRAME_BYTES:
            raise InvalidInput(f"frame is {len(raw)} bytes; at most {MAX_FRAME_BYTES}", field="frame")
        try:
            request = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("frame is not valid JSON", field="frame") from None
        if not isinstance(request, dict):
            raise InvalidInput("frame must be a JSON object", field="frame")
        action = request.get("action")
        if action not in ("subscribe", "unsubscribe", "ping"):
            raise InvalidInput("action must be subscribe, unsubscribe or ping", field="action")
        unknown = set(request) - {"action", "topic", "id"}
        if unknown:
            raise InvalidInput(f"unknown field {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
        if action != "ping":
            topic = request.get("topic")
            if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic):
                raise InvalidInput(
                    "topic must be 'validations', 'validation:<32 hex>' or 'workflow:<id>'", field="topic"
                )
        return request

    def _dispatch(self, connection, request: dict[str, Any]) -> None:
        action = request["action"]
        reply_id = {"id": request["id"]} if isinstance(request.get("id"), (str, int)) else {}
        if action == "ping":
            self.hub.send(connection.connection_id, frame(None, {"type": "pong", **reply_id}))
            return
        topic: str = request["topic"]  # (un)subscribe: _parse checked it
        if action == "unsubscribe":
            self.hub.connections.unsubscribe(connection.connection_id, topic)
            self.hub.send(connection.connection_id, frame(topic, {"type": "unsubscribed", **reply_id}))
            return
        try:
            self.hub.connections.subscribe(connection.connection_id, topic)
        except TooManySubscriptions:
            raise InvalidInput(
                f"a connection may subscribe to at most {self.settings.ws_max_subscriptions} topics",
                field="topic",
            ) from None
        # The current state is read after the subscription is stored: every change after
        # this read is pushed too, so a (re)subscribing client misses nothing.
        try:
            snapshot = self._snapshot(connection, topic)
        except (NotFound, Forbidden):  # nothing to follow there, or not for this caller
            self.hub.connections.unsubscribe(connection.connection_id, topic)
            raise
        self.hub.send(connection.connection_id, frame(topic, {"type": "subscribed", **reply_id}))
        if snapshot is not None:
            self.hub.send(connection.connection_id, frame(*snapshot))

    def _snapshot(self, connection: Connection, topic: str) -> tuple[str, dict[str, Any]] | None:
        kind, _, item_id = topic.partition(":")
        reading = "get_workflow" if kind == "workflow" else "get_validation"
        if not may_run(connection.roles, reading):  # a topic shows what that operation reads
            raise Forbidden(f"subscribing to {topic!r} needs a role that may run {reading}", field="topic")
        context = self.context_for(connection.principal, connection.roles)
        try:
            if kind == "workflow":
                return workflow_event(context.workflows.get(item_id), "snapshot")
            if kind == "validation":
                record = context.validations.get(item_id)
                return topic, {
                    "type": "snapshot",
                    "validation_id": item_id,
                    "review_status": record.review_status,
                    "outcome": record.outcome,
                    "version": record.version,
                }
        except ItemNotFound:
            raise NotFound(f"no {kind} {item_id!r}", field="topic") from None
        return None

    def _close(self, connection_id: str) -> None:
        with contextlib.suppress(Gone):
            self.hub.api.close(connection_id)
