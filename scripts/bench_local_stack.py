#!/usr/bin/env python3
"""Local stack benchmark (not a test): the single-request figures of docs/local-stack.md.

Starts the stack the way `make run` does (free ports, data in memory), stores N
validations through the API (default 2,000; `--validations 10000` for the full target),
then measures on the warm stack, over a reused HTTP connection:

- GET one validation (p50 of 200), validate a 2 KB page (p50 of 50);
- bulk approve of 100 validations; create_workflow (validate_batch of 10 keys);
- get_stats with N validations stored;
- the stack's RSS after storing them, and after a second round of as many calls (flat
  memory: the second figure stays within ~10 % of the first);
- validate_prefix over P pages for each P of `--prefix-pages` (default 200; the issue's
  figures are 1000,5000): the pages are put straight into the documents bucket and the
  upload queue is purged, so only the workflow validates them; pages/s from the create
  call to the end of the workflow.

Targets (issue 16): GET p50 < 20 ms, validate 2 KB p50 < 60 ms, bulk approve 100 < 500 ms,
create workflow < 500 ms, get_stats < 100 ms at 10,000 validations; validate_prefix >= 25
pages/s at 1,000 pages and the rate at 5,000 >= 0.8 x the rate at 1,000. Figures depend
on the machine's load: the script prints the load average next to them.

Usage: scripts/bench_local_stack.py [--validations N] [--prefix-pages 1000,5000]"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import TOKEN, start_stack, stop_stack  # noqa: E402

PAGE_2KB = (
    "---\ntitle: Convert a document to PDF with options\ndescription: "
    + "How to convert a document to PDF and choose the options that matter for printing. " * 2
    + "\n---\n\n# Convert a document to PDF\n\n"
    + "This page shows how to load a document and save it as PDF with the default options.\n\n" * 14
)


class Client:
    """One kept-alive HTTP connection to the stack's API."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, object, float]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        started = time.perf_counter()
        self._connection.request(method, path, body=data, headers=headers)
        response = self._connection.getresponse()
        payload = json.loads(response.read() or b"null")
        return response.status, payload, (time.perf_counter() - started) * 1000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def store(client: Client, count: int, prefix: str) -> list[str]:
    ids = []
    for index in range(count):
        status, body, _ = client.call(
            "POST",
            "/v1/validations",
            {"content": PAGE_2KB + f"\nPage {prefix}{index}.\n", "path": f"{prefix}/{index}.md"},
        )
        assert status == 201, body
        ids.append(body["validation_id"])
    return ids


def prefix_rate(stack, client: Client, pages: int) -> tuple[float, str]:
    """validate_prefix over `pages` new pages: (pages per second, final state)."""
    status, admin, _ = client.call("GET", "/v1/admin/status")
    assert status == 200, admin
    aws = {"endpoint_url": stack.aws_url, "region_name": "us-east-1"}
    credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    s3, sqs = boto3.client("s3", **aws, **credentials), boto3.client("sqs", **aws, **credentials)
    prefix = f"{admin['watched_prefix']}bench-prefix-{pages}/"
    for index in range(pages):
        body = PAGE_2KB + f"\nPage {index} of {pages}.\n"
        s3.put_object(Bucket=admin["documents_bucket"], Key=f"{prefix}{index:05}.md", Body=body.encode())
    sqs.purge_queue(QueueUrl=sqs.get_queue_url(QueueName="tbcv-local-uploads")["QueueUrl"])
    started = time.perf_counter()
    status, created, _ = client.call(
        "POST", "/v1/workflows", {"workflow_type": "validate_prefix", "params": {"prefix": prefix}}
    )
    assert status == 201, created
    while True:
        status, workflow, _ = client.call("GET", f"/v1/workflows/{created['workflow_id']}")
        if workflow["state"] not in ("pending", "running"):
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    assert workflow["done"] + workflow["failed"] == pages, workflow
    return pages / elapsed, workflow["state"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--validations", type=int, default=2000)
    parser.add_argument("--prefix-pages", default="200", help="comma-separated page counts (0: none)")
    args = parser.parse_args()
    prefix_sizes = [int(n) for n in args.prefix_pages.split(",") if int(n) > 0]
    stack = start_stack()
    try:
        client = Client(stack.api_port)
        started = time.perf_counter()
        ids = store(client, args.validations, "bench")
        stored_s = time.perf_counter() - started
        rss_first = rss_mb(stack.process.pid)
        get_ms = [client.call("GET", f"/v1/validations/{ids[i % len(ids)]}")[2] for i in range(200)]
        validate_ms = [
            client.call("POST", "/v1/validations", {"content": PAGE_2KB + f"\nextra {i}\n", "path": f"x/{i}.md"})[2]
            for i in range(50)
        ]
        status, body, approve_ms = client.call("POST", "/v1/bulk/validations/approve", {"validation_ids": ids[:100]})
        assert status == 200, body
        keys = [f"docs/bench/{i}.md" for i in range(10)]
        status, body, workflow_ms = client.call(
            "POST", "/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": keys}}
        )
        assert status in (200, 201, 202), body
        stats_ms = min(client.call("GET", "/v1/stats")[2] for _ in range(5))
        store(client, args.validations, "again")  # a second round: memory should stay flat
        rss_second = rss_mb(stack.process.pid)
        rates = {pages: prefix_rate(stack, client, pages) for pages in prefix_sizes}
        rss_last = rss_mb(stack.process.pid)
    finally:
        stop_stack(stack)
    load = os.getloadavg()
    print(f"validations stored: {args.validations} in {stored_s:.1f} s ({args.validations / stored_s:.1f}/s)")
    print(f"GET validation p50:        {statistics.median(get_ms):7.1f} ms   (target < 20)")
    print(f"validate 2 KB page p50:    {statistics.median(validate_ms):7.1f} ms   (target < 60)")
    print(f"bulk approve 100:          {approve_ms:7.1f} ms   (target < 500)")
    print(f"create workflow:           {workflow_ms:7.1f} ms   (target < 500)")
    print(f"get_stats (best of 5):     {stats_ms:7.1f} ms   (target < 100 at 10,000 validations)")
    print(f"RSS after {args.validations}: {rss_first:.0f} MB; after {2 * args.validations}: {rss_second:.0f} MB")
    for pages, (rate, state) in rates.items():
        print(f"validate_prefix {pages:>5} pages: {rate:6.1f} pages/s ({state})   (target >= 25 at 1,000)")
    if len(rates) > 1:
        first, last = rates[min(rates)][0], rates[max(rates)][0]
        print(f"rate at {max(rates)} / rate at {min(rates)}: {last / first:.2f}   (target >= 0.8)")
    if rates:
        print(f"RSS after the workflows: {rss_last:.0f} MB")
    print(f"machine load average (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
