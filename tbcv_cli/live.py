"""A client of the live-event WebSocket API (docs/realtime.md) that survives drops.

`LiveEvents(url, token, topics).frames()` yields every event frame of the topics. It
sends a heartbeat (`{"action": "ping"}`) when nothing arrived for `heartbeat` seconds and
reconnects when the heartbeat goes unanswered or the connection drops, with exponential
backoff; on every (re)subscribe the server sends the topic's current state (a `snapshot`
frame), so a client that was away misses no state. A refused connection (401/403) is not
retried: `Refused` says why.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DEFAULT_WS_URL = "ws://127.0.0.1:8001"
FINAL_STATES = frozenset({"completed", "failed", "cancelled"})


class Refused(Exception):
    """The server refused the connection (bad or missing token)."""


class Unavailable(Exception):
    """No connection could be made within the allowed attempts."""


def ws_url_from_environment() -> str:
    return os.environ.get("TBCV_WS_URL", DEFAULT_WS_URL)


@dataclass
class LiveEvents:
    url: str
    token: str | None
    topics: list[str]
    heartbeat: float = 15.0
    initial_backoff: float = 0.25
    max_backoff: float = 8.0
    max_attempts: int = 6  # consecutive failed connects before giving up
    reconnects: int = 0
    socket: Any = None  # the current connection (websockets.sync.client.ClientConnection)

    def _connect(self):
        from websockets.exceptions import InvalidStatus
        from websockets.sync.client import connect

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            return connect(self.url, additional_headers=headers, open_timeout=10, ping_interval=None, max_size=2**20)
        except InvalidStatus as error:
            status = error.response.status_code
            if status in (401, 403):
                raise Refused(_reason(error.response.body) or f"HTTP {status}") from None
            raise

    def frames(self) -> Iterator[dict]:
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        backoff, failures = self.initial_backoff, 0
        while True:
            try:
                socket = self._connect()
            except (OSError, InvalidHandshake, TimeoutError) as error:
                failures += 1
                if failures >= self.max_attempts:
                    raise Unavailable(f"cannot reach {self.url}: {error}") from None
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            failures, backoff = 0, self.initial_backoff
            self.socket = socket
            try:
                with socket:
                    for topic in self.topics:
                        socket.send(json.dumps({"action": "subscribe", "topic": topic}))
                    yield from self._receive(socket)
            except (ConnectionClosed, OSError, TimeoutError):
                pass
            self.reconnects += 1

    def _receive(self, socket) -> Iterator[dict]:
        waiting = False  # a heartbeat is out and unanswered
        while True:
            try:
                raw = socket.recv(timeout=self.heartbeat)
            except TimeoutError:
                if waiting:
                    return  # no answer to the heartbeat: reconnect
                socket.send(json.dumps({"action": "ping"}))
                waiting = True
                continue
            waiting = False
            frame = json.loads(raw)
            if frame.get("type") in ("pong", "subscribed", "unsubscribed"):
                continue
            yield frame


def watch_workflow(url: str, token: str | None, workflow_id: str, **options) -> Iterator[dict]:
    """The frames of one workflow until its final state (the last frame yielded)."""
    live = LiveEvents(url, token, [f"workflow:{workflow_id}"], **options)
    for frame in live.frames():
        if frame.get("type") == "error":
            raise Refused(frame["error"]["message"])
        yield frame
        if frame.get("final") or frame.get("state") in FINAL_STATES:
            return


def _reason(body: bytes | None) -> str:
    try:
        return json.loads(body or b"")["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return (body or b"").decode("utf-8", "replace")
