#!/usr/bin/env python3
"""Pipeline benchmark (not a test): start the local stack the way `make run` does (free
ports), then measure end to end

  1. the upload path: put N corpus pages (default 1,000; the 424 corpus pages repeated
     under different folders) into the watched prefix; pages/s from the first put until
     the upload ledger holds a result for every page (S3 → SQS → poller → on_sqs_message
     → engine → DynamoDB);
  2. validate_prefix over the same N pages: pages/s from create_workflow until the
     workflow completes (Step Functions interpreter → workflow_step Lambda per item).

For each path it prints the engine's share of the wall time (the sum of the engine's own
`timings_ms.total` over the validations created, divided by the elapsed time). The rest
is the emulator: moto's TransactWriteItems deep-copies the tables it writes as its
rollback snapshot (so a write gets slower as the table grows), and every AWS call is an
HTTP request to the moto server (HeadObject, GetObject, the ledger's conditional put and
update, the validation's TransactWrite, SQS receive/delete; for workflows the gate
update, the item's TransactWrite and the interpreter's own bookkeeping), all in one
process sharing the GIL.

Usage: scripts/bench_pipeline.py [--pages N]"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from tests.e2e.conftest import start_stack, stop_stack  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "aspose-words-java"


def _client(stack, service):
    return boto3.client(
        service,
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _uploads_done(dynamodb, bucket: str, prefix: str) -> int:
    """Upload ledger records under `prefix` that have a result (a benchmark may Scan)."""
    total, start = 0, None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        response = dynamodb.scan(
            TableName="tbcv-local-uploads",
            Select="COUNT",
            FilterExpression="begins_with(upload_id, :p) AND #status <> :processing",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":p": {"S": f"{bucket}/{prefix}"}, ":processing": {"S": "processing"}},
            **kwargs,
        )
        total += response["Count"]
        start = response.get("LastEvaluatedKey")
        if not start:
            return total


def _engine_ms(dynamodb, prefix: str, workflow_id: str | None) -> float:
    """Sum of the engine's own time over the validations of keys under `prefix`."""
    total, start = 0.0, None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        response = dynamodb.scan(
            TableName="tbcv-local-validations",
            FilterExpression="begins_with(document_key, :p)",
            ExpressionAttributeValues={":p": {"S": prefix}},
            ProjectionExpression="timings_ms, workflow_id",
            **kwargs,
        )
        for item in response["Items"]:
            in_workflow = item.get("workflow_id", {}).get("S")
            if in_workflow == workflow_id:
                timings = json.loads(item["timings_ms"]["S"]) if "S" in item["timings_ms"] else {}
                total += float(timings.get("total", 0.0))
        start = response.get("LastEvaluatedKey")
        if not start:
            return total


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"benchmark: {what} not reached within {timeout:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    pages = sorted(CORPUS.rglob("*.md"))
    prefix = "docs/bench/"
    stack = start_stack()
    try:
        status, system, _ = stack.request("GET", "/v1/admin/status")
        bucket = system["documents_bucket"]
        s3, dynamodb = _client(stack, "s3"), _client(stack, "dynamodb")
        bodies = [
            (
                f"{prefix}copy-{n // len(pages)}/{pages[n % len(pages)].relative_to(CORPUS).as_posix()}",
                pages[n % len(pages)].read_bytes(),
            )
            for n in range(args.pages)
        ]

        started = time.perf_counter()
        for key, body in bodies:
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        put_seconds = time.perf_counter() - started
        _wait(lambda: _uploads_done(dynamodb, bucket, prefix) >= args.pages, 3600, "every upload processed")
        upload_seconds = time.perf_counter() - started
        upload_engine = _engine_ms(dynamodb, prefix, None) / 1000

        started = time.perf_counter()
        status, workflow, _ = stack.request(
            "POST", "/v1/workflows", {"workflow_type": "validate_prefix", "params": {"prefix": prefix}}
        )
        assert status == 201, workflow
        final = _wait(
            lambda: (
                (w := stack.request("GET", f"/v1/workflows/{workflow['workflow_id']}")[1])["state"] != "running" and w
            ),
            3600,
            "the workflow's end",
        )
        workflow_seconds = time.perf_counter() - started
        workflow_engine = _engine_ms(dynamodb, prefix, workflow["workflow_id"]) / 1000
    finally:
        stop_stack(stack)

    n = args.pages
    print(f"pipeline benchmark: {n} pages (corpus pages repeated), local stack (moto server over HTTP)")
    print(
        f"  upload path     {n / upload_seconds:7.1f} pages/s  ({upload_seconds:.1f} s end to end; "
        f"puts {put_seconds:.1f} s); engine {upload_engine:.1f} s = "
        f"{100 * upload_engine / upload_seconds:.1f}% of the time"
    )
    print(
        f"  validate_prefix {n / workflow_seconds:7.1f} pages/s  ({workflow_seconds:.1f} s, state "
        f"{final['state']}, {final['done']} done, {final['failed']} failed); engine "
        f"{workflow_engine:.1f} s = {100 * workflow_engine / workflow_seconds:.1f}% of the time"
    )
    print(
        "  the rest is the emulator: moto's TransactWriteItems deep-copies the tables it writes (its "
        "rollback snapshot, so it grows with the table), one HTTP request to moto per AWS call "
        "(~8 per page), the Step Functions interpreter's threads, all sharing one GIL"
    )
    return 0 if final["state"] == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
