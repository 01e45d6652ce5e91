"""Adversarial pages at the document size limit: the whole pipeline's time on each page of
tests/unit/engine/adversarial.py at 512 KiB and 1 MiB, and the ratio (linear is 2; the
target is at most 2.5 and at most TARGET_SECONDS for a 1 MiB page). Prints one line per page."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.engine.validate import validate_document  # noqa: E402
from tests.unit.engine.adversarial import PAGES, quiet_gc  # noqa: E402

SIZE = 1024 * 1024
TARGET_SECONDS = 10.0
TARGET_RATIO = 2.5


def seconds(text: str) -> float:
    with quiet_gc():
        started = time.process_time()
        validate_document(text, path="docs/page.md", family="words")
        return time.process_time() - started


def main() -> int:
    missed = []
    print(f"{'page':35} {'512 KiB':>9} {'1 MiB':>9} {'ratio':>6}")
    for name, build in sorted(PAGES.items()):
        half, full = seconds(build(SIZE // 2)), seconds(build(SIZE))
        ratio = full / max(half, 1e-3)
        flag = "" if full <= TARGET_SECONDS and (ratio <= TARGET_RATIO or full < 0.05) else "  MISSED"
        if flag:
            missed.append(name)
        print(f"{name:35} {half:8.2f}s {full:8.2f}s {ratio:6.2f}{flag}", flush=True)
    print(f"targets: 1 MiB page <= {TARGET_SECONDS} s, ratio <= {TARGET_RATIO}; missed: {', '.join(missed) or 'none'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
