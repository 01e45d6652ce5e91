#!/usr/bin/env python3
"""Web app benchmark (not a test): start the local stack the way `make run` does (free
ports), store N validations (default 1,000) through the REST API, sign in through the
form, then request every page of the web app R times (default 15) and print, per page,
the median and p95 of its server time (the app's own `Server-Timing: app;dur=` header,
i.e. the Chalice handler from request to response, including every operation it calls
over the local AWS) and its weight (the HTML plus the stylesheet and scripts it loads).

Targets (issue 13): median server time < 150 ms, weight < 300 KB; exits 1 when missed.

Usage: scripts/bench_web.py [--validations N] [--repeat R]"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import TOKEN, start_stack, stop_stack  # noqa: E402

TARGET_MS = 150.0
MAX_WEIGHT = 300 * 1024
BODY = "".join(f"Paragraph {i} of the benchmark page says something about the product.\n\n" for i in range(12))
VARIANTS = [
    "---\ntitle: Benchmark page number {n} of the web app\n---\n\n# Benchmark page  \n\n" + BODY + "\n\nMore.\n",
    "---\ntitle: Benchmark page number {n} of the web app\ndescription: A clean page so that the list has passes "
    "as well as warnings and failures.\n---\n\n# Benchmark page\n\nText.\n",
    "# No front matter {n}\n\n```\ncode without a language\n```\n",
]
ASSET = re.compile(r'(?:href|src)="(/ui/static/[^"]+)"')


class Session:
    """A cookie-keeping HTTP client that signs in through the form, as a browser does."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, bytes, dict]:
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def post(self, path: str, fields: dict) -> int:
        request = urllib.request.Request(
            self.base + path, data=urllib.parse.urlencode(fields, doseq=True).encode(), method="POST"
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def csrf(self, path: str) -> str:
        return re.search(rb'name="csrf_token" value="([^"]*)"', self.get(path)[1]).group(1).decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _store(stack, count: int) -> list[dict]:
    def one(n: int) -> dict:
        content = VARIANTS[n % len(VARIANTS)].format(n=n)
        status, body, _ = stack.request("POST", "/v1/validations", {"content": content, "path": f"bench/p{n}.md"})
        assert status == 201, body
        return body

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def _server_ms(headers: dict) -> float:
    return float(re.search(r"app;dur=([0-9.]+)", headers["Server-Timing"]).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validations", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    stack = start_stack()
    try:
        started = time.perf_counter()
        stored = _store(stack, args.validations)
        print(f"stored {len(stored)} validations in {time.perf_counter() - started:.1f} s", flush=True)
        web = Session(stack.url)
        assert web.post("/ui/sign-in", {"csrf_token": web.csrf("/ui/sign-in"), "token": TOKEN}) == 303
        subject = next(v for v in stored if v["counts"]["warning"] and v["outcome"] != "pass")
        vid = subject["validation_id"]
        stack.request("POST", f"/v1/validations/{vid}/recommendations")
        recs = stack.request("GET", f"/v1/validations/{vid}/recommendations")[1]["items"]
        fixes = [r["recommendation_id"] for r in recs if r["type"] == "fix"]
        stack.request("POST", "/v1/bulk/recommendations/review", {"recommendation_ids": fixes, "action": "approve"})
        status, enhancement, _ = stack.request("POST", f"/v1/validations/{vid}/enhancement", {})
        assert status == 201, enhancement
        workflow = stack.request(
            "POST", "/v1/workflows", {"workflow_type": "generate_recommendations", "params": {"validation_ids": [vid]}}
        )[1]
        pages = {
            "validations": "/ui/validations",
            "validations (outcome=fail)": "/ui/validations?outcome=fail",
            "validation": f"/ui/validations/{vid}",
            "recommendations": f"/ui/validations/{vid}/recommendations",
            "enhancement": f"/ui/enhancements/{enhancement['enhancement_id']}",
            "workflows": "/ui/workflows",
            "workflow": f"/ui/workflows/{workflow['workflow_id']}",
            "audit log": "/ui/audit",
            "monitoring": "/ui/monitoring",
            "admin": "/ui/admin",
            "rules": "/ui/rules",
            "sign-in": "/ui/sign-in",
        }
        load = os.getloadavg()[0]
        print(f"{args.repeat} requests per page after {args.validations} validations; load average {load:.2f}")
        print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'ratio':>6} {'weight KB':>10}")
        missed = []
        for name, path in pages.items():
            times = []
            for _ in range(args.repeat):
                status, body, headers = web.get(path)
                assert status == 200, (path, status, body[:300])
                times.append(_server_ms(headers))
            assets = sum(len(web.get(a)[1]) for a in set(ASSET.findall(body.decode())))
            weight = (len(body) + assets) / 1024
            median = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(f"{name:<28} {median:>10.1f} {p95:>8.1f} {median / TARGET_MS:>6.2f} {weight:>10.1f}")
            if median >= TARGET_MS or weight * 1024 >= MAX_WEIGHT:
                missed.append(name)
        print(f"targets: median < {TARGET_MS:.0f} ms (ratio < 1), weight < {MAX_WEIGHT // 1024} KB")
        if missed:
            print(f"missed: {', '.join(missed)}", file=sys.stderr)
            return 1
        return 0
    finally:
        stop_stack(stack)


if __name__ == "__main__":
    sys.exit(main())
