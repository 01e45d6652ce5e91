"""MCP dispatch overhead, in process: `tools/call` through the MCP adapter (JSON-RPC parse,
envelope checks, mcp_types validation, result model, JSON text + structured content)
against calling the same operation through `invoke` directly. Target: < 1 ms median.

The operation is `list_validators` on a context of in-memory ports (tests/fakes.py), so
neither side touches AWS and the difference is the adapter alone. Runs are interleaved so machine load
affects both alike. Exits 1 when the median overhead misses the target.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TBCV_API_TOKEN", "bench-token")
# EMF lines are still built (their cost is part of the dispatch), only not printed 6,000 times.
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"

RUNS = 3000
TARGET_MS = 1.0
CASES = {"small result (5 rules)": {"limit": 5}, "large result (100 rules)": {"limit": 100}}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    from chalicelib.mcp.server import handle
    from chalicelib.ops import invoke
    from tests.fakes import FakeWorld

    context = FakeWorld().context("bench")
    headers = {"mcp-protocol-version": "2025-11-25", "content-type": "application/json"}
    worst = 0.0
    for label, arguments in CASES.items():
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "list_validators", "arguments": arguments},
            }
        ).encode()
        for _ in range(200):  # warm caches (tool list, pydantic validators)
            invoke("list_validators", context, arguments)
            handle(body, headers, lambda: context)
        direct, through_mcp = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            invoke("list_validators", context, arguments)
            direct.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            result = handle(body, headers, lambda: context)
            through_mcp.append((time.perf_counter() - started) * 1000)
        assert result.status == 200 and '"isError": false' in result.body, result.body[:200]
        overhead = statistics.median(through_mcp) - statistics.median(direct)
        worst = max(worst, overhead)
        print(
            f"{label}: direct median {statistics.median(direct):.3f} ms p99 {percentile(direct, 0.99):.3f} ms | "
            f"MCP median {statistics.median(through_mcp):.3f} ms p99 {percentile(through_mcp, 0.99):.3f} ms | "
            f"overhead median {overhead:.3f} ms, p99 {percentile(through_mcp, 0.99) - percentile(direct, 0.99):.3f} ms"
        )
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"MCP dispatch overhead (worst median): {worst:.3f} ms — {verdict} the < {TARGET_MS:.0f} ms target")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
