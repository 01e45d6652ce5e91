"""Live events on the local stack (started as `make run` starts it, on free ports), over
real WebSockets:

- latency: a validation committed → its `created` frame delivered to a subscriber of
  `validations` (frame's published_at, stamped right after the commit, to receipt);
  target: median < 100 ms;
- fan-out: 50 subscribers of one 200-item workflow each receive every progress frame
  after their snapshot, in order, and the final `completed` frame;
- 1,000 connect/disconnect cycles leave no connection records.

Prints figures; exits 1 when a target is missed."""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from tests.e2e.conftest import TOKEN, start_stack, stop_stack  # noqa: E402

LATENCY_SAMPLES = 50
SUBSCRIBERS, ITEMS = 50, 200
CYCLES = 1000
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def _aws(stack, service):
    return boto3.client(
        service, endpoint_url=stack.aws_url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def latency(stack) -> float:
    samples = []
    with connect(stack.ws_url, additional_headers=HEADERS) as ws:
        ws.send(json.dumps({"action": "subscribe", "topic": "validations"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "subscribed"
        for n in range(LATENCY_SAMPLES):
            status, created, _ = stack.request("POST", "/v1/validations", {"content": f"# Page {n}\n\nText {n}.\n"})
            assert status == 201, created
            while True:
                frame = json.loads(ws.recv(timeout=30))
                received = time.time() * 1000
                if frame.get("validation_id") == created["validation_id"]:
                    samples.append(received - frame["published_at"])
                    break
    median = statistics.median(samples)
    p95 = sorted(samples)[int(0.95 * len(samples)) - 1]
    print(
        f"event latency (commit → delivered), {len(samples)} validations: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(samples):.1f} ms (target median < 100 ms)"
    )
    return median


def fan_out(stack) -> bool:
    bucket = stack.request("GET", "/v1/admin/status")[1]["documents_bucket"]
    s3 = _aws(stack, "s3")
    keys = [f"docs/bench-realtime/page-{n:03}.md" for n in range(ITEMS)]
    for n, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=f"# Page {n}\n\nText {n}.\n".encode())
    status, workflow, _ = stack.request(
        "POST", "/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": keys}}
    )
    assert status == 201, workflow
    topic = f"workflow:{workflow['workflow_id']}"
    outcomes: dict[int, str] = {}
    frames_seen = []

    def subscriber(n: int) -> None:
        frames = []
        with connect(stack.ws_url, additional_headers=HEADERS, open_timeout=60) as ws:
            ws.send(json.dumps({"action": "subscribe", "topic": topic}))
            while True:
                frame = json.loads(ws.recv(timeout=300))
                frames.append(frame)
                if frame.get("final"):
                    break
        [snapshot] = [f for f in frames if f["type"] == "snapshot"]
        progress = [
            f["processed"] for f in frames if f["type"] == "progress" and f["processed"] > snapshot["processed"]
        ]
        in_order = progress == list(range(snapshot["processed"] + 1, ITEMS + 1))
        final = frames[-1]["state"] == "completed" and frames[-1]["done"] == ITEMS
        expected = list(range(snapshot["processed"] + 1, ITEMS + 1))
        missing = sorted(set(expected) - set(progress))
        repeated = sorted({p for p in progress if progress.count(p) > 1})
        outcomes[n] = (
            "ok"
            if in_order and final
            else f"missing {missing[:10]}, repeated {repeated[:10]}, final state {frames[-1].get('state')}"
        )
        frames_seen.append(len(frames))

    started = time.perf_counter()
    threads = [threading.Thread(target=subscriber, args=(n,)) for n in range(SUBSCRIBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    good = sum(1 for outcome in outcomes.values() if outcome == "ok")
    print(
        f"fan-out: {SUBSCRIBERS} subscribers × {ITEMS}-item workflow: {good}/{SUBSCRIBERS} got every progress frame "
        f"after their snapshot in order and the final completed ({sum(frames_seen)} frames, {elapsed:.1f} s)"
    )
    for n, outcome in outcomes.items():
        if outcome != "ok":
            print(f"  subscriber {n}: {outcome}")
    return good == SUBSCRIBERS


def cycles(stack) -> int:
    started = time.perf_counter()
    for n in range(CYCLES):
        with connect(stack.ws_url, additional_headers=HEADERS) as ws:
            if n % 10 == 0:
                ws.send(json.dumps({"action": "subscribe", "topic": "validations"}))
                ws.recv(timeout=30)
    elapsed = time.perf_counter() - started
    table = _aws(stack, "dynamodb")
    deadline = time.monotonic() + 30  # $disconnect runs after the close handshake
    while True:
        left = table.scan(TableName="tbcv-local-connections", Select="COUNT")["Count"]
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    print(
        f"{CYCLES} connect/disconnect cycles: {elapsed:.1f} s ({elapsed / CYCLES * 1000:.1f} ms each), "
        f"{left} connection records left (target 0)"
    )
    return left


def main() -> int:
    stack = start_stack()
    try:
        median = latency(stack)
        ordered = fan_out(stack)
        left = cycles(stack)
    finally:
        stop_stack(stack)
    return 0 if median < 100 and ordered and left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
