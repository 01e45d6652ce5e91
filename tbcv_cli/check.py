"""`tbcv check`: validate local Markdown files offline with the engine.

Files are validated in chunks on a fork-based process pool (`--jobs`, default the core count;
`--jobs 1` runs in this process). The engine and the ruleset are loaded once in the parent
before the pool forks, so workers start with everything imported. Reports are put back in
path order, so the output is the same whatever the job count. `--fix` applies every fixable
edit that does not conflict, re-validates and repeats until nothing changes (bounded), and
writes the file back with its own line endings and BOM.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import typer

from tbcv_cli.project_config import ConfigError, ProjectConfig, find_config, load_config
from tbcv_cli.result_cache import DEFAULT_CACHE_DIR

if TYPE_CHECKING:
    from collections.abc import Iterator

    from chalicelib.engine.markdownlint_config import MarkdownlintConfigFinder
    from chalicelib.engine.model import Report
    from tbcv_cli.result_cache import ResultCache

# typer offers a Literal's values as the option's choices (and refuses others, exit 2)
ReportFormat = Literal["text", "json", "sarif", "junit", "github", "gitlab"]  # = chalicelib.engine.report.FORMATS
FailOn = Literal["error", "warning"]
FORMATS = get_args(ReportFormat)
MAX_FIX_ROUNDS = 5
UNREADABLE_RULE = ("IO001", "unreadable-file")


class UsageError(Exception):
    """A problem with the command line or the project config: one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Target:
    display: str  # the path as found from the arguments (shown in every output)
    path: str  # where to read it


@dataclass(slots=True)
class Checked:
    report: Report
    fixed: int = 0  # issues whose fix was applied (with --fix)


def _excluded(display: str, globs: tuple[str, ...]) -> bool:
    """A glob matches the path as shown or any tail of it that starts at a folder boundary,
    so `drafts/*` excludes `docs/drafts/a.md` and `*.draft.md` excludes by file name."""
    if not globs:
        return False
    parts = Path(display).as_posix().split("/")
    tails = ["/".join(parts[index:]) for index in range(len(parts))]
    return any(fnmatchcase(tail, glob) for glob in globs for tail in tails)


def collect_targets(paths: list[Path], exclude: tuple[str, ...]) -> list[Target]:
    """Files named on the command line and `*.md` files under named folders, sorted by the
    path as shown; a missing path is a usage error."""
    found: dict[str, Target] = {}
    for given in paths:
        text = str(given)
        if not os.path.exists(text):
            raise UsageError(f"path does not exist: {text}")
        if os.path.isdir(text):
            for folder, subfolders, files in os.walk(text):
                subfolders.sort()
                for name in files:
                    if name.endswith(".md"):
                        full = os.path.join(folder, name)
                        found.setdefault(full, Target(full, full))
        else:
            found.setdefault(text, Target(text, text))
    return sorted((t for t in found.values() if not _excluded(t.display, exclude)), key=lambda t: t.display)


def docs_set(paths: list[Path], targets: list[Target]) -> frozenset[str]:
    """Every file under the folders given (any extension: pages link images too) and every file
    named, as normalised paths written like the targets' display paths."""
    found = {posixpath.normpath(Path(t.display).as_posix()) for t in targets}
    for given in paths:
        if os.path.isdir(given):
            for folder, _, files in os.walk(given):
                for name in files:
                    found.add(posixpath.normpath(Path(folder, name).as_posix()))
    return frozenset(found)


def _unreadable_report(target: Target, data: bytes | None, message: str, engine: Engine):
    from chalicelib.engine.model import Issue, Report

    rule, alias = UNREADABLE_RULE
    issue = Issue(rule=rule, alias=alias, category="structure", severity="error", message=message, line=1, column=1)
    return Report(
        path=target.display,
        family=engine.family,
        profile=engine.profile,
        ruleset_version=engine.ruleset_version,
        content_sha256=hashlib.sha256(data or b"").hexdigest(),
        issues=[issue],
    )


def _decode(data: bytes) -> tuple[str | None, str]:
    """The text of a file, or None and why it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "File is UTF-16 text; save it as UTF-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, f"File is binary, not Markdown text (NUL byte at offset {nul})"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError as error:
        return None, (
            f"File is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start} cannot be decoded)"
        )


class Engine:
    """The engine configured once for a run (before the pool forks): the ruleset with the project's
    overrides, the profile and family asked for, the docs set relative links resolve against and
    the markdownlint configuration of each file's folder."""

    def __init__(
        self,
        *,
        profile: str | None,
        family: str | None,
        overrides: dict,
        docs: frozenset[str],
        markdownlint: MarkdownlintConfigFinder,
    ):
        from chalicelib.engine import validate_document
        from chalicelib.engine.rules.links import DOCS_MEMO
        from chalicelib.engine.ruleset import load_ruleset

        try:
            self.ruleset = load_ruleset(overrides=overrides)
            self.profile = self.ruleset.profile_for(profile, family)
        except ValueError as error:
            raise UsageError(str(error)) from None
        self._validate_document = validate_document
        self.family = family or self.ruleset.project_family
        if self.family is not None and self.family not in self.ruleset.truth.families:
            raise UsageError(
                f"unknown family {self.family!r}; known families: {', '.join(self.ruleset.truth.families)}"
            )
        self.memo = {DOCS_MEMO: docs}
        self.ruleset_version = self.ruleset.version
        self.markdownlint = markdownlint

    def validate(self, text: str, target: Target):
        return self._validate_document(
            text,
            path=target.display,
            family=self.family,
            profile=self.profile,
            ruleset=self.ruleset,
            memo=self.memo,
            markdownlint_config=self.markdownlint.config_for(target.path),
        )


def _fix_text(text: str, target: Target, engine: Engine):
    """Apply non-conflicting fixes until the report has none left to apply (bounded). A fix
    that cannot be applied (a rule's bug) ends fixing for this file instead of failing the run."""
    from chalicelib.engine.edits import EditError, apply_edits, select_non_conflicting

    fixed = 0
    report = engine.validate(text, target)
    for _ in range(MAX_FIX_ROUNDS):
        groups = [issue.fix for issue in report.issues if issue.fix]
        if not groups:
            break
        try:
            kept, _ = select_non_conflicting(text, groups)
            new_text = apply_edits(text, [edit for group in kept for edit in group])
        except EditError:
            break
        if new_text == text:
            break
        text = new_text
        fixed += len(kept)
        report = engine.validate(text, target)
    return report, text, fixed


def check_target(target: Target, engine: Engine, fix: bool, cache: ResultCache | None = None) -> Checked:
    try:
        with open(target.path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return Checked(_unreadable_report(target, None, f"File cannot be read: {error.strerror or error}", engine))
    text, problem = _decode(data)
    if text is None:
        return Checked(_unreadable_report(target, data, problem, engine))
    if not fix:
        report = engine.validate(text, target)
        if cache is not None:
            cache.put(
                cache.key(target.display, _markdownlint_text(engine.markdownlint, target), report.content_sha256),
                report,
            )
        return Checked(report)
    report, new_text, fixed = _fix_text(text, target, engine)
    if fixed:
        with open(target.path, "wb") as handle:
            handle.write(new_text.encode("utf-8"))
    return Checked(report, fixed)


def _markdownlint_text(finder: MarkdownlintConfigFinder, target: Target) -> str:
    from chalicelib.engine.markdownlint_config import config_digest

    return config_digest(finder.config_for(target.path))


def cached_reports(targets: list[Target], cache: ResultCache, finder: MarkdownlintConfigFinder) -> list[Report | None]:
    """Each target's cached report, or None where the cache has none (or the file is unreadable)."""
    found: list[Report | None] = []
    for target in targets:
        try:
            with open(target.path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            found.append(None)
            continue
        found.append(cache.get(cache.key(target.display, _markdownlint_text(finder, target), digest)))
    return found


# Set in the parent before the pool forks; workers inherit it instead of pickling it per task.
_RUN: tuple[Engine, bool, ResultCache | None] | None = None


def _check_chunk(chunk: list[Target]) -> list[Checked]:
    if _RUN is None:
        raise RuntimeError("run_checks sets _RUN before the pool forks")
    engine, fix, cache = _RUN
    return [check_target(target, engine, fix, cache) for target in chunk]


def run_checks(
    targets: list[Target], engine: Engine, *, jobs: int, fix: bool, cache: ResultCache | None = None
) -> list[Checked]:
    global _RUN
    if jobs <= 1 or len(targets) < 2:
        return [check_target(target, engine, fix, cache) for target in targets]
    import multiprocessing

    jobs = min(jobs, len(targets))
    size = max(1, min(64, len(targets) // (jobs * 4)))
    chunks = [targets[index : index + size] for index in range(0, len(targets), size)]
    _RUN = (engine, fix, cache)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [checked for result in pool.imap(_check_chunk, chunks) for checked in result]
    finally:
        _RUN = None


def _is_markdownlint_file(path: Path) -> bool:
    """`--config` takes a markdownlint file when its name says so (`.markdownlint.json`,
    `.markdownlint-cli2.yaml`, `lint/markdownlint.yaml`...), else a `.tbcv.yaml`-style file."""
    return "markdownlint" in path.name.lower()


def _configs(config_file: Path | None) -> tuple[ProjectConfig, MarkdownlintConfigFinder]:
    """The project config and the markdownlint configuration: `--config` names either kind; the
    project config is otherwise the nearest `.tbcv.yaml`, and markdownlint files are otherwise
    found from each checked file's folder upwards."""
    from chalicelib.engine.markdownlint_config import (
        MarkdownlintConfigError,
        MarkdownlintConfigFinder,
        read_named_file,
    )

    if config_file is not None and not config_file.is_file():
        raise UsageError(f"config file does not exist: {config_file}")
    try:
        if config_file is not None and _is_markdownlint_file(config_file):
            found = find_config(Path.cwd())
            project = load_config(found) if found else ProjectConfig()
            return project, MarkdownlintConfigFinder(fixed=read_named_file(config_file))
        if config_file is not None:
            return load_config(config_file), MarkdownlintConfigFinder()
        found = find_config(Path.cwd())
        return (load_config(found) if found else ProjectConfig()), MarkdownlintConfigFinder()
    except (ConfigError, MarkdownlintConfigError) as error:
        raise UsageError(str(error)) from None


def _resolve_markdownlint(finder: MarkdownlintConfigFinder, targets: list[Target]) -> None:
    """Read every `.markdownlint*` file that applies, in this process (before the pool forks),
    so a malformed one is a usage error naming it, and workers inherit what was read."""
    from chalicelib.engine.markdownlint_config import MarkdownlintConfigError

    try:
        for target in targets:
            finder.config_for(target.path)
    except MarkdownlintConfigError as error:
        raise UsageError(f"markdownlint configuration {error}") from None


def check(
    paths: list[Path] = typer.Argument(..., help="Markdown files or folders (searched recursively for *.md)."),
    family: str | None = typer.Option(None, "--family", help="Product family, e.g. words."),
    profile: str | None = typer.Option(None, "--profile", help="Rule profile: default, strict or relaxed."),
    fmt: ReportFormat = typer.Option("text", "--format", help="Output format."),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Processes to use (default: all cores; 1: no pool)."),
    config_file: Path | None = typer.Option(
        None, "--config", help="A .tbcv.yaml-style project config or a markdownlint config file (default: found)."
    ),
    exclude: list[str] = typer.Option([], "--exclude", help="Glob of paths to skip; repeatable."),
    fail_on: FailOn = typer.Option("error", "--fail-on", help="Lowest severity that fails the run."),
    output: Path | None = typer.Option(None, "--output", help="Write the report here instead of stdout."),
    fix: bool = typer.Option(False, "--fix", help="Apply fixable edits in place, then report what is left."),
    cache_dir: Path = typer.Option(DEFAULT_CACHE_DIR, "--cache-dir", help="Where results are cached."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the result cache."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Report only findings this baseline lacks."),
    update_baseline: Path | None = typer.Option(
        None, "--update-baseline", help="Record every finding of this run in this baseline file (exit 0)."
    ),
) -> None:
    """Validate Markdown files offline; exit 0 when clean, 1 when an issue fails the run, 2 on usage errors."""
    if baseline is not None and update_baseline is not None:
        raise UsageError("--baseline and --update-baseline cannot be used together")
    known = _load_baseline(baseline) if baseline is not None else None
    config, markdownlint = _configs(config_file)
    targets = collect_targets(paths, tuple(config.exclude) + tuple(exclude))
    _resolve_markdownlint(markdownlint, targets)
    docs = docs_set(paths, targets)
    overrides = config.ruleset_overrides()
    cache = None
    if not (no_cache or fix):
        from tbcv_cli.result_cache import ResultCache, run_key

        cache = ResultCache(cache_dir, run_key({"overrides": overrides, "profile": profile, "family": family}, docs))
    reports = _check_all(
        targets, cache, markdownlint, jobs or os.cpu_count() or 1, fix, profile, family, overrides, docs
    )

    baselined = None
    if update_baseline is not None:
        recorded = _write_baseline(update_baseline, [checked.report for checked in reports])
        print(f"tbcv: recorded {recorded} finding(s) in {update_baseline}", file=sys.stderr)
    final = [checked.report for checked in reports]
    if known is not None:
        from tbcv_cli.baseline import apply_baseline

        final, baselined = apply_baseline(final, known)

    from chalicelib.engine.report import render

    rendered = render(fmt, final, fail_on=fail_on, baselined=baselined)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    if fix:
        for target, checked in zip(targets, reports, strict=True):
            if checked.fixed:
                print(f"{target.display}: fixed {checked.fixed} issue(s)", file=sys.stderr)
    failing = ("error",) if fail_on == "error" else ("error", "warning")
    if update_baseline is None and any(issue.severity in failing for report in final for issue in report.issues):
        raise typer.Exit(1)


def _check_all(
    targets: list[Target],
    cache: ResultCache | None,
    markdownlint: MarkdownlintConfigFinder,
    jobs: int,
    fix: bool,
    profile: str | None,
    family: str | None,
    overrides: dict,
    docs: frozenset[str],
) -> list[Checked]:
    """Every target's result, in target order: from the cache where it has one, else from the
    engine (loaded only when some file misses the cache)."""
    found = cached_reports(targets, cache, markdownlint) if cache is not None else [None] * len(targets)
    missing = [target for target, report in zip(targets, found, strict=True) if report is None]
    checked: Iterator[Checked] = iter([])
    if missing:
        engine = Engine(profile=profile, family=family, overrides=overrides, docs=docs, markdownlint=markdownlint)
        with _batch_gc():
            checked = iter(run_checks(missing, engine, jobs=jobs, fix=fix, cache=cache))
    return [Checked(report) if report is not None else next(checked) for report in found]


# gen-0 threshold of the garbage collector during a batch (CPython's default is 700)
_BATCH_GC_THRESHOLD = 50_000


@contextmanager
def _batch_gc() -> Iterator[None]:
    """A check run allocates many short-lived objects per page and keeps every report to the
    end, so with CPython's default thresholds the cyclic collector rescans the growing pile of
    kept reports again and again (about a tenth of a 4,000-page run, measured). For the run,
    what start-up loaded (the engine, rules and truth tables, which also stay shared
    copy-on-write in forked workers) is frozen out of collection and young objects are
    collected less often; the collector still runs, so memory stays bounded. Both are undone
    afterwards (an in-process caller, such as a test, keeps its own settings)."""
    import gc

    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(_BATCH_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _load_baseline(path: Path):
    from tbcv_cli.baseline import BaselineError, load_baseline

    try:
        return load_baseline(path)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def _write_baseline(path: Path, reports: list) -> int:
    from tbcv_cli.baseline import BaselineError, write_baseline

    try:
        return write_baseline(path, reports)
    except BaselineError as error:
        raise UsageError(str(error)) from None
