#!/usr/bin/env python3
"""Cold start: `import app` in a fresh interpreter (best of 5, from -X importtime), beside
an interpreter that imports nothing, and the size of the deployment package.
Targets (SPEC §8): import < 400 ms; deployment.zip < 25 MiB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
IMPORT_TARGET_MS = 400
ZIP_TARGET_MIB = 25
ENV = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "0"}


def import_ms(module: str) -> float:
    """Cumulative import time of `module` as reported by -X importtime."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line.rstrip())
        if match and match.group(2) == module:
            return int(match.group(1)) / 1000
    raise RuntimeError(f"no importtime line for {module}")


def process_ms(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    import_ms("app")  # warm the bytecode cache once, as a deployed package ships it compiled
    app_import = min(import_ms("app") for _ in range(RUNS))
    bare = min(process_ms("pass") for _ in range(RUNS))
    whole = min(process_ms("import app") for _ in range(RUNS))
    print(f"import app (importtime, best of {RUNS}): {app_import:.0f} ms  (target < {IMPORT_TARGET_MS} ms)")
    print(f"python -c 'import app' process: {whole:.0f} ms; bare interpreter: {bare:.0f} ms; ratio {whole / bare:.1f}x")
    ok = app_import < IMPORT_TARGET_MS
    archive = ROOT / "build" / "package" / "deployment.zip"
    if archive.exists():
        size = archive.stat().st_size / 1024 / 1024
        print(f"deployment.zip: {size:.1f} MiB  (target < {ZIP_TARGET_MIB} MiB)")
        ok = ok and size < ZIP_TARGET_MIB
    else:
        print("deployment.zip: not built (run `make package` to measure it)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
