"""Benchmark of the truth work per page on the four development corpora (issue 11).

Every page of each family's corpus is parsed once (parsing is the engine's figure, not the
truth checks'); then, per page, the truth work is timed as the pipeline does it: the
shared analysis `page_truth` (prose, family evidence, code API reading, plugin detection)
plus every truth rule (TR*) with its default params, on a fresh context. Each page is timed
ROUNDS times and keeps its fastest run (the others are machine noise); the figure is the
median over the family's pages, with the 90th percentile and the slowest page beside it.

Target: median truth work per page < 1 ms in every family. Exits 1 when a family misses it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import chalicelib.engine.rules  # noqa: E402, F401 - registers every rule, the truth rules included
from chalicelib.engine.parse import parse_document  # noqa: E402
from chalicelib.engine.rules.registry import REGISTRY, CheckContext  # noqa: E402
from chalicelib.engine.ruleset import load_ruleset  # noqa: E402
from chalicelib.engine.truth import page_truth  # noqa: E402

SHARED = REPO_ROOT.parent / "shared"
CORPORA = {
    "words": SHARED / "corpus" / "aspose-words-java",
    "slides": SHARED / "corpus-families" / "aspose-slides-java",
    "pdf": SHARED / "corpus-families" / "aspose-pdf-java",
    "cells": SHARED / "corpus-families" / "aspose-cells-java",
}
ROUNDS = 5
TARGET_MEDIAN_MS = 1.0


def main() -> int:
    truth = load_ruleset().truth
    rules = [rule for rule in sorted(REGISTRY.values(), key=lambda r: r.meta.id) if rule.meta.category == "truth"]
    print(
        f"truth work per page ({len(rules)} truth rules + page_truth), fastest of {ROUNDS} runs per page; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    missed = []
    every_page: list[float] = []
    for family, corpus in CORPORA.items():
        pages = sorted(corpus.rglob("*.md"))
        if not pages:
            raise SystemExit(f"no corpus pages under {corpus}")
        docs = [parse_document(page.read_text(encoding="utf-8"), str(page)) for page in pages]
        per_page = []
        for doc in docs:
            best = float("inf")
            for _ in range(ROUNDS):
                started = time.perf_counter()
                context = CheckContext(doc=doc, family=family, truth=truth)
                page_truth(context)
                for rule in rules:
                    for _ in rule.check(context, rule.meta.params):
                        pass
                best = min(best, time.perf_counter() - started)
            per_page.append(best * 1000)
        every_page += per_page
        median = statistics.median(per_page)
        p90 = statistics.quantiles(per_page, n=10)[-1]
        slowest = max(range(len(pages)), key=per_page.__getitem__)
        print(
            f"{family:<7} {len(pages):4d} pages: median {median:.3f} ms, p90 {p90:.3f} ms, slowest "
            f"{per_page[slowest]:.2f} ms ({pages[slowest].relative_to(corpus)}); target median < "
            f"{TARGET_MEDIAN_MS} ms: ratio {median / TARGET_MEDIAN_MS:.2f}",
            flush=True,
        )
        if median >= TARGET_MEDIAN_MS:
            missed.append(family)
    print(
        f"all {len(every_page)} pages: median {statistics.median(every_page):.3f} ms, "
        f"p90 {statistics.quantiles(every_page, n=10)[-1]:.3f} ms",
        flush=True,
    )
    if missed:
        print(f"target missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
