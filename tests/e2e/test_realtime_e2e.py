"""Live events on the local stack over real WebSockets (ws://127.0.0.1:<free port>): the
same Chalice handlers behind the local WebSocket API, events posted through the local
AWS's management API. Workflow subscribers see every progress frame in order and the
final state; a subscriber that drops and reconnects ends in the same state; refused and
bad connections get a status, an error frame or a close with a reason."""

from __future__ import annotations

import json
import socket
import threading

import boto3
import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import connect

from tbcv_cli.live import LiveEvents
from tests.e2e.conftest import TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-realtime")]
ITEMS = 30
SUBSCRIBERS = 8


def _open(stack, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return connect(stack.ws_url, additional_headers=headers, open_timeout=30)


def _put_pages(stack, prefix: str, count: int) -> list[str]:
    status, system, _ = stack.request("GET", "/v1/admin/status")
    assert status == 200
    s3 = boto3.client(
        "s3", endpoint_url=stack.aws_url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    keys = [f"{prefix}page-{n:03}.md" for n in range(count)]
    for n, key in enumerate(keys):
        s3.put_object(Bucket=system["documents_bucket"], Key=key, Body=f"# Page {n}\n\nText {n}.\n".encode())
    return keys


def test_an_unauthenticated_connect_is_refused_with_401_and_the_reason(stack):
    for token in (None, "wrong-token"):
        with pytest.raises(InvalidStatus) as refused:
            _open(stack, token)
        assert refused.value.response.status_code == 401
        assert json.loads(refused.value.response.body)["error"]["field"] == "Authorization"


def test_bad_frames_get_error_frames_and_an_oversized_frame_closes_with_a_reason(stack):
    with _open(stack) as ws:
        for frame in ("{", '{"action": "subscribe", "topic": "nope"}', '"just a string"'):
            ws.send(frame)
            reply = json.loads(ws.recv(timeout=30))
            assert reply["type"] == "error" and reply["error"]["field"] in ("frame", "topic")
        ws.send(json.dumps({"action": "ping", "id": 1}))
        assert json.loads(ws.recv(timeout=30)) == {"topic": None, "type": "pong", "id": 1}
        ws.send("x" * (200 * 1024))
        with pytest.raises(ConnectionClosedError) as closed:
            ws.recv(timeout=30)
        assert closed.value.rcvd.code == 1009 and closed.value.rcvd.reason


def test_workflow_subscribers_get_every_progress_frame_in_order_and_the_final_state(stack):
    keys = _put_pages(stack, "docs/realtime/ordered/", ITEMS)
    status, workflow, _ = stack.request(
        "POST", "/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": keys}}
    )
    assert status == 201
    topic = f"workflow:{workflow['workflow_id']}"
    results: dict[int, list[dict]] = {}

    def subscriber(n: int) -> None:
        frames = []
        with _open(stack) as ws:
            ws.send(json.dumps({"action": "subscribe", "topic": topic}))
            while True:
                frame = json.loads(ws.recv(timeout=120))
                if frame["type"] != "subscribed":
                    frames.append(frame)
                if frame.get("state") in ("completed", "failed", "cancelled"):
                    break
        results[n] = frames

    threads = [threading.Thread(target=subscriber, args=(n,)) for n in range(SUBSCRIBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(results) == SUBSCRIBERS
    for frames in results.values():
        assert all(f["topic"] == topic and {"type", "state", "done", "total"} <= set(f) for f in frames)
        [snapshot] = [f for f in frames if f["type"] == "snapshot"]
        # every item that finished after the subscriber's snapshot, once and in order
        progress = [
            f["processed"] for f in frames if f["type"] == "progress" and f["processed"] > snapshot["processed"]
        ]
        assert progress == list(range(snapshot["processed"] + 1, ITEMS + 1)), progress
        assert frames[-1]["state"] == "completed" and frames[-1]["done"] == ITEMS and frames[-1]["final"]


def test_a_subscriber_that_drops_and_reconnects_ends_with_the_same_final_state(stack):
    keys = _put_pages(stack, "docs/realtime/reconnect/", ITEMS)
    status, workflow, _ = stack.request(
        "POST", "/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": keys}}
    )
    assert status == 201
    live = LiveEvents(stack.ws_url, TOKEN, [f"workflow:{workflow['workflow_id']}"], heartbeat=5)
    seen = []
    for frame in live.frames():
        seen.append(frame)
        if live.reconnects == 0 and frame["type"] in ("snapshot", "progress") and not frame["final"]:
            live.socket.socket.shutdown(socket.SHUT_RDWR)  # the connection drops under the client
        if frame["final"]:
            break
    assert live.reconnects >= 1
    assert [f["type"] for f in seen].count("snapshot") >= 2  # the current state again after reconnecting
    status, final, _ = stack.request("GET", f"/v1/workflows/{workflow['workflow_id']}")
    assert seen[-1]["state"] == final["state"] == "completed"
    assert seen[-1]["done"] == final["done"] == ITEMS and seen[-1]["total"] == final["total"]
