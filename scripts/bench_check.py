"""Benchmark of `tbcv check` against markdownlint-cli2, rumdl and a bare markdown-it-py parse.

The corpus pages are replicated into a temporary folder until there are at least MIN_FILES
files (so process start-up does not dominate); then, as whole processes on those same files,
each contender runs RUNS times (interleaved rounds) and the median wall time gives its files/s.
Every contender runs cold: tbcv with `--no-cache`, rumdl with `--no-cache` (both would
otherwise answer the repeated runs from their result caches; bench_check_cache.py measures that).

- `tbcv check DIR --no-cache` (default jobs: all cores) and with `--jobs 1`, text output;
- markdownlint-cli2 (pinned, installed once into .bench-cache) with its default rules;
- rumdl (a Rust linter, pinned in requirements-dev.txt) with its defaults, `--no-config`;
- one Python process that reads every page, loads its front matter with `yaml.safe_load`
  and parses the body with markdown-it-py (CommonMark + tables): parsing only, no rules.

Targets: tbcv (default jobs) >= 6x markdownlint-cli2 and >= 0.5x rumdl, and tbcv --jobs 1 >= 1.0x
the bare parse. The machine's load average is printed beside the figures, and each contender's
CPU time (its processes and workers) beside its wall time: on a shared machine the wall-time
ratios move with the load, the CPU-time ratios hardly do. Exits 1 when a target is missed.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from markdownlint import ensure_markdownlint  # noqa: E402

CORPUS = REPO_ROOT.parent / "shared" / "corpus"
MIN_FILES = 4000
RUNS = int(os.environ.get("TBCV_BENCH_RUNS", "5"))  # fewer rounds on a busy machine
TBCV = REPO_ROOT / ".venv" / "bin" / "tbcv"
RUMDL = REPO_ROOT / ".venv" / "bin" / "rumdl"
PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
TARGET_VS_MARKDOWNLINT = 6.0
TARGET_VS_RUMDL = 0.5
TARGET_VS_BARE_PARSE = 1.0

BARE_PARSE = """
import os, sys, yaml
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".md"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            if text.startswith("---\\n"):
                end = text.find("\\n---", 4)
                if end > 0:
                    yaml.safe_load(text[4:end])
                    text = text[end + 4:]
            md.parse(text)
"""


def replicate(target: Path) -> int:
    """Copy the corpus pages into `target` as many times as needed; returns the file count."""
    pages = sorted(CORPUS.rglob("*.md"))
    if not pages:
        raise SystemExit(f"no corpus pages under {CORPUS}")
    copies = -(-MIN_FILES // len(pages))
    for copy in range(copies):
        for page in pages:
            destination = target / f"copy{copy}" / page.relative_to(CORPUS)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, destination)
    return copies * len(pages)


def load_average() -> str:
    """The 1/5/15-minute load averages (the benchmark shares the machine)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, quiet: bool) -> tuple[float, float]:
    """(wall time, CPU time of the process and its workers) of one run; exit code 1 (issues
    found) is a normal outcome for a linter, and a `quiet` command (tbcv, the bare parse) must
    not write to stderr (a traceback also exits 1)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1) or (quiet and result.stderr):
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return elapsed, _children_cpu() - cpu


def median_rates(
    contenders: list[tuple[str, list[str], bool]], cwd: Path, files: int
) -> tuple[list[float], list[float]]:
    """files/s of each contender from the median wall time of RUNS runs, and its median CPU
    seconds; the runs are interleaved (one of each per round), so a change in machine load
    affects every contender alike. CPU time hardly moves with the load of a shared machine, so
    it is printed beside each figure."""
    times: list[list[float]] = [[] for _ in contenders]
    cpus: list[list[float]] = [[] for _ in contenders]
    for _ in range(RUNS):
        for index, (_, command, quiet) in enumerate(contenders):
            elapsed, cpu = timed(command, cwd, quiet)
            times[index].append(elapsed)
            cpus[index].append(cpu)
    rates, cpu_medians = [], []
    for (name, _, _), runs, cpu_runs in zip(contenders, times, cpus, strict=True):
        median = statistics.median(runs)
        rates.append(files / median)
        cpu_medians.append(statistics.median(cpu_runs))
        print(
            f"{name:<34} {files / median:8.0f} files/s  (median of {RUNS}: {median:.2f} s, "
            f"CPU {cpu_medians[-1]:.2f} s; runs {', '.join(f'{t:.2f}' for t in runs)})",
            flush=True,
        )
    return rates, cpu_medians


def main() -> int:
    markdownlint = ensure_markdownlint()
    with tempfile.TemporaryDirectory(prefix="tbcv-bench-") as folder:
        root = Path(folder)
        pages = root / "pages"
        files = replicate(pages)
        (root / ".markdownlint-cli2.jsonc").write_text('{"config": {"default": true}}\n', encoding="utf-8")
        print(f"{files} files (corpus pages replicated), {os.cpu_count()} cores, {load_average()}", flush=True)
        (tbcv_default, tbcv_one, markdownlint_rate, rumdl_rate, bare), cpu = median_rates(
            [
                ("tbcv check (default jobs)", [str(TBCV), "check", "pages", "--no-cache"], True),
                ("tbcv check --jobs 1", [str(TBCV), "check", "pages", "--jobs", "1", "--no-cache"], True),
                ("markdownlint-cli2 (default rules)", [str(markdownlint), "pages/**/*.md"], False),
                ("rumdl (defaults)", [str(RUMDL), "check", "pages", "--no-cache", "--no-config"], False),
                ("bare markdown-it-py + YAML", [str(PYTHON), "-c", BARE_PARSE, "pages"], True),
            ],
            root,
            files,
        )
    print(f"machine after the runs: {load_average()}")
    vs_markdownlint = tbcv_default / markdownlint_rate
    vs_rumdl = tbcv_default / rumdl_rate
    vs_bare = tbcv_one / bare
    print(f"tbcv check / markdownlint-cli2:       {vs_markdownlint:5.2f}x  (target >= {TARGET_VS_MARKDOWNLINT}x)")
    print(f"tbcv check / rumdl:                   {vs_rumdl:5.2f}x  (target >= {TARGET_VS_RUMDL}x)")
    print(f"tbcv check --jobs 1 / bare parse:     {vs_bare:5.2f}x  (target >= {TARGET_VS_BARE_PARSE}x)")
    print(
        f"by CPU time (load-independent): bare parse / tbcv --jobs 1 {cpu[4] / cpu[1]:.2f}x, "
        f"markdownlint-cli2 / tbcv {cpu[2] / cpu[0]:.2f}x, rumdl / tbcv {cpu[3] / cpu[0]:.2f}x"
    )
    met = vs_markdownlint >= TARGET_VS_MARKDOWNLINT and vs_rumdl >= TARGET_VS_RUMDL and vs_bare >= TARGET_VS_BARE_PARSE
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
