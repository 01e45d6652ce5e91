"""Benchmark of `tbcv check`'s result cache: a first run over an unchanged tree of at least
4,000 pages (empty cache: every file checked and stored) against a second run (every file
answered from the cache, the engine never loaded). Each of RUNS rounds uses a fresh cache
folder; the medians give the ratio. Target: the second run >= 10x faster than the first.
Exits 1 when the target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import TBCV, load_average, replicate, timed  # noqa: E402

RUNS = int(os.environ.get("TBCV_BENCH_RUNS", "3"))  # fewer rounds on a busy machine
TARGET_SPEEDUP = 10.0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tbcv-bench-cache-") as folder:
        root = Path(folder)
        files = replicate(root / "pages")
        print(f"{files} files (corpus pages replicated), {load_average()}", flush=True)
        first: list[float] = []
        second: list[float] = []
        for round_number in range(RUNS):
            command = [str(TBCV), "check", "pages", "--cache-dir", f"cache{round_number}"]
            first.append(timed(command, root, True))
            second.append(timed(command, root, True))
        cold, warm = statistics.median(first), statistics.median(second)
        print(f"first run (empty cache)    {files / cold:8.0f} files/s  (median {cold:.2f} s; runs {_runs(first)})")
        print(f"second run (all cached)    {files / warm:8.0f} files/s  (median {warm:.2f} s; runs {_runs(second)})")
        print(f"machine after the runs: {load_average()}")
    speedup = cold / warm
    print(f"second run / first run:    {speedup:5.1f}x faster  (target >= {TARGET_SPEEDUP}x)")
    met = speedup >= TARGET_SPEEDUP
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    sys.exit(main())
