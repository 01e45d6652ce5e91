"""Baselines for adopting `tbcv check` on a large existing docs set: `--update-baseline FILE`
records today's findings, `--baseline FILE` reports only findings that are not in it.

A finding is recorded as (path, rule, fingerprint); the fingerprint (rule + path + the issue's
context or message + its occurrence number among identical findings of the file) survives
lines moving, so editing above a known finding does not make it new, while a second identical
finding in the same file is new. The file (JSON, sorted, written atomically) looks like:

    {"schema": "tbcv.baseline/1", "findings": [{"path": "docs/a.md", "rule": "MD009",
      "fingerprint": "…"}, …]}
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.engine.model import Report

BASELINE_SCHEMA = "tbcv.baseline/1"


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names the file."""


def _findings(reports: list[Report]) -> list[tuple[str, str, str]]:
    from chalicelib.engine.report.fingerprints import issue_fingerprints

    found = []
    for report in reports:
        for issue, fingerprint in zip(report.issues, issue_fingerprints(report), strict=True):
            found.append((report.path or "", issue.rule, fingerprint))
    return found


def write_baseline(path: Path, reports: list[Report]) -> int:
    """Record every finding of `reports`; returns how many."""
    findings = sorted(set(_findings(reports)))
    data = {
        "schema": BASELINE_SCHEMA,
        "findings": [{"path": p, "rule": rule, "fingerprint": fingerprint} for p, rule, fingerprint in findings],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    folder = path.resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise BaselineError(f"baseline {path} cannot be written: {error.strerror or error}") from None
    return len(findings)


def load_baseline(path: Path) -> frozenset[tuple[str, str, str]]:
    """The recorded (path, rule, fingerprint) findings; refuses a file of another schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with --update-baseline)") from None
    except OSError as error:
        raise BaselineError(f"baseline {path} cannot be read: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"baseline {path} is not JSON: {error}") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != BASELINE_SCHEMA:
        raise BaselineError(f"baseline {path} has schema {schema!r}, not {BASELINE_SCHEMA!r}; recreate it")
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"baseline {path}: findings must be a list")
    try:
        return frozenset((item["path"], item["rule"], item["fingerprint"]) for item in findings)
    except (TypeError, KeyError) as error:
        raise BaselineError(f"baseline {path}: a finding lacks path, rule or fingerprint ({error})") from None


def apply_baseline(reports: list[Report], known: frozenset[tuple[str, str, str]]) -> tuple[list[Report], int]:
    """The reports without the issues the baseline holds, and how many were left out."""
    from chalicelib.engine.report.fingerprints import issue_fingerprints

    kept_reports = []
    baselined = 0
    for report in reports:
        path = report.path or ""
        kept = [
            issue
            for issue, fingerprint in zip(report.issues, issue_fingerprints(report), strict=True)
            if (path, issue.rule, fingerprint) not in known
        ]
        baselined += len(report.issues) - len(kept)
        kept_reports.append(dataclasses.replace(report, issues=kept) if len(kept) != len(report.issues) else report)
    return kept_reports, baselined
