#!/usr/bin/env python3
"""Generated API tables: what loading them costs.

- `import app` in a fresh interpreter (best of 5, -X importtime) must stay < 400 ms, and must
  read no API table (tables load per platform on first use);
- the first use of each family's platform (`TruthTable.api(platform)`: read, check the digest,
  parse and validate the table) must stay < 50 ms (best of 3 per platform), and the first
  "exists anywhere" and "did you mean" lookups are shown beside it;
- the size of config/truth/api (copied into the deployment package, which must stay < 25 MiB;
  `make package` then bench_cold_start.py measure the zip itself).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.engine.truth import load_truth_registry  # noqa: E402 - after the path set-up

IMPORT_TARGET_MS = 400
FIRST_USE_TARGET_MS = 50
RUNS = 3
ENV = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}


def import_app_ms() -> float:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"import app failed: {result.stderr[-2000:]}")
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| app$", line.rstrip())
        if match:
            return int(match.group(1)) / 1000
    raise SystemExit("no importtime line for app")


def tables_read_by_import() -> int:
    """How many API tables `import app` reads (expected 0): counted by wrapping the loader."""
    code = (
        "import chalicelib.engine.truth.inventory as inv\n"
        "count = [0]\n"
        "original = inv.load_api_table\n"
        "def counting(*args, **kwargs):\n"
        "    count[0] += 1\n"
        "    return original(*args, **kwargs)\n"
        "inv.load_api_table = counting\n"
        "import chalicelib.engine.truth.table as table\n"
        "table.load_api_table = counting\n"
        "import app\n"
        "print(count[0])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"import app failed: {result.stderr[-2000:]}")
    return int(result.stdout.strip().splitlines()[-1])


def first_uses() -> list[tuple[str, str, str, bool, float, float, float]]:
    """(family, platform, table, complete, first api() ms, first member_anywhere ms, first nearest ms)."""
    rows = []
    registry = load_truth_registry(ROOT / "config")
    for family in registry.families:
        declared = registry.get(family).spec.platforms
        for platform, spec in declared.items():
            if spec.api is None:
                continue
            best = [float("inf")] * 3
            for _ in range(RUNS):
                table = load_truth_registry(ROOT / "config").get(family)  # nothing of the platform read yet
                started = time.perf_counter()
                api = table.api(platform)
                loaded = time.perf_counter()
                api.inventory.member_anywhere("noSuchMemberAnywhere")  # builds the platform's member index
                anywhere = time.perf_counter()
                api.inventory.nearest_member(None, "noSuchMemberAnywher")
                nearest = time.perf_counter()
                best = [
                    min(best[0], (loaded - started) * 1000),
                    min(best[1], (anywhere - loaded) * 1000),
                    min(best[2], (nearest - anywhere) * 1000),
                ]
            rows.append((family, platform, spec.api, api.complete, *best))
    return rows


def main() -> int:
    import_app_ms()  # warm the bytecode cache once
    app_ms = min(import_app_ms() for _ in range(5))
    read = tables_read_by_import()
    rows = first_uses()
    size = sum(path.stat().st_size for path in (ROOT / "config" / "truth" / "api").rglob("*") if path.is_file())
    print(
        f"import app (importtime, best of 5): {app_ms:.0f} ms (target < {IMPORT_TARGET_MS} ms); API tables read: {read}"
    )
    print(
        f"{'family':8} {'platform':11} {'table':15} {'complete':8} "
        f"{'first use ms':>12} {'anywhere ms':>11} {'nearest ms':>10}"
    )
    for family, platform, table, complete, first, anywhere, nearest in rows:
        print(f"{family:8} {platform:11} {table:15} {str(complete):8} {first:12.1f} {anywhere:11.1f} {nearest:10.1f}")
    worst = max(row[4] for row in rows)
    print(
        f"worst first use: {worst:.1f} ms (target < {FIRST_USE_TARGET_MS} ms, "
        f"ratio {worst / FIRST_USE_TARGET_MS:.2f}); "
        f"config/truth/api: {size / 2**20:.1f} MiB on disk; load average {os.getloadavg()[0]:.1f}"
    )
    ok = app_ms < IMPORT_TARGET_MS and read == 0 and worst < FIRST_USE_TARGET_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
