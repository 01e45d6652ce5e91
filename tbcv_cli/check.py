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
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tbcv_cli.project_config import ConfigError, ProjectConfig, find_config, load_config

if TYPE_CHECKING:
    from chalicelib.engine.model import Report

FORMATS = ("text", "json", "sarif", "junit")  # = chalicelib.engine.report.FORMATS, without loading the engine
FAIL_ON = ("error", "warning")
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
    overrides, the profile and family asked for, and the docs set relative links resolve against."""

    def __init__(self, *, profile: str | None, family: str | None, overrides: dict, docs: frozenset[str]):
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

    def validate(self, text: str, path: str):
        return self._validate_document(
            text, path=path, family=self.family, profile=self.profile, ruleset=self.ruleset, memo=self.memo
        )


def _fix_text(text: str, path: str, engine: Engine):
    """Apply non-conflicting fixes until the report has none left to apply (bounded). A fix
    that cannot be applied (a rule's bug) ends fixing for this file instead of failing the run."""
    from chalicelib.engine.edits import EditError, apply_edits, select_non_conflicting

    fixed = 0
    report = engine.validate(text, path)
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
        report = engine.validate(text, path)
    return report, text, fixed


def check_target(target: Target, engine: Engine, fix: bool) -> Checked:
    try:
        with open(target.path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return Checked(_unreadable_report(target, None, f"File cannot be read: {error.strerror or error}", engine))
    text, problem = _decode(data)
    if text is None:
        return Checked(_unreadable_report(target, data, problem, engine))
    if not fix:
        return Checked(engine.validate(text, target.display))
    report, new_text, fixed = _fix_text(text, target.display, engine)
    if fixed:
        with open(target.path, "wb") as handle:
            handle.write(new_text.encode("utf-8"))
    return Checked(report, fixed)


# Set in the parent before the pool forks; workers inherit it instead of pickling it per task.
_RUN: tuple[Engine, bool] | None = None


def _check_chunk(chunk: list[Target]) -> list[Checked]:
    engine, fix = _RUN
    return [check_target(target, engine, fix) for target in chunk]


def run_checks(targets: list[Target], engine: Engine, *, jobs: int, fix: bool) -> list[Checked]:
    global _RUN
    if jobs <= 1 or len(targets) < 2:
        return [check_target(target, engine, fix) for target in targets]
    import multiprocessing

    jobs = min(jobs, len(targets))
    size = max(1, min(64, len(targets) // (jobs * 4)))
    chunks = [targets[index : index + size] for index in range(0, len(targets), size)]
    _RUN = (engine, fix)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [checked for result in pool.imap(_check_chunk, chunks) for checked in result]
    finally:
        _RUN = None


def _project_config(config_file: Path | None) -> ProjectConfig:
    if config_file is not None:
        if not config_file.is_file():
            raise UsageError(f"config file does not exist: {config_file}")
        return load_config(config_file)
    found = find_config(Path.cwd())
    return load_config(found) if found else ProjectConfig()


def check(
    paths: list[Path] = typer.Argument(..., help="Markdown files or folders (searched recursively for *.md)."),
    family: str | None = typer.Option(None, "--family", help="Product family, e.g. words."),
    profile: str | None = typer.Option(None, "--profile", help="Rule profile: default, strict or relaxed."),
    fmt: str = typer.Option("text", "--format", help="Output format: text, json, sarif or junit."),
    jobs: int | None = typer.Option(None, "--jobs", help="Processes to use (default: all cores; 1: no pool)."),
    config_file: Path | None = typer.Option(None, "--config", help="Project config (default: nearest .tbcv.yaml)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Glob of paths to skip; repeatable."),
    fail_on: str = typer.Option("error", "--fail-on", help="Lowest severity that fails the run: error or warning."),
    output: Path | None = typer.Option(None, "--output", help="Write the report here instead of stdout."),
    fix: bool = typer.Option(False, "--fix", help="Apply fixable edits in place, then report what is left."),
) -> None:
    """Validate Markdown files offline; exit 0 when clean, 1 when an issue fails the run, 2 on usage errors."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be error or warning, not {fail_on!r}")
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    try:
        config = _project_config(config_file)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    targets = collect_targets(paths, tuple(config.exclude) + tuple(exclude))
    engine = Engine(profile=profile, family=family, overrides=config.ruleset_overrides(), docs=docs_set(paths, targets))
    results = run_checks(targets, engine, jobs=jobs or os.cpu_count() or 1, fix=fix)
    reports = [checked.report for checked in results]

    from chalicelib.engine.report import render

    rendered = render(fmt, reports, fail_on=fail_on)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    if fix:
        for target, checked in zip(targets, results):
            if checked.fixed:
                print(f"{target.display}: fixed {checked.fixed} issue(s)", file=sys.stderr)
    failing = ("error",) if fail_on == "error" else ("error", "warning")
    if any(issue.severity in failing for report in reports for issue in report.issues):
        raise typer.Exit(1)
