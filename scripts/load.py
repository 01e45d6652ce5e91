#!/usr/bin/env python3
"""`make load`: a bounded locust load run against the local stack (not a test).

Starts the stack the way the e2e tests do (`python -m local_aws.run` on free ports, data
in memory; or `--url` for a stack already running, e.g. `make run`), puts 20 pages under
docs/load/, then runs USERS simulated users for SECONDS seconds. Each user, with a short
think time (0.1-0.3 s), mixes what a team does: validate a page, read a validation, list
validations, approve one, generate and list recommendations, list workflows, start a
small validate_batch workflow, read the stats. It prints requests/s, p50/p95/p99, the
error rate (overall and per request kind), the machine's load average and the stack's
RSS, and exits 1 when a target of issue 16 is missed (at 50 users: >= 50 requests/s,
p95 < 1 s, errors < 1 %).

With `--runs 3` it makes three consecutive runs on the same stack and prints the stack's
RSS after each (the memory target: flat within +-10 % across them).

Usage: scripts/load.py [--users 50] [--seconds 60] [--runs 1] [--url http://127.0.0.1:8000 --token T]"""

from __future__ import annotations

# locust patches the standard library for gevent: it must be imported first
from locust import FastHttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import collections
import json
import os
import random
import sys
import time
from pathlib import Path

import gevent

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import TOKEN, start_stack, stop_stack  # noqa: E402

PAGE = (
    "---\ntitle: Convert a document to PDF\ndescription: How to convert a document to PDF and choose the "
    "options that matter for printing.\n---\n\n# Convert a document to PDF\n\n"
    + "This page shows how to load a document and save it as PDF with the default options.\n\n"
    * 8
)
LOAD_PREFIX = "docs/load/"
LOAD_PAGES = [f"{LOAD_PREFIX}page-{n:02}.md" for n in range(20)]
TARGETS = {"requests_per_second": 50.0, "p95_ms": 1000.0, "error_rate": 0.01}  # at 50 users, issue 16

# Validations the users created, shared by all users (bounded: the newest 500).
RECENT: collections.deque[str] = collections.deque(maxlen=500)
PENDING: collections.deque[str] = collections.deque(maxlen=500)


class TeamMember(FastHttpUser):
    """One person on the docs team; the weights are how often each action happens."""

    wait_time = between(0.1, 0.3)
    token = TOKEN

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def _post(self, path: str, body: dict, name: str):
        return self.client.post(path, data=json.dumps(body), headers=self.headers, name=name)

    def _get(self, path: str, name: str):
        return self.client.get(path, headers=self.headers, name=name)

    @task(6)
    def validate(self) -> None:
        body = {"content": PAGE + f"\nRun {random.random()}.\n", "path": f"en/load/{random.randrange(1000)}.md"}
        response = self._post("/v1/validations", body, "validate_content")
        if response.status_code == 201:
            validation_id = response.json()["validation_id"]
            RECENT.append(validation_id)
            PENDING.append(validation_id)

    @task(10)
    def get_validation(self) -> None:
        if RECENT:
            self._get(f"/v1/validations/{random.choice(RECENT)}", "get_validation")

    @task(6)
    def list_validations(self) -> None:
        self._get("/v1/validations?limit=20", "list_validations")

    @task(2)
    def approve(self) -> None:
        if PENDING:
            self._post(f"/v1/validations/{PENDING.popleft()}/approve", {}, "approve")

    @task(2)
    def recommendations(self) -> None:
        if RECENT:
            validation_id = random.choice(RECENT)
            self._post(f"/v1/validations/{validation_id}/recommendations", {}, "generate_recommendations")
            self._get(f"/v1/validations/{validation_id}/recommendations", "list_recommendations")

    @task(2)
    def list_workflows(self) -> None:
        self._get("/v1/workflows?limit=20", "list_workflows")

    @task(1)
    def start_workflow(self) -> None:
        keys = random.sample(LOAD_PAGES, 3)
        self._post("/v1/workflows", {"workflow_type": "validate_batch", "params": {"keys": keys}}, "create_workflow")

    @task(2)
    def stats(self) -> None:
        self._get("/v1/stats", "get_stats")


def put_pages(url: str, token: str) -> None:
    """The pages the workflows validate, through put_document (as `tbcv docs put` does)."""
    import urllib.request

    for key in LOAD_PAGES:
        request = urllib.request.Request(
            f"{url}/v1/documents",
            data=json.dumps({"key": key, "content": PAGE}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 201, response.read()


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def run(url: str, users: int, seconds: int) -> dict:
    """One bounded run: users spawn over the first ~5 s, the run stops after `seconds`."""
    environment = Environment(user_classes=[TeamMember], events=events, host=url)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(1.0, users / 5))
    started = time.monotonic()
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    total = environment.stats.total
    kinds = {
        name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
        for (name, _method), entry in sorted(environment.stats.entries.items())
    }
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in environment.stats.errors.values()}
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": total.num_requests,
        "requests_per_second": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "error_rate": round(total.num_failures / total.num_requests, 4) if total.num_requests else 1.0,
        "by_request": kinds,
        "errors": errors,
    }


def report(result: dict, rss: float | None) -> list[str]:
    """Print the figures; return the targets missed (they apply from 50 users)."""
    load = os.getloadavg()
    print(
        f"{result['users']} users, {result['seconds']} s: {result['requests']} requests, "
        f"{result['requests_per_second']} requests/s; p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
        f"p99 {result['p99_ms']:.0f} ms; errors {100 * result['error_rate']:.2f} %"
    )
    for name, kind in result["by_request"].items():
        print(
            f"  {name:26} {kind['requests']:6} requests  p50 {kind['p50_ms']:6.0f} ms  p95 {kind['p95_ms']:6.0f} ms"
            f"  failures {kind['failures']}"
        )
    for error, count in result["errors"].items():
        print(f"  error x{count}: {error[:300]}")
    if rss is not None:
        print(f"stack RSS after the run: {rss:.0f} MB")
    print(f"machine load average (1/5/15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    if result["users"] < 50:
        return []
    missed = []
    if result["requests_per_second"] < TARGETS["requests_per_second"]:
        missed.append(f"requests/s {result['requests_per_second']} < {TARGETS['requests_per_second']}")
    if result["p95_ms"] >= TARGETS["p95_ms"]:
        missed.append(f"p95 {result['p95_ms']:.0f} ms >= {TARGETS['p95_ms']:.0f} ms")
    if result["error_rate"] >= TARGETS["error_rate"]:
        missed.append(f"error rate {100 * result['error_rate']:.2f} % >= {100 * TARGETS['error_rate']:.0f} %")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the run (default 60)")
    parser.add_argument("--url", help="an already running stack (default: start one on free ports)")
    parser.add_argument("--token", help="its API token (with --url; default TBCV_API_TOKEN)")
    parser.add_argument("--runs", type=int, default=1, help="consecutive runs on the same stack (default 1)")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()
    if args.users < 1 or not 1 <= args.seconds <= 3600 or not 1 <= args.runs <= 10:
        parser.error("--users must be >= 1, --seconds between 1 and 3600, --runs between 1 and 10")
    stack = None
    if args.url:
        url, token = args.url.rstrip("/"), args.token or os.environ.get("TBCV_API_TOKEN") or ""
    else:
        print("starting the local stack (data in memory, free ports) ...", flush=True)
        stack = start_stack()
        url, token = stack.url, TOKEN
    TeamMember.token = token
    missed, rss_after = [], []
    try:
        put_pages(url, token)
        for number in range(1, args.runs + 1):
            if args.runs > 1:
                print(f"--- run {number} of {args.runs}")
            result = run(url, args.users, args.seconds)
            rss_after.append(rss_mb(stack.process.pid if stack else None))
            missed += report(result, rss_after[-1])
            if args.json:
                print(json.dumps(result))
        if args.runs > 1 and None not in rss_after:
            low, high = min(rss_after), max(rss_after)
            print(
                f"stack RSS after each run: {', '.join(f'{r:.0f}' for r in rss_after)} MB; "
                f"spread {100 * (high - low) / low:.1f} % (target within +-10 %)"
            )
    finally:
        if stack is not None:
            stop_stack(stack)
    for target in missed:
        print(f"target missed: {target}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
