"""Live events in-process (moto intercepts the template's execute-api endpoint; the
management API is pointed at recording sockets): the WebSocket handlers' session logic,
publishing after committed changes, gone connections, and bad frames."""

from __future__ import annotations

import json

import pytest

from chalicelib.ops import invoke
from chalicelib.realtime import MAX_FRAME_BYTES, RATE_LIMIT
from chalicelib.runtime import context_for, live_session
from local_aws.websocket import LocalConnections, install_management_api

AUTH_HEADERS = {"Authorization": "Bearer test-token"}


class Socket:
    def __init__(self):
        self.frames: list[dict] = []
        self.closed = False

    def send(self, data: bytes) -> None:
        self.frames.append(json.loads(data))

    def close(self) -> None:
        self.closed = True

    def take(self) -> list[dict]:
        frames, self.frames = self.frames, []
        return frames


@pytest.fixture
def live(aws):
    connections = LocalConnections()
    uninstall = install_management_api(connections)
    session = live_session()
    sockets: dict[str, Socket] = {}

    def connect(connection_id: str, headers=AUTH_HEADERS) -> Socket:
        reply = session.connect(connection_id, headers)
        assert reply.status == 200, reply
        sockets[connection_id] = Socket()
        connections.add(connection_id, sockets[connection_id].send, sockets[connection_id].close)
        return sockets[connection_id]

    session.open = connect
    session.local = connections
    try:
        yield session
    finally:
        uninstall()


def send(session, connection_id, frame) -> None:
    session.message(connection_id, frame if isinstance(frame, str) else json.dumps(frame))


def test_an_unauthenticated_or_wrongly_authenticated_connect_is_refused_with_401(live):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        reply = live.connect("refused=", headers)
        assert reply.status == 401
        assert reply.body["error"]["field"] == "Authorization"
    assert live.hub.connections.count() == 0


def test_subscribers_get_the_validation_events_of_committed_changes(live):
    everything, one = live.open("a="), live.open("b=")
    send(live, "a=", {"action": "subscribe", "topic": "validations"})
    assert everything.take() == [{"topic": "validations", "type": "subscribed"}]
    created = invoke("validate_content", context_for("tester"), {"content": "# Title\n\nText.\n"})
    [frame] = everything.take()
    assert frame["type"] == "created" and frame["validation_id"] == created["validation_id"]
    topic = f"validation:{created['validation_id']}"
    send(live, "b=", {"action": "subscribe", "topic": topic, "id": 7})
    subscribed, snapshot = one.take()
    assert subscribed == {"topic": topic, "type": "subscribed", "id": 7}
    assert snapshot["type"] == "snapshot" and snapshot["review_status"] == "pending"
    invoke("approve", context_for("reviewer"), {"validation_id": created["validation_id"]})
    assert [f["type"] for f in one.take()] == ["reviewed"]
    assert [(f["type"], f["review_status"]) for f in everything.take()] == [("reviewed", "approved")]
    send(live, "b=", {"action": "unsubscribe", "topic": topic})
    assert one.take() == [{"topic": topic, "type": "unsubscribed"}]
    invoke("reject", context_for("reviewer"), {"validation_id": created["validation_id"], "reason": "no"})
    assert one.take() == []


def test_a_gone_connection_is_removed_and_a_failed_push_never_fails_the_operation(live):
    live.open("gone=")
    send(live, "gone=", {"action": "subscribe", "topic": "validations"})
    live.local.discard("gone=")  # the socket vanished without a $disconnect
    result = invoke("validate_content", context_for("tester"), {"content": "# Title\n\nText.\n"})
    assert result["validation_id"]
    assert live.hub.connections.count() == 0 and live.hub.connections.subscribers("validations") == []

    live.open("broken=")
    send(live, "broken=", {"action": "subscribe", "topic": "validations"})

    def fail(*_):
        raise RuntimeError("the management API is down")

    live.local._sockets["broken="] = (fail, fail)
    assert invoke("validate_content", context_for("tester"), {"content": "# Other\n\nText.\n"})["validation_id"]


BAD_FRAMES = [
    ("not json", "frame"),
    ("[1, 2]", "frame"),
    ({"action": "dance"}, "action"),
    ({"action": "subscribe"}, "topic"),
    ({"action": "subscribe", "topic": "secrets"}, "topic"),
    ({"action": "subscribe", "topic": "validation:XYZ"}, "topic"),
    ({"action": "subscribe", "topic": "workflow:missing"}, "topic"),
    ({"action": "subscribe", "topic": "validations", "extra": 1}, "extra"),
    ("x" * (MAX_FRAME_BYTES + 1), "frame"),
    ("\udcff", "frame"),
]


def test_bad_frames_get_an_error_frame_naming_the_field(live):
    socket = live.open("bad=")
    for frame, field in BAD_FRAMES:
        send(live, "bad=", frame)
        [error] = socket.take()
        assert error["type"] == "error" and error["error"]["field"] == field, (frame, error)
        assert "topic" in error
    assert live.hub.connections.topics_of("bad=") == []


def test_floods_of_subscribes_are_bounded_by_the_topic_cap_and_the_rate_limit(live, monkeypatch):
    monkeypatch.setattr("chalicelib.realtime.RATE_WINDOW_SECONDS", 3600)  # one window, however slow the machine
    socket = live.open("flood=")
    send(live, "flood=", {"action": "subscribe", "topic": "validations"})
    for _ in range(live.settings.ws_max_subscriptions + 5):
        send(live, "flood=", {"action": "subscribe", "topic": "validations"})  # repeats are idempotent
    assert len(live.hub.connections.topics_of("flood=")) == 1
    frames = socket.take()
    assert all(f["type"] in ("subscribed", "error") for f in frames)
    for _ in range(RATE_LIMIT):
        send(live, "flood=", {"action": "ping"})
    assert socket.frames[-1]["type"] == "error" and socket.frames[-1]["error"]["code"] == "rate_limited"


def test_the_topic_cap_refuses_one_topic_too_many(live):
    socket = live.open("many=")
    cap = live.settings.ws_max_subscriptions
    created = [
        invoke("validate_content", context_for("tester"), {"content": f"# Page {n}\n\nText {n}.\n"})["validation_id"]
        for n in range(cap + 1)
    ]
    for validation_id in created:
        send(live, "many=", {"action": "subscribe", "topic": f"validation:{validation_id}"})
    errors = [f for f in socket.take() if f["type"] == "error"]
    assert len(errors) == 1 and errors[0]["error"]["field"] == "topic" and "at most" in errors[0]["error"]["message"]
    assert len(live.hub.connections.topics_of("many=")) == cap


def test_connect_disconnect_cycles_leave_no_records(live):
    for n in range(1000):
        connection_id = f"cycle-{n}="
        live.open(connection_id)
        if n % 10 == 0:
            send(live, connection_id, {"action": "subscribe", "topic": "validations"})
        live.disconnect(connection_id)
        live.local.discard(connection_id)
    assert live.hub.connections.count() == 0
    assert live.hub.connections.subscribers("validations") == []


def test_a_frame_from_a_connection_without_a_record_closes_it(live):
    socket = live.open("stale=")
    live.hub.connections.remove("stale=")
    send(live, "stale=", {"action": "ping"})
    assert socket.closed and socket.frames == []
